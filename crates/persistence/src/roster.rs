//! The roster's store operations. Every one is scoped by the owner asking, and every
//! change happens in one transaction that also reads back what it returns, so an answer
//! never describes a state that another request had already changed.
//!
//! Positions are the store's business: they are kept gapless (0, 1, 2, …), so an
//! avatar's position is its place in the roster, and nothing a client sends can make
//! position arithmetic overflow.

use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use identity::OwnerId;

use crate::{
    Store, StoreError,
    domain::{Avatar, AvatarId, AvatarName, AvatarPatch, Direction, Emoji, NewAvatar},
    entity::avatar,
    once::{Change, Changed},
    owners::{claim_owner, touch_owner},
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where a new avatar goes.
enum Place {
    End,
    /// At this place in the roster, clamped to it (undo of a delete).
    At(i32),
}

impl Store {
    /// The owner's avatars in roster order. On a SQLite file this reads on the calling
    /// thread (`inline`), else, or when that path steps aside, through SeaORM.
    #[tracing::instrument(skip_all, fields(%owner))]
    pub async fn list_avatars(&self, owner: OwnerId) -> Result<Vec<Avatar>> {
        if let Some(rows) = self.inline.as_ref().and_then(|reader| reader.list(owner)) {
            return rows.into_iter().map(Avatar::try_from).collect();
        }
        list(&self.db, owner).await
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
        self.insert_avatar(owner, new, Place::End).await
    }

    /// Puts a deleted avatar back at its place (undo): `position` is clamped to the
    /// roster (0 ..= its length) and the avatars from there on move down one. It gets a
    /// new id; the cap applies as usual.
    #[tracing::instrument(skip_all, fields(%owner, position))]
    pub async fn restore_avatar(
        &self,
        owner: OwnerId,
        new: NewAvatar,
        position: i32,
    ) -> Result<Avatar> {
        self.insert_avatar(owner, new, Place::At(position)).await
    }

    async fn insert_avatar(&self, owner: OwnerId, new: NewAvatar, place: Place) -> Result<Avatar> {
        let txn = self.db.begin().await?;
        let avatar = self.insert_in(&txn, owner, new, place).await?;
        txn.commit().await?;
        Ok(avatar)
    }

    async fn insert_in(
        &self,
        txn: &DatabaseTransaction,
        owner: OwnerId,
        new: NewAvatar,
        place: Place,
    ) -> Result<Avatar> {
        let now = self.now();
        if claim_owner(txn, owner, now).await?.merged_into.is_some() {
            return Err(StoreError::GuestMerged);
        }
        let mut order = order(txn, owner).await?;
        if order.len() as u64 >= self.avatar_limit {
            return Err(StoreError::AvatarLimitReached { limit: self.avatar_limit });
        }
        let at = match place {
            Place::End => order.len(),
            Place::At(requested) => usize::try_from(requested).unwrap_or(0).min(order.len()),
        };
        let (id, position) = (AvatarId::random().as_uuid(), position_of(at)?);
        // The avatars from `at` on move down one to make room (none, at the end).
        order.insert(at, (id, position));
        renumber(txn, owner, &order).await?;
        let row = avatar::Entity::insert(avatar::ActiveModel {
            id: Set(id),
            owner_id: Set(owner.as_uuid()),
            emoji: Set(new.emoji.as_str().to_owned()),
            name: Set(new.name.as_str().to_owned()),
            is_active: Set(new.is_active),
            position: Set(position),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_with_returning(txn)
        .await?;
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
        let now = self.now();
        // On a SQLite file, on the calling thread (`inline`) unless that path steps aside.
        if let Some(inline) = &self.inline
            && let Some(row) = inline.update(owner, id, &patch, now).await
        {
            return row.ok_or(StoreError::NotFound).and_then(Avatar::try_from);
        }
        update_in(&self.db, owner, id, patch, now).await
    }

    /// Deletes the avatar and returns it as it was (with its place, for undo); the
    /// avatars below it move up one.
    #[tracing::instrument(skip_all, fields(%owner, %id))]
    pub async fn delete_avatar(&self, owner: OwnerId, id: AvatarId) -> Result<Avatar> {
        let txn = self.db.begin().await?;
        let deleted = delete_in(&txn, owner, id, self.now()).await?;
        txn.commit().await?;
        Ok(deleted)
    }

    /// Moves an avatar one place up or down and returns the roster as it now is. At
    /// either end it stays where it is.
    #[tracing::instrument(skip_all, fields(%owner, %id, ?direction))]
    pub async fn move_avatar(
        &self,
        owner: OwnerId,
        id: AvatarId,
        direction: Direction,
    ) -> Result<Vec<Avatar>> {
        let txn = self.db.begin().await?;
        let avatars = move_in(&txn, owner, id, direction, self.now()).await?;
        txn.commit().await?;
        Ok(avatars)
    }

    /// Makes `change` in `txn`, which the caller commits.
    pub(crate) async fn change_in(
        &self,
        txn: &DatabaseTransaction,
        owner: OwnerId,
        change: Change,
    ) -> Result<Changed> {
        Ok(match change {
            Change::Create(new) => {
                Changed::Avatar(self.insert_in(txn, owner, new, Place::End).await?)
            }
            Change::Restore { avatar, position } => {
                Changed::Avatar(self.insert_in(txn, owner, avatar, Place::At(position)).await?)
            }
            Change::Update { id, patch } => {
                Changed::Avatar(update_in(txn, owner, id, patch, self.now()).await?)
            }
            Change::Delete(id) => Changed::Avatar(delete_in(txn, owner, id, self.now()).await?),
            Change::Move { id, direction } => {
                Changed::Roster(move_in(txn, owner, id, direction, self.now()).await?)
            }
        })
    }
}

/// Changes the fields the patch names, through SeaORM.
async fn update_in(
    db: &impl ConnectionTrait,
    owner: OwnerId,
    id: AvatarId,
    patch: AvatarPatch,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Avatar> {
    let mut update = avatar::Entity::update_many()
        .col_expr(avatar::Column::UpdatedAt, Expr::value(now))
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
    let row = update.exec_with_returning(db).await?.into_iter().next();
    row.ok_or(StoreError::NotFound).and_then(Avatar::try_from)
}

async fn delete_in(
    txn: &DatabaseTransaction,
    owner: OwnerId,
    id: AvatarId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Avatar> {
    touch_owner(txn, owner, now).await?;
    let at = order(txn, owner)
        .await?
        .iter()
        .position(|(row, _)| *row == id.as_uuid())
        .ok_or(StoreError::NotFound)?;
    let deleted = avatar::Entity::delete_many()
        .filter(avatar::Column::Id.eq(id.as_uuid()))
        .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
        .exec_with_returning(txn)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    // Close the gap in one statement; it only decrements, so nothing can overflow.
    avatar::Entity::update_many()
        .col_expr(avatar::Column::Position, Expr::col(avatar::Column::Position).sub(1))
        .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
        .filter(avatar::Column::Position.gt(deleted.position))
        .exec(txn)
        .await?;
    Avatar::try_from(avatar::Model { position: position_of(at)?, ..deleted })
}

async fn move_in(
    txn: &DatabaseTransaction,
    owner: OwnerId,
    id: AvatarId,
    direction: Direction,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Avatar>> {
    touch_owner(txn, owner, now).await?;
    let mut order = order(txn, owner).await?;
    let from =
        order.iter().position(|(row, _)| *row == id.as_uuid()).ok_or(StoreError::NotFound)?;
    let to = match direction {
        Direction::Up => from.checked_sub(1),
        Direction::Down => Some(from + 1).filter(|to| *to < order.len()),
    };
    if let Some(to) = to {
        order.swap(from, to);
    }
    renumber(txn, owner, &order).await?;
    list(txn, owner).await
}

async fn list(db: &impl ConnectionTrait, owner: OwnerId) -> Result<Vec<Avatar>> {
    models(db, owner).await?.into_iter().map(Avatar::try_from).collect()
}

/// The owner's rows in roster order, through SeaORM.
pub(crate) async fn models(
    db: &impl ConnectionTrait,
    owner: OwnerId,
) -> Result<Vec<avatar::Model>> {
    Ok(in_roster_order(avatar::Entity::find(), owner).all(db).await?)
}

/// The owner's avatars in roster order. Ties (rows written before positions were kept
/// gapless) fall back to creation order.
fn in_roster_order(
    query: sea_orm::Select<avatar::Entity>,
    owner: OwnerId,
) -> sea_orm::Select<avatar::Entity> {
    query
        .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
        .order_by_asc(avatar::Column::Position)
        .order_by_asc(avatar::Column::CreatedAt)
        .order_by_asc(avatar::Column::Id)
}

/// The owner's avatar ids with their stored positions, in roster order.
pub(crate) async fn order(txn: &DatabaseTransaction, owner: OwnerId) -> Result<Vec<(Uuid, i32)>> {
    Ok(in_roster_order(avatar::Entity::find(), owner)
        .select_only()
        .column(avatar::Column::Id)
        .column(avatar::Column::Position)
        .into_tuple()
        .all(txn)
        .await?)
}

/// Stores each avatar's place in `order` as its position, writing only the rows whose
/// stored position differs: a one-place move writes two rows.
pub(crate) async fn renumber(
    txn: &DatabaseTransaction,
    owner: OwnerId,
    order: &[(Uuid, i32)],
) -> Result<()> {
    for (index, (id, stored)) in order.iter().enumerate() {
        let position = position_of(index)?;
        if *stored != position {
            avatar::Entity::update_many()
                .col_expr(avatar::Column::Position, Expr::value(position))
                .filter(avatar::Column::Id.eq(*id))
                .filter(avatar::Column::OwnerId.eq(owner.as_uuid()))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

/// A place in the roster as a stored position. Rosters are capped far below `i32::MAX`;
/// a roster that is not (a misconfigured cap) is a fault rather than wrapped.
fn position_of(index: usize) -> Result<i32> {
    i32::try_from(index).map_err(|_| {
        StoreError::Database(DbErr::Custom(format!("roster place {index} past i32::MAX")))
    })
}

/// Rows are re-validated on the way out: a row that no longer passes the domain rules
/// (written by hand, or by an older version) is a data fault, reported as such.
impl TryFrom<avatar::Model> for Avatar {
    type Error = StoreError;

    fn try_from(row: avatar::Model) -> Result<Self> {
        Ok(Avatar {
            id: AvatarId::from_uuid(row.id),
            emoji: Emoji::parse(&row.emoji).map_err(StoreError::corrupt)?,
            name: AvatarName::from_stored(&row.name).map_err(StoreError::corrupt)?,
            is_active: row.is_active,
            position: row.position,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}
