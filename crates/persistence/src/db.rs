use std::{path::Path, str::FromStr, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbBackend,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

use crate::StoreError;

/// How long a SQLite writer waits for another one before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a pooled connection (or a new one) before failing: with
/// the database down, requests fail within seconds (a 503) instead of queueing for the
/// pool's default 30.
const POOL_TIMEOUT: Duration = Duration::from_secs(3);

/// PostgreSQL cancels any statement running longer (no query of Guestroom's comes near).
const STATEMENT_TIMEOUT: &str = "5s";

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
///
/// SQLite is opened in WAL mode (readers never block the writer), with foreign keys
/// enforced (cascading deletes rely on them) and a busy timeout; the file and its folder
/// are created when missing. PostgreSQL sessions get a statement timeout. Either way a
/// connection is waited for at most [`POOL_TIMEOUT`].
pub async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false).acquire_timeout(POOL_TIMEOUT).connect_timeout(POOL_TIMEOUT);
    if url.starts_with("sqlite:") {
        let parsed = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Open(format!("invalid SQLite URL: {e}")))?;
        if let Some(folder) = Path::new(parsed.get_filename()).parent()
            && !folder.as_os_str().is_empty()
        {
            std::fs::create_dir_all(folder).map_err(|e| {
                StoreError::Open(format!("cannot create the folder {}: {e}", folder.display()))
            })?;
        }
        options.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
        });
    } else {
        options
            .max_connections(16)
            .map_sqlx_postgres_opts(|o| o.options([("statement_timeout", STATEMENT_TIMEOUT)]));
    }
    Ok(Database::connect(options).await?)
}

/// Applies every pending migration. Start-up calls this and refuses to serve on failure.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StoreError> {
    Migrator::up(db, None).await.map_err(StoreError::Migration)
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), StoreError> {
    Ok(db.ping().await?)
}

/// The pool's connections: how many are open and how many of those are idle (for the
/// server's metrics).
pub fn pool_usage(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
    }
}
