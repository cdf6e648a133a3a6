//! Members, the guest → member merge, password changes and deletion, on the database
//! (sessions and revocation are in `sessions`, provider links in `providers`, passkeys in
//! `passkeys`: each implements its port of `identity` where its queries are).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::Expr,
};

use identity::{
    MemberStore, OwnerId,
    account::{DisplayName, Email, Member, MergeReport, NewMember, PasswordHash},
};

use crate::{
    Store, StoreError,
    entity::{
        avatar, member,
        owner::{self, OwnerKind},
    },
    members::member_from,
    owners::{claim_owner, touch_owner},
    passkeys::insert_passkey,
    providers::insert_link,
    roster::{order, renumber},
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl Store {
    /// Renames the member (the account page).
    #[tracing::instrument(skip_all, fields(%member))]
    pub async fn set_display_name(&self, member: OwnerId, name: &DisplayName) -> Result<Member> {
        let rows = member::Entity::update_many()
            .col_expr(member::Column::DisplayName, Expr::value(name.as_str()))
            .col_expr(member::Column::UpdatedAt, Expr::value(self.now()))
            .filter(member::Column::OwnerId.eq(member.as_uuid()))
            .exec_with_returning(&self.db)
            .await?;
        rows.into_iter().next().map(member_from).ok_or(StoreError::NotFound)?
    }
}

impl MemberStore for Store {
    /// Creates a member (and its owner row) with the fresh id `new` carries.
    #[tracing::instrument(skip_all)]
    async fn create_member(&self, new: NewMember) -> Result<Member> {
        let txn = self.db.begin().await?;
        let member = insert_member(&txn, new, self.now()).await?;
        txn.commit().await?;
        Ok(member)
    }

    /// Sign-up: creates the member and moves the guest's avatars to it, in their order,
    /// retiring the guest — in one transaction, so a refusal (a taken email, a guest
    /// already merged elsewhere) or a failure leaves no member and every avatar where it
    /// was.
    #[tracing::instrument(skip_all, fields(%guest))]
    async fn create_member_from_guest(
        &self,
        new: NewMember,
        guest: OwnerId,
    ) -> Result<(Member, MergeReport)> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let member = insert_member(&txn, new, now).await?;
        let report = merge(&txn, guest, member.id, now, self.avatar_limit).await?;
        txn.commit().await?;
        Ok((member, report))
    }

    /// The member with this id.
    #[tracing::instrument(skip_all, fields(%id))]
    async fn find_member(&self, id: OwnerId) -> Result<Option<Member>> {
        member::Entity::find_by_id(id.as_uuid()).one(&self.db).await?.map(member_from).transpose()
    }

    /// Looks a member up by email; the email is normalised, so case does not matter.
    #[tracing::instrument(skip_all)]
    async fn find_member_by_email(&self, email: &Email) -> Result<Option<Member>> {
        member::Entity::find()
            .filter(member::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await?
            .map(member_from)
            .transpose()
    }

    /// Replaces the password hash and bumps the session version in one statement, so no
    /// session issued before the change outlives it. Returns the new version.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn set_password(&self, member: OwnerId, hash: PasswordHash) -> Result<i32> {
        self.bump_session_version_and(member, |update| {
            update.col_expr(member::Column::PasswordHash, Expr::value(hash.expose()))
        })
        .await
    }

    /// Deletes the member with everything it owns or links to, in one transaction: its
    /// owner row, whose deletion cascades to the member row, its avatars, its links and
    /// passkeys. The guests merged into it stay retired — merged into themselves, so
    /// that a copy of such a guest's token can never write again — until the sweep
    /// removes them with every guest not seen for the retention period (longer than a
    /// guest token lives).
    #[tracing::instrument(skip_all, fields(%member))]
    async fn delete_member(&self, member: OwnerId) -> Result<()> {
        let txn = self.db.begin().await?;
        owner::Entity::update_many()
            .col_expr(owner::Column::MergedInto, Expr::col(owner::Column::Id))
            .col_expr(owner::Column::LastSeenAt, Expr::value(self.now()))
            .filter(owner::Column::MergedInto.eq(member.as_uuid()))
            .exec(&txn)
            .await?;
        let deleted = owner::Entity::delete_many()
            .filter(owner::Column::Id.eq(member.as_uuid()))
            .filter(owner::Column::Kind.eq(OwnerKind::Member))
            .exec(&txn)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        txn.commit().await?;
        Ok(())
    }

    /// Moves every avatar of `guest` to the end of `member`'s roster, in their order, and
    /// marks the guest merged, in one transaction: either all of it happens or none of it
    /// does.
    ///
    /// Idempotent: replaying a merge that already happened changes nothing. A guest that
    /// never wrote gets a (merged) owner row too, so its token cannot start writing later.
    /// When the two rosters together would pass the avatar cap, nothing moves and the
    /// guest stays unmerged (`held_back`): a merge never drops an avatar, and never grows
    /// a roster past the cap; the member chooses what to keep (`Store::keep_waiting`).
    #[tracing::instrument(skip_all, fields(%guest, %member))]
    async fn merge_guest_into_member(
        &self,
        guest: OwnerId,
        member: OwnerId,
    ) -> Result<MergeReport> {
        let txn = self.db.begin().await?;
        let report = merge(&txn, guest, member, self.now(), self.avatar_limit).await?;
        txn.commit().await?;
        Ok(report)
    }
}

/// Inserts a member, its owner row, and its link or passkey; a taken email is
/// [`StoreError::EmailTaken`], a taken link or passkey [`StoreError::LinkTaken`].
async fn insert_member(
    txn: &DatabaseTransaction,
    new: NewMember,
    now: DateTime<Utc>,
) -> Result<Member> {
    let id = new.id;
    owner::Entity::insert(owner::ActiveModel {
        id: Set(id.as_uuid()),
        kind: Set(OwnerKind::Member),
        created_at: Set(now),
        last_seen_at: Set(now),
        merged_into: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    // A provider vouched for the address of a member made from its link.
    let verified = new.link.is_some().then_some(now);
    let row = member::Entity::insert(member::ActiveModel {
        owner_id: Set(id.as_uuid()),
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.display_name.as_str().to_owned()),
        password_hash: Set(new.password_hash.map(|h| h.expose().to_owned())),
        session_version: Set(1),
        email_verified_at: Set(verified),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(txn)
    .await
    .map_err(StoreError::from_address_write)?;
    if let Some(link) = new.link {
        insert_link(txn, id, link, now).await?;
    }
    if let Some(passkey) = new.passkey {
        insert_passkey(txn, id, passkey, now).await?;
    }
    member_from(row)
}

/// The merge, inside the caller's transaction: claim the guest and the member (which
/// locks both rows, so the cap holds against a concurrent write), check both sides, and —
/// when the two rosters fit under `limit` together — move the guest's avatars after the
/// member's own in their order and retire the guest.
async fn merge(
    txn: &DatabaseTransaction,
    guest: OwnerId,
    member: OwnerId,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<MergeReport> {
    if !unmerged_guest(txn, guest, member, now).await? {
        return Ok(MergeReport { already_merged: true, ..MergeReport::nothing() });
    }
    append(txn, guest, member, now, limit).await
}

/// Appends `from`'s avatars to `into`'s roster and retires `from` (merged into `into`),
/// both rows already claimed — unless together they would pass `limit`: then nothing
/// changes and the report says what was held back. A sign-in's merge and a device code's
/// share it.
pub(crate) async fn append(
    txn: &DatabaseTransaction,
    from: OwnerId,
    into: OwnerId,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<MergeReport> {
    let mut combined = order(txn, into).await?;
    let theirs = order(txn, from).await?;
    let held_back = theirs.len() as u64;
    if held_back > 0 && combined.len() as u64 + held_back > limit {
        return Ok(MergeReport { held_back, ..MergeReport::nothing() });
    }
    combined.extend(theirs);
    let moved = move_and_retire(txn, from, into, &combined, now).await?;
    Ok(MergeReport { moved_avatars: moved, ..MergeReport::nothing() })
}

/// Claims `guest` and `member` for a merge, in that order (every merge locks them in
/// the same order). `false` when the guest was merged into this member already; a guest
/// merged elsewhere is [`StoreError::GuestMerged`], and a "guest" that is a member or a
/// member that does not exist [`StoreError::NotFound`].
pub(crate) async fn unmerged_guest(
    txn: &DatabaseTransaction,
    guest: OwnerId,
    member: OwnerId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let guest_row = claim_owner(txn, guest, now).await?;
    if guest_row.kind != OwnerKind::Guest {
        return Err(StoreError::NotFound);
    }
    match guest_row.merged_into {
        Some(into) if into == member.as_uuid() => return Ok(false),
        Some(_) => return Err(StoreError::GuestMerged),
        None => {}
    }
    touch_owner(txn, member, now).await?;
    if member::Entity::find_by_id(member.as_uuid()).one(txn).await?.is_none() {
        return Err(StoreError::NotFound);
    }
    Ok(true)
}

/// Gives every avatar `guest` still has to `member`, numbers the member's roster as
/// `combined` says, gives it the guest's idempotency keys, and retires the guest. Returns
/// how many avatars moved.
pub(crate) async fn move_and_retire(
    txn: &DatabaseTransaction,
    guest: OwnerId,
    member: OwnerId,
    combined: &[(uuid::Uuid, i32)],
    now: DateTime<Utc>,
) -> Result<u64> {
    let moved = avatar::Entity::update_many()
        .col_expr(avatar::Column::OwnerId, Expr::value(member.as_uuid()))
        .col_expr(avatar::Column::UpdatedAt, Expr::value(now))
        .filter(avatar::Column::OwnerId.eq(guest.as_uuid()))
        .exec(txn)
        .await?
        .rows_affected;
    renumber(txn, member, combined).await?;
    crate::once::move_keys(txn, guest, member).await?;
    owner::Entity::update_many()
        .col_expr(owner::Column::MergedInto, Expr::value(member.as_uuid()))
        .filter(owner::Column::Id.eq(guest.as_uuid()))
        .exec(txn)
        .await?;
    Ok(moved)
}
