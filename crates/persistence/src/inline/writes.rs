//! The avatar update (toggling `is_active`, editing): one statement, or with an
//! idempotency key, that statement and the key's in one `BEGIN IMMEDIATE` transaction
//! (what `Store::change_once` does through SeaORM). A write on the calling thread must
//! never wait there for SQLite's write lock, so the writer waits for none: while one of
//! the pool's transactions holds it, the update steps aside and SeaORM's connection does
//! the waiting, on its own thread. Inline updates wait for each other on an async mutex,
//! which does not block a thread either.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

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

/// A key's digest and recorded answer, on the owner's key.
const FIND_KEY: &str =
    "SELECT fingerprint, answer FROM change_keys WHERE owner_id = ?1 AND \"key\" = ?2";
const INSERT_KEY: &str = concat!(
    "INSERT INTO change_keys (owner_id, \"key\", fingerprint, answer, created_at) ",
    "VALUES (?1, ?2, ?3, ?4, ?5)"
);

/// What the keyed update found: the key's recorded digest and answer, or the row updated
/// (`None`: the owner has no such avatar).
pub(crate) enum Keyed {
    Recorded { fingerprint: String, answer: String },
    Updated(Option<avatar::Model>),
}

impl Inline {
    /// The writer, opened on first use (or again after it was retired); `None` inside
    /// when it cannot be opened now.
    async fn writer(&self) -> tokio::sync::MutexGuard<'_, Option<Connection>> {
        let mut writer = self.writer.lock().await;
        if writer.is_none() {
            *writer = open(&self.path, Duration::ZERO)
                .inspect_err(|error| tracing::debug!(%error, "inline writer: cannot open"))
                .ok();
        }
        writer
    }

    /// [`Inline::update`] made once per `key`: the key looked up, the row updated and the
    /// key recorded with `answer(row)`, in one transaction (`None`: stepped aside, nothing
    /// written; the caller goes through SeaORM).
    pub(crate) async fn update_once(
        &self,
        owner: OwnerId,
        id: AvatarId,
        patch: &AvatarPatch,
        now: DateTime<Utc>,
        (key, fingerprint): (&str, &str),
        answer: impl FnOnce(&avatar::Model) -> Option<String>,
    ) -> Option<Keyed> {
        let mut writer = self.writer().await;
        let connection = writer.as_ref()?;
        let keyed = update_once(connection, owner, id, patch, now, (key, fingerprint), answer);
        // Nothing of a transaction that stepped aside stays; a rollback that fails leaves
        // the connection unusable.
        if !connection.is_autocommit() && connection.execute_batch("ROLLBACK").is_err() {
            *writer = None;
        }
        if keyed.as_ref().err().is_some_and(|error| !error.keeps_connection()) {
            *writer = None;
        }
        keyed.inspect_err(|error| tracing::debug!(%error, "inline keyed update stepped aside")).ok()
    }

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
        let mut writer = self.writer().await;
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

fn update_once(
    connection: &Connection,
    owner: OwnerId,
    id: AvatarId,
    patch: &AvatarPatch,
    now: DateTime<Utc>,
    (key, fingerprint): (&str, &str),
    answer: impl FnOnce(&avatar::Model) -> Option<String>,
) -> Result<Keyed, Aside> {
    let owner_id = owner.as_uuid();
    let owner_bytes = owner_id.as_bytes().as_slice();
    connection.execute_batch("BEGIN IMMEDIATE")?;
    let found = connection
        .prepare_cached(FIND_KEY)?
        .query_row(params![owner_bytes, key], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let keyed = match found {
        Some((fingerprint, answer)) => Keyed::Recorded { fingerprint, answer },
        None => match update(connection, owner, id, patch, now)? {
            Some(row) => {
                let answer = answer(&row).ok_or(Aside::Encoding("an answer not written"))?;
                connection.prepare_cached(INSERT_KEY)?.execute(params![
                    owner_bytes,
                    key,
                    fingerprint,
                    answer,
                    time_text(now)
                ])?;
                Keyed::Updated(Some(row))
            }
            None => Keyed::Updated(None),
        },
    };
    // Nothing was written when the key was found or the avatar was not: the same commit.
    connection.execute_batch("COMMIT")?;
    Ok(keyed)
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

    /// A key recorded inline is found through SeaORM, and one SeaORM recorded is found
    /// inline: one table, one encoding.
    #[tokio::test]
    async fn a_keyed_update_records_its_key_as_seaorm_does() {
        use crate::{Change, Key, Once};
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        let ids: Vec<_> =
            store.list_avatars(owner).await.expect("read").iter().map(|a| a.id).collect();
        let off = AvatarPatch { is_active: Some(false), ..AvatarPatch::default() };
        let change = |id| Change::Update { id, patch: off.clone() };
        let answer = |changed: &crate::Changed| format!("{changed:?}").len().to_string();
        let seaorm = store.clone().without_inline();
        for (first, second, key) in
            [(&store, &seaorm, "inline first"), (&seaorm, &store, "seaorm first")]
        {
            let id = if key == "inline first" { ids[0] } else { ids[1] };
            let key = Key { key, fingerprint: "f" };
            let made = first.change_once(owner, key, change(id), answer).await.expect("made");
            let Once::Made(changed) = made else { panic!("made: {made:?}") };
            let again = second.change_once(owner, key, change(id), answer).await.expect("again");
            assert_eq!(again, Once::Before(answer(&changed)), "{}", key.key);
            let other = Key { fingerprint: "g", ..key };
            let reused = second.change_once(owner, other, change(id), answer).await;
            assert!(matches!(reused, Err(StoreError::KeyReused)), "{reused:?}");
        }
        let missing = store
            .change_once(
                owner,
                Key { key: "x", fingerprint: "f" },
                change(crate::AvatarId::random()),
                answer,
            )
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
        let keys = Connection::open(&store.inline.as_ref().expect("inline").path)
            .expect("open")
            .query_row("SELECT COUNT(*) FROM change_keys", [], |row| row.get::<_, i64>(0))
            .expect("count");
        assert_eq!(keys, 2, "a refused update records nothing");
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
        let keyed = inline.update_once(owner, ada.id, &patch, store.now(), ("k", "f"), |_| None);
        assert!(keyed.await.is_none(), "the keyed update steps aside too");
        other.execute_batch("ROLLBACK").expect("released");
        let row = inline.update(owner, ada.id, &patch, store.now()).await;
        assert!(row.expect("answered once the lock is free").is_some());
    }
}
