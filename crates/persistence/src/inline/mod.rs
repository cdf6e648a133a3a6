//! The roster's hottest queries on SQLite, run on the calling thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: every query is a message to
//! that thread and every row a message back, each one a thread wake-up. Profiled under
//! load, that hop was a quarter of the roster read's CPU, more than SQLite's own work
//! (bench/RESULTS.md). So on a SQLite file the roster read (`reads`: the client cache
//! fetches it, and every page load preloads it) and the one-statement avatar update
//! (`writes`: toggling `is_active`, editing) go through plain `rusqlite` connections
//! instead, on the thread that asks. Each takes microseconds, and neither ever waits on
//! that thread for a lock another connection holds.
//!
//! Everything else, transactions included, stays on SeaORM. This path reads only what
//! this server writes (ids as 16-byte blobs, times in RFC 3339) and writes it the same
//! way; on anything else — another encoding, a busy database, any error — it steps aside
//! and the caller goes through SeaORM as before, so results and errors are exactly
//! SeaORM's.

mod reads;
mod writes;

pub(crate) use reads::open_reader;
pub(crate) use writes::Keyed;

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
    time::Duration,
};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, Row};
use sea_orm::{DatabaseConnection, DbBackend};
use uuid::Uuid;

use crate::entity::avatar;

/// Connections to the SQLite file the store's pool also opens: readers kept for reuse,
/// and one writer.
#[derive(Debug)]
pub(crate) struct Inline {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    /// One writer, as SQLite allows one at a time anyway: the lock orders this server's
    /// inline writes without SQLite's busy-waiting. An update waiting for it awaits
    /// instead of blocking its thread, which serves other requests meanwhile.
    writer: tokio::sync::Mutex<Option<Connection>>,
}

impl Inline {
    /// The inline path for `db` when it is a SQLite file (not PostgreSQL, not in memory).
    pub(crate) fn for_database(db: &DatabaseConnection) -> Option<Self> {
        Some(Self {
            path: sqlite_file(db)?,
            readers: Mutex::new(Vec::new()),
            writer: tokio::sync::Mutex::new(None),
        })
    }
}

/// The file `db` is, when it is a SQLite file (not PostgreSQL, not in memory).
pub(crate) fn sqlite_file(db: &DatabaseConnection) -> Option<PathBuf> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let options = db.get_sqlite_connection_pool().connect_options();
    let path = options.get_filename();
    path.is_file().then(|| path.to_owned())
}

/// A connection to `path` that waits at most `busy` for a lock: it blocks the thread it
/// runs on.
fn open(path: &Path, busy: Duration) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(busy)?;
    // As the pool's connections have them (db.rs): cascades rely on foreign keys, and
    // a commit waits for no disk flush in WAL mode.
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(connection)
}

/// Why this path did not answer: an error of SQLite's, or a value in an encoding it
/// does not read.
#[derive(Debug, thiserror::Error)]
enum Aside {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("a value this path does not decode: {0}")]
    Encoding(&'static str),
}

impl Aside {
    /// Whether the connection is still fit for use: only SQLite's own failures (other
    /// than another connection holding a lock) retire it, so the next call opens a
    /// fresh one.
    fn keeps_connection(&self) -> bool {
        match self {
            Aside::Sqlite(error) => matches!(
                error.sqlite_error_code(),
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            ),
            Aside::Encoding(_) => true,
        }
    }
}

/// The columns `model` decodes, in its order (a macro, for `concat!`).
macro_rules! columns {
    () => {
        "id, owner_id, emoji, name, is_active, position, created_at, updated_at"
    };
}
use columns;

fn model(row: &Row<'_>) -> Result<avatar::Model, Aside> {
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
fn uuid(row: &Row<'_>, column: usize) -> Result<Uuid, Aside> {
    let bytes = row.get_ref(column)?.as_blob().map_err(|_| Aside::Encoding("an id not a blob"))?;
    Uuid::from_slice(bytes).map_err(|_| Aside::Encoding("an id not 16 bytes"))
}

/// A time as sqlx stores it: RFC 3339 text.
fn time(row: &Row<'_>, column: usize) -> Result<DateTime<Utc>, Aside> {
    let text = row.get_ref(column)?.as_str().map_err(|_| Aside::Encoding("a time not text"))?;
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| Aside::Encoding("a time not in RFC 3339"))
}

/// A time as sqlx writes it (its `Encode` for `DateTime`), so that both paths store the
/// same text.
fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}
