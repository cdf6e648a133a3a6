//! Changes made once per idempotency key (the IETF HTTP API working group's
//! `Idempotency-Key`): a client that did not hear the answer sends the change again with
//! the same key, and gets the first answer instead of a second change.
//!
//! The key is recorded with its owner, the digest of the request it came with, and the
//! answer, in the same transaction as the change: either both are there or neither is,
//! so a change whose answer was lost after the commit is never made twice. Keys belong to
//! their owner (a key of one owner is never replayed for another); a guest's move with
//! its avatars when they go to a member (`accounts::move_and_retire`), since a change the
//! guest made is then the member's. They are kept a day (the sweep).

use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use identity::OwnerId;

use crate::{
    Store, StoreError,
    domain::{Avatar, AvatarId, AvatarPatch, Direction, NewAvatar},
    entity::{avatar, change_key},
    inline::Keyed,
    owners::claim_owner,
};

/// How long a key is kept: a client retries within seconds, or when it is back online,
/// within a day of being offline.
pub(crate) const KEPT: chrono::Duration = chrono::Duration::hours(24);

/// A change to a roster, as the keyed path takes it.
#[derive(Clone, Debug)]
pub enum Change {
    Create(NewAvatar),
    /// Undo of a delete: `avatar` back at `position` (clamped).
    Restore {
        avatar: NewAvatar,
        position: i32,
    },
    Update {
        id: AvatarId,
        patch: AvatarPatch,
    },
    Delete(AvatarId),
    Move {
        id: AvatarId,
        direction: Direction,
    },
}

/// What a change returns: the avatar it made, changed or deleted, or (a move) the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    Avatar(Avatar),
    Roster(Vec<Avatar>),
}

/// A change's key, and the digest of the request it came with: the same key with another
/// request is refused, not answered with the first one's answer.
#[derive(Clone, Copy, Debug)]
pub struct Key<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
}

/// The outcome of a keyed change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Once {
    /// Made now; its answer is recorded.
    Made(Changed),
    /// Made before under this key: the answer recorded then.
    Before(String),
}

impl Store {
    /// Makes `change` without a key, as its own operation does (a request without a key:
    /// a script's, as before keys).
    pub async fn change(&self, owner: OwnerId, change: Change) -> Result<Changed, StoreError> {
        Ok(match change {
            Change::Create(new) => Changed::Avatar(self.create_avatar(owner, new).await?),
            Change::Restore { avatar, position } => {
                Changed::Avatar(self.restore_avatar(owner, avatar, position).await?)
            }
            Change::Update { id, patch } => {
                Changed::Avatar(self.update_avatar(owner, id, patch).await?)
            }
            Change::Delete(id) => Changed::Avatar(self.delete_avatar(owner, id).await?),
            Change::Move { id, direction } => {
                Changed::Roster(self.move_avatar(owner, id, direction).await?)
            }
        })
    }

    /// Makes `change` unless `key` was used by `owner` before: then changes nothing and
    /// returns the answer recorded (or [`StoreError::KeyReused`] when the request was
    /// another). `answer` writes what the caller answers, to be recorded with the key.
    ///
    /// The owner's row is claimed first, so two requests with one key take turns (on
    /// SQLite, the write lock; on PostgreSQL, the row's lock, across instances): the
    /// second finds the first's key. An update on a SQLite file takes the write lock
    /// first instead, on the calling thread (`inline`), as the keyless update does.
    #[tracing::instrument(skip_all, fields(%owner))]
    pub async fn change_once(
        &self,
        owner: OwnerId,
        key: Key<'_>,
        change: Change,
        answer: impl Fn(&Changed) -> String,
    ) -> Result<Once, StoreError> {
        let now = self.now();
        // An update on a SQLite file: on the calling thread, unless that path steps aside.
        if let (Some(inline), Change::Update { id, patch }) = (&self.inline, &change) {
            let answer_row = |row: &avatar::Model| {
                Avatar::try_from(row.clone()).ok().map(|avatar| answer(&Changed::Avatar(avatar)))
            };
            let pair = (key.key, key.fingerprint);
            match inline.update_once(owner, *id, patch, now, pair, answer_row).await {
                Some(Keyed::Recorded { fingerprint, answer }) => {
                    return recorded(fingerprint == key.fingerprint, answer);
                }
                Some(Keyed::Updated(row)) => {
                    let row = row.ok_or(StoreError::NotFound)?;
                    return Ok(Once::Made(Changed::Avatar(Avatar::try_from(row)?)));
                }
                None => {}
            }
        }
        let txn = self.db.begin().await?;
        claim_owner(&txn, owner, now).await?;
        let found =
            change_key::Entity::find_by_id((owner.as_uuid(), key.key.to_owned())).one(&txn).await?;
        if let Some(found) = found {
            // Dropped without a commit: the claim is rolled back.
            return recorded(found.fingerprint == key.fingerprint, found.answer);
        }
        let changed = self.change_in(&txn, owner, change).await?;
        change_key::Entity::insert(change_key::ActiveModel {
            owner_id: Set(owner.as_uuid()),
            key: Set(key.key.to_owned()),
            fingerprint: Set(key.fingerprint.to_owned()),
            answer: Set(answer(&changed)),
            created_at: Set(now),
        })
        .exec(&txn)
        .await?;
        txn.commit().await?;
        Ok(Once::Made(changed))
    }
}

/// A key found recorded: its answer, when it came with the same request.
fn recorded(same_request: bool, answer: String) -> Result<Once, StoreError> {
    if same_request { Ok(Once::Before(answer)) } else { Err(StoreError::KeyReused) }
}

/// Gives `guest`'s keys to `member`, with its avatars. A key the member holds already
/// (only a forged one could) stays with the guest, to be swept.
pub(crate) async fn move_keys(
    txn: &DatabaseTransaction,
    guest: OwnerId,
    member: OwnerId,
) -> Result<(), StoreError> {
    let held = sea_orm::sea_query::Query::select()
        .column(change_key::Column::Key)
        .from(change_key::Entity)
        .and_where(Expr::col(change_key::Column::OwnerId).eq(member.as_uuid()))
        .to_owned();
    change_key::Entity::update_many()
        .col_expr(change_key::Column::OwnerId, Expr::value(member.as_uuid()))
        .filter(change_key::Column::OwnerId.eq(guest.as_uuid()))
        .filter(change_key::Column::Key.not_in_subquery(held))
        .exec(txn)
        .await?;
    Ok(())
}
