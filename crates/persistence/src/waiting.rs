//! A guest's avatars left waiting at a sign-in because the member's roster had no room
//! for them all (`MergeReport::held_back`): what the member is shown of them, and the
//! member's choice of what to keep, which completes the merge. Until then they are the
//! guest's, as they were.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use identity::OwnerId;

use crate::{
    Store, StoreError,
    accounts::{move_and_retire, unmerged_guest},
    domain::{Avatar, AvatarId},
    entity::{
        avatar,
        owner::{self, OwnerKind},
    },
    roster::order,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What keeping did: how many of the guest's avatars joined the member's roster, and how
/// many avatars (of either) the member let go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    pub moved: u64,
    pub removed: u64,
}

impl Store {
    /// The avatars `guest` holds, in order, while it waits for its member's choice:
    /// `None` when it waits no more — merged (by a choice, or a sign-in elsewhere), not
    /// a guest, or holding nothing. Two reads; asked only by a member's browser that
    /// carries a guest's cookie.
    #[tracing::instrument(skip_all, fields(%guest))]
    pub async fn waiting_avatars(&self, guest: OwnerId) -> Result<Option<Vec<Avatar>>> {
        let waiting = owner::Entity::find_by_id(guest.as_uuid())
            .filter(owner::Column::Kind.eq(OwnerKind::Guest))
            .filter(owner::Column::MergedInto.is_null())
            .one(&self.db)
            .await?;
        if waiting.is_none() {
            return Ok(None);
        }
        let avatars = self.list_avatars(guest).await?;
        Ok((!avatars.is_empty()).then_some(avatars))
    }

    /// The member's choice about a waiting guest: the avatars in `remove` (of the
    /// member's roster or the guest's) are deleted, the guest's others join the member's
    /// roster after the member's own, in their order, and the guest is retired — in one
    /// transaction. A second submission of the same choice changes nothing.
    ///
    /// Refused, with nothing changed: [`StoreError::AvatarLimitReached`] when more than
    /// the cap would remain; [`StoreError::NotFound`] when an avatar in `remove` is in
    /// neither roster (they changed since the choice was shown); and
    /// [`StoreError::GuestMerged`] when the guest was merged elsewhere meanwhile.
    #[tracing::instrument(skip_all, fields(%guest, %member, remove = remove.len()))]
    pub async fn keep_waiting(
        &self,
        guest: OwnerId,
        member: OwnerId,
        remove: &[AvatarId],
    ) -> Result<Kept> {
        let now = self.now();
        let txn = self.db.begin().await?;
        if !unmerged_guest(&txn, guest, member, now).await? {
            return Ok(Kept::default());
        }
        let (mine, theirs) = (order(&txn, member).await?, order(&txn, guest).await?);
        let removed = |id: &uuid::Uuid| remove.iter().any(|gone| gone.as_uuid() == *id);
        let known =
            |gone: &AvatarId| mine.iter().chain(&theirs).any(|(id, _)| *id == gone.as_uuid());
        if !remove.iter().all(known) {
            return Err(StoreError::NotFound);
        }
        let combined: Vec<_> =
            mine.iter().chain(&theirs).filter(|(id, _)| !removed(id)).copied().collect();
        if combined.len() as u64 > self.avatar_limit {
            return Err(StoreError::AvatarLimitReached { limit: self.avatar_limit });
        }
        let owners = [member.as_uuid(), guest.as_uuid()];
        let ids = remove.iter().map(AvatarId::as_uuid);
        let deleted = avatar::Entity::delete_many()
            .filter(avatar::Column::OwnerId.is_in(owners))
            .filter(avatar::Column::Id.is_in(ids))
            .exec(&txn)
            .await?
            .rows_affected;
        let moved = move_and_retire(&txn, guest, member, &combined, now).await?;
        txn.commit().await?;
        Ok(Kept { moved, removed: deleted })
    }
}
