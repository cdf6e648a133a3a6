//! The one-statement avatar update (toggling `is_active`, editing). A write on the
//! calling thread must never wait there for SQLite's write lock, so the writer waits for
//! none: while one of the pool's transactions holds it, the update steps aside and
//! SeaORM's connection does the waiting, on its own thread. Inline updates wait for each
//! other on an async mutex, which does not block a thread either.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use identity::OwnerId;

use super::{Aside, Inline, columns, model, open, time_text};
use crate::{
    domain::{AvatarId, AvatarPatch},
    entity::avatar,
};

/// The fields the patch names (a `NULL` leaves one as it is), on the owner's avatar.
const UPDATE: &str = concat!(
    "UPDATE avatars SET updated_at = ?1, emoji = coalesce(?2, emoji), ",
    "name = coalesce(?3, name), is_active = coalesce(?4, is_active) ",
    "WHERE id = ?5 AND owner_id = ?6 RETURNING ",
    columns!()
);

impl Inline {
    /// Applies `patch` to the owner's avatar `id` and returns the row as it now is
    /// (`Some(None)`: the owner has no such avatar), or `None` when this path cannot
    /// answer and the caller must go through SeaORM.
    ///
    /// A row updated but returned in an encoding this path does not read is stepped
    /// aside too, and SeaORM then applies the same patch again, with the same time: the
    /// row ends as one update would leave it.
    pub(crate) async fn update(
        &self,
        owner: OwnerId,
        id: AvatarId,
        patch: &AvatarPatch,
        now: DateTime<Utc>,
    ) -> Option<Option<avatar::Model>> {
        let mut writer = self.writer.lock().await;
        if writer.is_none() {
            *writer = open(&self.path, Duration::ZERO)
                .inspect_err(|error| tracing::debug!(%error, "inline writer: cannot open"))
                .ok();
        }
        let row = update(writer.as_ref()?, owner, id, patch, now);
        if row.as_ref().err().is_some_and(|error| !error.keeps_connection()) {
            *writer = None;
        }
        row.inspect_err(|error| tracing::debug!(%error, "inline update stepped aside")).ok()
    }
}

fn update(
    connection: &Connection,
    owner: OwnerId,
    id: AvatarId,
    patch: &AvatarPatch,
    now: DateTime<Utc>,
) -> Result<Option<avatar::Model>, Aside> {
    let mut statement = connection.prepare_cached(UPDATE)?;
    let mut rows = statement.query(params![
        time_text(now),
        patch.emoji.as_ref().map(|emoji| emoji.as_str()),
        patch.name.as_ref().map(|name| name.as_str()),
        patch.is_active,
        id.as_uuid().as_bytes().as_slice(),
        owner.as_uuid().as_bytes().as_slice(),
    ])?;
    let mut updated = None;
    // Stepped to the end, which is when SQLite commits the statement.
    while let Some(row) = rows.next()? {
        updated = Some(model(row)?);
    }
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use identity::OwnerId;
    use rusqlite::Connection;

    use crate::testing::store_with_avatars;
    use crate::{
        Store, StoreError,
        domain::{AvatarName, AvatarPatch},
    };

    /// What is stored of each avatar, as SQLite has it (types included), by name.
    fn stored(store: &Store) -> Vec<(String, String, i64, String, String)> {
        let connection =
            Connection::open(&store.inline.as_ref().expect("inline").path).expect("open");
        let mut statement = connection
            .prepare(
                "SELECT name, emoji, is_active, typeof(is_active) || ' ' || typeof(id), \
                 updated_at FROM avatars ORDER BY name",
            )
            .expect("prepared");
        statement
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
            })
            .expect("read")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    #[tokio::test]
    async fn stores_what_seaorm_stores() {
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        let avatars = store.list_avatars(owner).await.expect("read");
        let patch = || AvatarPatch { is_active: Some(false), ..AvatarPatch::default() };
        let inline = store.inline.as_ref().expect("inline");
        let now = store.now();
        let row =
            inline.update(owner, avatars[0].id, &patch(), now).await.expect("answered inline");
        let through_seaorm = store.clone().without_inline();
        // SeaORM's update, at the same moment (the store's clock would be a moment later).
        let seaorm =
            through_seaorm.update_avatar(owner, avatars[1].id, patch()).await.expect("updated");
        let rows = stored(&store);
        let (ada, grace) = (&rows[0], &rows[2]);
        assert_eq!((ada.0.as_str(), grace.0.as_str()), ("Ada", "Grace"));
        assert_eq!((ada.2, &ada.3), (grace.2, &grace.3), "is_active and the types as SeaORM's");
        assert_eq!(ada.4, super::time_text(now));
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(&grace.4).expect("RFC 3339"),
            seaorm.updated_at,
            "SeaORM writes the same format"
        );
        let row = crate::domain::Avatar::try_from(row.expect("found")).expect("valid");
        assert_eq!((row.is_active, row.name.as_str(), row.position), (false, "Ada", 0));
    }

    #[tokio::test]
    async fn leaves_what_the_patch_does_not_name_and_other_owners_rows() {
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        let ada = store.list_avatars(owner).await.expect("read").remove(0);
        let before = stored(&store);
        let patch = AvatarPatch {
            name: Some(AvatarName::parse("Lovelace").expect("valid")),
            ..AvatarPatch::default()
        };
        let stranger = OwnerId::random();
        let inline = store.inline.as_ref().expect("inline");
        assert_eq!(inline.update(stranger, ada.id, &patch, store.now()).await, Some(None));
        assert!(matches!(
            store.update_avatar(stranger, ada.id, patch.clone()).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(stored(&store), before, "another owner's update changed nothing");
        let renamed = store.update_avatar(owner, ada.id, patch).await.expect("renamed");
        assert_eq!((renamed.name.as_str(), renamed.emoji.as_str()), ("Lovelace", "🦊"));
        assert!(renamed.is_active);
    }

    #[tokio::test]
    async fn steps_aside_while_another_connection_holds_the_write_lock() {
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        let ada = store.list_avatars(owner).await.expect("read").remove(0);
        let patch = AvatarPatch { is_active: Some(false), ..AvatarPatch::default() };
        let inline = store.inline.as_ref().expect("inline");
        let other = Connection::open(&inline.path).expect("open");
        other.execute_batch("BEGIN IMMEDIATE").expect("write lock taken");
        let started = std::time::Instant::now();
        assert_eq!(inline.update(owner, ada.id, &patch, store.now()).await, None);
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "it did not wait");
        other.execute_batch("ROLLBACK").expect("released");
        let row = inline.update(owner, ada.id, &patch, store.now()).await;
        assert!(row.expect("answered once the lock is free").is_some());
    }
}
