//! The roster read on SQLite, run on the calling thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: every query is a message to
//! that thread and every row a message back, each one a thread wake-up. Profiled under
//! load, that hop was a quarter of the roster read's CPU, more than SQLite's own work
//! (bench/RESULTS.md). The roster read is the hottest query there is (the client cache
//! fetches it, and every page load preloads it), so on SQLite it goes through a plain
//! `rusqlite` connection instead, on the thread that asks: a read of one owner's rows
//! takes microseconds and, in WAL mode, never waits for a writer.
//!
//! Everything else, writes and transactions included, stays on SeaORM. This path reads
//! only what this server writes (ids as 16-byte blobs, times in RFC 3339); on anything
//! else — another encoding, a busy database, any error — it steps aside and the caller
//! reads through SeaORM as before, so results and errors are exactly SeaORM's.

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
    time::Duration,
};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Row};
use sea_orm::{DatabaseConnection, DbBackend};
use uuid::Uuid;

use identity::OwnerId;

use crate::entity::avatar;

/// How long a read waits on a lock (only a WAL recovery or checkpoint restart takes one
/// that readers wait for) before stepping aside: it blocks the thread it runs on.
const BUSY_TIMEOUT: Duration = Duration::from_millis(20);

/// Connections kept for reuse; reads never await, so at most one per thread runs at once.
const IDLE_CONNECTIONS: usize = 8;

/// The owner's avatars in roster order (as `roster::in_roster_order` sorts them).
const LIST: &str = "SELECT id, owner_id, emoji, name, is_active, position, created_at, updated_at \
                    FROM avatars WHERE owner_id = ?1 ORDER BY position, created_at, id";

/// Read-only connections to the SQLite file the store's pool writes.
#[derive(Debug)]
pub(crate) struct InlineReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl InlineReader {
    /// A reader for `db` when it is a SQLite file (not PostgreSQL, not in memory).
    pub(crate) fn for_database(db: &DatabaseConnection) -> Option<Self> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return None;
        }
        let options = db.get_sqlite_connection_pool().connect_options();
        let path = options.get_filename();
        path.is_file().then(|| Self { path: path.to_owned(), idle: Mutex::new(Vec::new()) })
    }

    /// The owner's rows in roster order, or `None` when this path cannot answer (the
    /// caller then asks SeaORM).
    pub(crate) fn list(&self, owner: OwnerId) -> Option<Vec<avatar::Model>> {
        let connection = self.checkout()?;
        let rows = list(&connection, owner);
        // A connection SQLite failed on is not kept: the next read opens a fresh one.
        if !matches!(rows, Err(Unread::Sqlite(_)))
            && let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_CONNECTIONS
        {
            idle.push(connection);
        }
        rows.inspect_err(|error| tracing::debug!(%error, "inline read stepped aside")).ok()
    }

    fn checkout(&self) -> Option<Connection> {
        let reused = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        reused.or_else(|| {
            open(&self.path)
                .inspect_err(|error| tracing::debug!(%error, "inline reader: cannot open"))
                .ok()
        })
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // Read-only by promise, not by file mode: a reader on a WAL database may need to
    // write the shared-memory index.
    connection.pragma_update(None, "query_only", true)?;
    Ok(connection)
}

/// Why a row was not read here: an error of SQLite's, or a value in an encoding this
/// path does not read.
#[derive(Debug, thiserror::Error)]
enum Unread {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("a value this path does not decode: {0}")]
    Encoding(&'static str),
}

fn list(connection: &Connection, owner: OwnerId) -> Result<Vec<avatar::Model>, Unread> {
    let mut statement = connection.prepare_cached(LIST)?;
    let mut rows = statement.query([owner.as_uuid().as_bytes().as_slice()])?;
    let mut models = Vec::new();
    while let Some(row) = rows.next()? {
        models.push(model(row)?);
    }
    Ok(models)
}

fn model(row: &Row<'_>) -> Result<avatar::Model, Unread> {
    Ok(avatar::Model {
        id: uuid(row, 0)?,
        owner_id: uuid(row, 1)?,
        emoji: row.get(2)?,
        name: row.get(3)?,
        is_active: row.get(4)?,
        position: row.get(5)?,
        created_at: time(row, 6)?,
        updated_at: time(row, 7)?,
    })
}

/// An id as sqlx stores it: 16 bytes.
fn uuid(row: &Row<'_>, column: usize) -> Result<Uuid, Unread> {
    let bytes = row.get_ref(column)?.as_blob().map_err(|_| Unread::Encoding("an id not a blob"))?;
    Uuid::from_slice(bytes).map_err(|_| Unread::Encoding("an id not 16 bytes"))
}

/// A time as sqlx stores it: RFC 3339 text.
fn time(row: &Row<'_>, column: usize) -> Result<DateTime<Utc>, Unread> {
    let text = row.get_ref(column)?.as_str().map_err(|_| Unread::Encoding("a time not text"))?;
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| Unread::Encoding("a time not in RFC 3339"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use identity::{OwnerId, SystemClock};
    use sea_orm::ConnectionTrait;

    use crate::{Store, db, domain::NewAvatar};

    async fn store_with_avatars(dir: &tempfile::TempDir, owner: OwnerId) -> Store {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("store.db").display());
        let connection = db::connect(&url).await.expect("open");
        db::migrate(&connection).await.expect("migrate");
        let store = Store::new(connection, Arc::new(SystemClock));
        for name in ["Ada", "Grace", "Edsger"] {
            let new = NewAvatar::parse("🦊", name, true).expect("valid");
            store.create_avatar(owner, new).await.expect("created");
        }
        store
    }

    #[tokio::test]
    async fn reads_what_the_store_wrote_as_seaorm_does() {
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        let inline = store.inline.as_ref().expect("an inline reader on a SQLite file");
        let rows = inline.list(owner).expect("answered on the calling thread");
        assert_eq!(rows, crate::roster::models(&store.db, owner).await.expect("read"));
        assert_eq!(
            rows.iter().map(|row| row.name.as_str()).collect::<Vec<_>>(),
            ["Ada", "Grace", "Edsger"]
        );
        assert_eq!(inline.list(OwnerId::random()), Some(Vec::new()), "another owner's rows");
    }

    #[tokio::test]
    async fn steps_aside_for_a_time_it_does_not_read_and_seaorm_answers() {
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        // A time as SQLite's own functions write it (not what sqlx writes).
        store
            .db
            .execute_unprepared("UPDATE avatars SET created_at = '2026-11-28 10:00:00'")
            .await
            .expect("updated");
        let inline = store.inline.as_ref().expect("an inline reader");
        assert_eq!(inline.list(owner), None);
        let avatars = store.list_avatars(owner).await.expect("read through SeaORM");
        assert_eq!(avatars.len(), 3);
    }

    #[tokio::test]
    async fn none_for_a_database_in_memory() {
        let connection = db::connect("sqlite::memory:").await.expect("open");
        assert!(Store::new(connection, Arc::new(SystemClock)).inline.is_none());
    }
}
