use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
    sea_query::{Expr, OnConflict},
};

use identity::OwnerId;

use crate::{
    Store, StoreError,
    entity::owner::{self, OwnerKind},
};

impl Store {
    /// Records that the owner was active now. An owner without a row (a guest that has
    /// never written) stays without one: reading costs no database row.
    #[tracing::instrument(skip_all, fields(%owner))]
    pub async fn touch_last_seen(&self, owner: OwnerId) -> Result<(), StoreError> {
        touch_owner(&self.db, owner, self.now()).await
    }

    /// Whether `guest` was merged into a member: its avatars are the member's now, and a
    /// copy of its token elsewhere must not follow them. One read of the owner's row.
    #[tracing::instrument(skip_all, fields(%guest))]
    pub async fn guest_retired(&self, guest: OwnerId) -> Result<bool, StoreError> {
        let retired = owner::Entity::find_by_id(guest.as_uuid())
            .filter(owner::Column::MergedInto.is_not_null())
            .count(&self.db)
            .await?;
        Ok(retired > 0)
    }

    /// The guests merged into `member`: a change one of them made before its upgrade
    /// (sent once the network was back) is the member's now.
    #[tracing::instrument(skip_all, fields(%member))]
    pub async fn guests_merged_into(&self, member: OwnerId) -> Result<Vec<OwnerId>, StoreError> {
        let ids: Vec<uuid::Uuid> = owner::Entity::find()
            .select_only()
            .column(owner::Column::Id)
            .filter(owner::Column::MergedInto.eq(member.as_uuid()))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().map(OwnerId::from_uuid).collect())
    }
}

/// Creates the owner's row if it is missing (as a guest) and marks it seen, returning it.
///
/// This is the first statement of every write transaction that may create data: as a
/// write it takes SQLite's write lock up front (a deferred transaction that reads first
/// can fail with `SQLITE_BUSY` when it upgrades), and on PostgreSQL it locks the owner's
/// row, so concurrent writes of one owner serialise (which is what makes the avatar cap
/// hold under concurrency).
pub(crate) async fn claim_owner(
    txn: &DatabaseTransaction,
    owner: OwnerId,
    now: DateTime<Utc>,
) -> Result<owner::Model, StoreError> {
    Ok(owner::Entity::insert(owner::ActiveModel {
        id: Set(owner.as_uuid()),
        kind: Set(OwnerKind::Guest),
        created_at: Set(now),
        last_seen_at: Set(now),
        merged_into: Set(None),
    })
    .on_conflict(
        OnConflict::column(owner::Column::Id).update_column(owner::Column::LastSeenAt).to_owned(),
    )
    .exec_with_returning(txn)
    .await?)
}

/// Marks an existing owner seen; creates nothing. As the first statement of a write
/// transaction that only changes existing rows, it takes the same locks as
/// [`claim_owner`] without giving a guest that never wrote a row.
pub(crate) async fn touch_owner(
    db: &impl ConnectionTrait,
    owner: OwnerId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    owner::Entity::update_many()
        .col_expr(owner::Column::LastSeenAt, Expr::value(now))
        .filter(owner::Column::Id.eq(owner.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}
