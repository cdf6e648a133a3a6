use std::{collections::HashSet, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr, TransactionTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use crate::{
    Clock, StoreError,
    domain::{
        Avatar, AvatarId, AvatarName, AvatarPatch, DisplayName, Email, Emoji, Field, Member,
        MergeReport, NewAvatar, NewMember, OwnerId, PasswordHash, Problem, ValidationError,
    },
    entity::{
        avatar, member,
        owner::{self, OwnerKind},
    },
};

/// How many avatars one owner may keep unless configured otherwise.
pub const DEFAULT_AVATAR_LIMIT: u64 = 100;

/// The owner-scoped store API. Every avatar call takes the [`OwnerId`] of the identity
/// that is asking and touches only that owner's rows.
///
/// Cheap to clone: the connection pool and the clock are shared.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    avatar_limit: u64,
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl Store {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock, avatar_limit: DEFAULT_AVATAR_LIMIT }
    }

    /// Overrides the per-owner avatar cap.
    pub fn with_avatar_limit(mut self, limit: u64) -> Self {
        self.avatar_limit = limit;
        self
    }

    pub fn avatar_limit(&self) -> u64 {
        self.avatar_limit
    }

    /// The underlying connection, for migrations and health checks.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The owner's avatars in roster order.
    #[tracing::instrument(skip_all, fields(%owner))]
    pub async fn list_avatars(&self, owner: OwnerId) -> Result<Vec<Avatar>> {
        let rows = avatar::Entity::find()
            .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
            .order_by_asc(avatar::Column::Position)
            .order_by_asc(avatar::Column::CreatedAt)
            .order_by_asc(avatar::Column::Id)
            .all(&self.db)
            .await?;
        rows.into_iter().map(Avatar::try_from).collect()
    }

    #[tracing::instrument(skip_all, fields(%owner))]
    pub async fn count_avatars(&self, owner: OwnerId) -> Result<u64> {
        Ok(avatar::Entity::find()
            .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
            .count(&self.db)
            .await?)
    }

    /// Adds an avatar at the end of the roster. On a guest's first write this also
    /// creates the guest's owner row, in the same transaction.
    #[tracing::instrument(skip_all, fields(%owner))]
    pub async fn create_avatar(&self, owner: OwnerId, new: NewAvatar) -> Result<Avatar> {
        self.insert_avatar(owner, new, None).await
    }

    /// Puts a deleted avatar back where it was (undo): same fields, same position, so it
    /// reappears between the same neighbours. It gets a new id; the cap applies as usual.
    #[tracing::instrument(skip_all, fields(%owner, position))]
    pub async fn restore_avatar(
        &self,
        owner: OwnerId,
        new: NewAvatar,
        position: i32,
    ) -> Result<Avatar> {
        self.insert_avatar(owner, new, Some(position)).await
    }

    async fn insert_avatar(
        &self,
        owner: OwnerId,
        new: NewAvatar,
        position: Option<i32>,
    ) -> Result<Avatar> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let owner_row = claim_owner(&txn, owner, now).await?;
        if owner_row.merged_into.is_some() {
            return Err(StoreError::GuestMerged);
        }
        let scope = avatar::Column::OwnerId.eq(owner.as_uuid());
        let count = avatar::Entity::find().filter(scope.clone()).count(&txn).await?;
        if count >= self.avatar_limit {
            return Err(StoreError::AvatarLimitReached { limit: self.avatar_limit });
        }
        let position = match position {
            Some(position) => position,
            None => next_position(&txn, owner).await?,
        };
        let row = avatar::Entity::insert(avatar::ActiveModel {
            id: Set(AvatarId::random().as_uuid()),
            owner_id: Set(owner.as_uuid()),
            emoji: Set(new.emoji.as_str().to_owned()),
            name: Set(new.name.as_str().to_owned()),
            is_active: Set(new.is_active),
            position: Set(position),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_with_returning(&txn)
        .await?;
        txn.commit().await?;
        Avatar::try_from(row)
    }

    /// Changes the fields the patch names and leaves the others as they are.
    #[tracing::instrument(skip_all, fields(%owner, %id))]
    pub async fn update_avatar(
        &self,
        owner: OwnerId,
        id: AvatarId,
        patch: AvatarPatch,
    ) -> Result<Avatar> {
        let mut update = avatar::Entity::update_many()
            .col_expr(avatar::Column::UpdatedAt, Expr::value(self.now()))
            .filter(avatar::Column::Id.eq(id.as_uuid()))
            .filter(avatar::Column::OwnerId.eq(owner.as_uuid()));
        if let Some(emoji) = patch.emoji {
            update = update.col_expr(avatar::Column::Emoji, Expr::value(emoji.as_str()));
        }
        if let Some(name) = patch.name {
            update = update.col_expr(avatar::Column::Name, Expr::value(name.as_str()));
        }
        if let Some(is_active) = patch.is_active {
            update = update.col_expr(avatar::Column::IsActive, Expr::value(is_active));
        }
        let row = update.exec_with_returning(&self.db).await?.into_iter().next();
        row.ok_or(StoreError::NotFound).and_then(Avatar::try_from)
    }

    #[tracing::instrument(skip_all, fields(%owner, %id))]
    pub async fn delete_avatar(&self, owner: OwnerId, id: AvatarId) -> Result<()> {
        let deleted = avatar::Entity::delete_many()
            .filter(avatar::Column::Id.eq(id.as_uuid()))
            .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
            .exec(&self.db)
            .await?;
        if deleted.rows_affected == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// Puts the roster in the given order. `order` must list each of the owner's avatars
    /// exactly once; anything else is rejected and the stored order is left unchanged.
    #[tracing::instrument(skip_all, fields(%owner, n = order.len()))]
    pub async fn reorder_avatars(&self, owner: OwnerId, order: &[AvatarId]) -> Result<Vec<Avatar>> {
        let txn = self.db.begin().await?;
        // Writing first takes SQLite's write lock (and PostgreSQL's row lock on the owner)
        // before anything is read, so concurrent reorders serialise instead of failing.
        touch_owner(&txn, owner, self.now()).await?;
        let stored: HashSet<_> = avatar::Entity::find()
            .select_only()
            .column(avatar::Column::Id)
            .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
            .into_tuple::<uuid::Uuid>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let requested: HashSet<_> = order.iter().map(AvatarId::as_uuid).collect();
        if requested.len() != order.len() || requested != stored {
            return Err(ValidationError::new(Field::Order, Problem::NotAPermutation).into());
        }
        for (position, id) in order.iter().enumerate() {
            avatar::Entity::update_many()
                .col_expr(avatar::Column::Position, Expr::value(position_from(position)?))
                .filter(avatar::Column::Id.eq(id.as_uuid()))
                .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        self.list_avatars(owner).await
    }

    /// Creates a member (and its owner row) with a fresh id that no guest has ever had.
    #[tracing::instrument(skip_all)]
    pub async fn create_member(&self, new: NewMember) -> Result<Member> {
        let now = self.now();
        let id = OwnerId::random();
        let txn = self.db.begin().await?;
        owner::Entity::insert(owner::ActiveModel {
            id: Set(id.as_uuid()),
            kind: Set(OwnerKind::Member),
            created_at: Set(now),
            last_seen_at: Set(now),
            merged_into: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        let row = member::Entity::insert(member::ActiveModel {
            owner_id: Set(id.as_uuid()),
            email: Set(new.email.as_str().to_owned()),
            display_name: Set(new.display_name.as_str().to_owned()),
            password_hash: Set(new.password_hash.map(|h| h.expose().to_owned())),
            session_version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::EmailTaken,
            _ => StoreError::Database(error),
        })?;
        txn.commit().await?;
        Member::try_from(row)
    }

    /// Looks a member up by email; the email is normalised, so case does not matter.
    #[tracing::instrument(skip_all)]
    pub async fn find_member_by_email(&self, email: &Email) -> Result<Option<Member>> {
        member::Entity::find()
            .filter(member::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await?
            .map(Member::try_from)
            .transpose()
    }

    /// The member's current `session_version`, or `None` when there is no such member.
    #[tracing::instrument(skip_all, fields(%member))]
    pub async fn session_version(&self, member: OwnerId) -> Result<Option<i32>> {
        Ok(member::Entity::find_by_id(member.as_uuid())
            .select_only()
            .column(member::Column::SessionVersion)
            .into_tuple::<i32>()
            .one(&self.db)
            .await?)
    }

    /// Ends every session the member holds ("sign out everywhere", password change):
    /// sessions carry the version they were issued with, and older ones are refused.
    /// Returns the new version.
    #[tracing::instrument(skip_all, fields(%member))]
    pub async fn bump_session_version(&self, member: OwnerId) -> Result<i32> {
        let rows = member::Entity::update_many()
            .col_expr(
                member::Column::SessionVersion,
                Expr::col(member::Column::SessionVersion).add(1),
            )
            .col_expr(member::Column::UpdatedAt, Expr::value(self.now()))
            .filter(member::Column::OwnerId.eq(member.as_uuid()))
            .exec_with_returning(&self.db)
            .await?;
        rows.first().map(|row| row.session_version).ok_or(StoreError::NotFound)
    }

    /// Moves every avatar of `guest` to the end of `member`'s roster and marks the guest
    /// merged, in one transaction: either all of it happens or none of it does.
    ///
    /// Idempotent: replaying a merge that already happened changes nothing. A guest that
    /// never wrote gets a (merged) owner row too, so its token cannot start writing later.
    /// The member's avatar cap is not applied here: a merge never drops data.
    #[tracing::instrument(skip_all, fields(%guest, %member))]
    pub async fn merge_guest_into_member(
        &self,
        guest: OwnerId,
        member: OwnerId,
    ) -> Result<MergeReport> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let guest_row = claim_owner(&txn, guest, now).await?;
        if guest_row.kind != OwnerKind::Guest {
            return Err(StoreError::NotFound);
        }
        match guest_row.merged_into {
            Some(into) if into == member.as_uuid() => {
                return Ok(MergeReport { moved_avatars: 0, already_merged: true });
            }
            Some(_) => return Err(StoreError::GuestMerged),
            None => {}
        }
        if member::Entity::find_by_id(member.as_uuid()).one(&txn).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let offset = next_position(&txn, member).await?;
        let moved = avatar::Entity::update_many()
            .col_expr(avatar::Column::OwnerId, Expr::value(member.as_uuid()))
            .col_expr(avatar::Column::Position, Expr::col(avatar::Column::Position).add(offset))
            .col_expr(avatar::Column::UpdatedAt, Expr::value(now))
            .filter(avatar::Column::OwnerId.eq(guest.as_uuid()))
            .exec(&txn)
            .await?
            .rows_affected;
        owner::Entity::update_many()
            .col_expr(owner::Column::MergedInto, Expr::value(member.as_uuid()))
            .filter(owner::Column::Id.eq(guest.as_uuid()))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(MergeReport { moved_avatars: moved, already_merged: false })
    }

    /// Records that the owner was active now. An owner without a row (a guest that has
    /// never written) stays without one: reading costs no database row.
    #[tracing::instrument(skip_all, fields(%owner))]
    pub async fn touch_last_seen(&self, owner: OwnerId) -> Result<()> {
        touch_owner(&self.db, owner, self.now()).await
    }

    /// Deletes guests (and, by cascade, their avatars) not seen for `not_seen_for`.
    /// Returns how many guests were deleted. Members are never touched.
    #[tracing::instrument(skip_all)]
    pub async fn delete_stale_guests(&self, not_seen_for: chrono::Duration) -> Result<u64> {
        let cutoff = self.now() - not_seen_for;
        let deleted = owner::Entity::delete_many()
            .filter(owner::Column::Kind.eq(OwnerKind::Guest))
            .filter(owner::Column::LastSeenAt.lt(cutoff))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }
}

/// Creates the owner's row if it is missing (as a guest) and marks it seen, returning it.
///
/// This is the first statement of every write transaction: as a write it takes SQLite's
/// write lock up front, and on PostgreSQL it locks the owner's row, so concurrent writes of
/// one owner serialise (which is what makes the avatar cap hold under concurrency).
async fn claim_owner(
    txn: &DatabaseTransaction,
    owner: OwnerId,
    now: DateTime<Utc>,
) -> Result<owner::Model> {
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

async fn touch_owner(
    db: &impl sea_orm::ConnectionTrait,
    owner: OwnerId,
    now: DateTime<Utc>,
) -> Result<()> {
    owner::Entity::update_many()
        .col_expr(owner::Column::LastSeenAt, Expr::value(now))
        .filter(owner::Column::Id.eq(owner.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// One past the highest position in the owner's roster (0 for an empty roster).
async fn next_position(txn: &DatabaseTransaction, owner: OwnerId) -> Result<i32> {
    let max: Option<i32> = avatar::Entity::find()
        .select_only()
        .column_as(avatar::Column::Position.max(), "max")
        .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
        .into_tuple::<Option<i32>>()
        .one(txn)
        .await?
        .flatten();
    Ok(max.map_or(0, |max| max + 1))
}

fn position_from(index: usize) -> Result<i32> {
    i32::try_from(index)
        .map_err(|_| ValidationError::new(Field::Order, Problem::NotAPermutation).into())
}

/// Rows are re-validated on the way out: a row that no longer passes the domain rules
/// (written by hand, or by an older version) is a data fault, reported as such.
impl TryFrom<avatar::Model> for Avatar {
    type Error = StoreError;

    fn try_from(row: avatar::Model) -> Result<Self> {
        Ok(Avatar {
            id: AvatarId::from_uuid(row.id),
            emoji: Emoji::parse(&row.emoji).map_err(corrupt)?,
            name: AvatarName::parse(&row.name).map_err(corrupt)?,
            is_active: row.is_active,
            position: row.position,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl TryFrom<member::Model> for Member {
    type Error = StoreError;

    fn try_from(row: member::Model) -> Result<Self> {
        Ok(Member {
            id: OwnerId::from_uuid(row.owner_id),
            email: Email::parse(&row.email).map_err(corrupt)?,
            display_name: DisplayName::parse(&row.display_name).map_err(corrupt)?,
            password_hash: row.password_hash.map(PasswordHash::new),
            session_version: row.session_version,
            created_at: row.created_at,
        })
    }
}

fn corrupt(error: ValidationError) -> StoreError {
    StoreError::Database(sea_orm::DbErr::Custom(format!("stored row fails validation: {error:?}")))
}

/// The identity layer consults the store only for revocation.
impl identity::IdentityStore for Store {
    type Error = StoreError;

    async fn session_version(&self, member: OwnerId) -> Result<Option<i32>> {
        Store::session_version(self, member).await
    }
}
