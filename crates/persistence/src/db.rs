use std::{collections::HashSet, path::Path, str::FromStr, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DbBackend, TransactionTrait,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

use crate::{StoreError, inline};

/// A handle on the database (a pool), as [`connect`] and [`connect_probe`] return it.
pub use sea_orm::DatabaseConnection;

/// How long a SQLite writer waits for another one before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a pooled connection (or a new one) before failing: with
/// the database down, requests fail within seconds (a 503) instead of queueing for the
/// pool's default 30.
const POOL_TIMEOUT: Duration = Duration::from_secs(3);

/// PostgreSQL cancels any statement running longer (no query of Guestroom's comes near).
const STATEMENT_TIMEOUT: &str = "5s";

/// Connections per server instance to PostgreSQL (all kept open while serving).
const POSTGRES_POOL: u32 = 16;

/// A PostgreSQL connection idle this long is pinged before it is handed out (one may have
/// been dropped by the server, a proxy or a firewall meanwhile). sqlx's default pings on
/// every checkout: a round trip per query (bench/RESULTS.md, "A/B: a ping on every pool
/// checkout, then none").
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
///
/// SQLite is opened in WAL mode (readers never block the writer), with foreign keys
/// enforced (cascading deletes rely on them) and a busy timeout; the file and its folder
/// are created when missing. PostgreSQL sessions get a statement timeout, and pooled
/// connections are pinged only after [`PING_IF_IDLE_FOR`] idle. Either way a connection is
/// waited for at most [`POOL_TIMEOUT`].
pub async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    Ok(Database::connect(options(url)?).await?)
}

/// [`connect`], for the server: on PostgreSQL every connection of the pool is opened at
/// start and kept. Opened on demand, a burst of requests waited on PostgreSQL's backend
/// start and password exchange while the cores were busy serving, and some waited out
/// the pool timeout (bench/RESULTS.md). (Tests and the command line open them on demand:
/// sixteen password exchanges per test database tripled the store tests' time.)
///
/// One connection must answer within the pool's timeout, or start-up fails; the others
/// are then opened one at a time, each with that timeout of its own. sqlx's own eager
/// start gave all sixteen three seconds together, and a start on a busy machine failed
/// with "pool timed out" (the browser tests' PostgreSQL servers, while Chromium held both
/// cores).
pub async fn connect_for_serving(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = options(url)?;
    if url.starts_with("sqlite:") {
        return Ok(Database::connect(options).await?);
    }
    options.min_connections(POSTGRES_POOL).connect_lazy(true);
    let db = Database::connect(options).await?;
    db.ping().await?;
    open_the_rest(db.get_postgres_connection_pool()).await;
    Ok(db)
}

/// Opens the serving pool's connections up to [`POSTGRES_POOL`], one after the other;
/// `min_connections` then keeps them. (sqlx's lazy pool opens its minimum only when it
/// next reaps an idle connection, minutes later.) The ones opened are held until all
/// are, so that each acquire opens a new one. A connection that cannot be opened in time
/// is logged, not fatal: after three, the rest are left for requests to open.
async fn open_the_rest(pool: &sea_orm::sqlx::PgPool) {
    let (mut held, mut failures) = (Vec::new(), 0);
    while pool.size() < POSTGRES_POOL && failures < 3 {
        match pool.acquire().await {
            Ok(connection) => held.push(connection),
            Err(error) => {
                failures += 1;
                tracing::warn!(error = &error as &dyn std::error::Error, "opening the pool");
            }
        }
    }
}

/// A second handle on the database named by `url`, of one connection, for the server's
/// circuit breaker: its ping must say whether the database answers, and a ping queued
/// behind the busy main pool says only that the pool is busy. Under load on PostgreSQL
/// that once opened the breaker, which then refused thousands of requests the database
/// could have served (bench/RESULTS.md).
pub async fn connect_probe(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = options(url)?;
    options.max_connections(1).min_connections(0);
    Ok(Database::connect(options).await?)
}

/// The pool's settings for `url` (see [`connect`]).
fn options(url: &str) -> Result<ConnectOptions, StoreError> {
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
        // No ping on checkout: a connection to a local file does not go stale, and on
        // SQLite the ping was a second trip through the connection's worker thread.
        options.test_before_acquire(false);
        options.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
        });
    } else {
        options
            .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
            .max_connections(POSTGRES_POOL)
            .map_sqlx_postgres_opts(|o| o.options([("statement_timeout", STATEMENT_TIMEOUT)]));
    }
    Ok(options)
}

/// Applies every pending migration through a pool of its own, closed before the caller
/// opens the one it works with. A connection that was open while a migration changed a
/// table must not serve afterwards: on SQLite one that had read the email tokens' table
/// before a migration made it again read a NULL for a column the new table has (a
/// `DELETE … RETURNING` of two resets at once, one run in three). Start-up calls this and
/// refuses to serve on failure.
pub async fn migrate_before_connecting(url: &str) -> Result<(), StoreError> {
    let own = connect(url).await?;
    let migrated = migrate(&own).await;
    own.close().await?;
    migrated
}

/// Applies every pending migration on `db` ([`migrate_before_connecting`] says why a
/// pool that goes on serving should not be the one).
///
/// Most starts have nothing to apply, so a read answers that first: on a SQLite file
/// through a plain connection of its own ([`sqlite_schema_is_current`]), else (or when
/// that cannot tell) in a transaction, so that it keeps to one pooled connection.
/// (`Migrator::up` alone runs half a dozen statements even then, and a statement right
/// after another may open a new pooled connection, as sqlx puts the last one back from a
/// task of its own: a start opened three to five SQLite connections one after the
/// other, counting the breaker's; bench/RESULTS.md.) The read also refuses a schema with
/// migrations this build does not know.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StoreError> {
    if sqlite_schema_is_current(db) == Some(true) {
        return Ok(());
    }
    let one_connection = db.begin().await?;
    let pending = Migrator::get_pending_migrations_read_only(&one_connection).await;
    one_connection.commit().await?;
    if pending.map_err(StoreError::Migration)?.is_empty() {
        return Ok(());
    }
    Migrator::up(db, None).await.map_err(StoreError::Migration)
}

/// On a SQLite file, whether the migrations recorded are exactly the ones this build
/// knows, read through `rusqlite` on the calling thread: no thread of its own, where a
/// pooled connection is one, with its set-up. `None` when this cannot tell (PostgreSQL,
/// a database in memory, no migration table yet, any error): the caller asks SeaORM.
fn sqlite_schema_is_current(db: &DatabaseConnection) -> Option<bool> {
    let connection = inline::open_reader(&inline::sqlite_file(db)?).ok()?;
    let table = Migrator::migration_table_name().to_string();
    let mut statement = connection.prepare(&format!("SELECT version FROM \"{table}\"")).ok()?;
    let recorded: HashSet<String> =
        statement.query_map([], |row| row.get(0)).ok()?.collect::<Result<_, _>>().ok()?;
    let known: HashSet<String> =
        Migrator::migrations().iter().map(|migration| migration.name().to_owned()).collect();
    Some(recorded == known)
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

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::*;

    async fn sqlite_file(dir: &tempfile::TempDir) -> DatabaseConnection {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("store.db").display());
        connect(&url).await.expect("open")
    }

    #[tokio::test]
    async fn a_migrated_sqlite_file_is_current_without_asking_seaorm() {
        let dir = tempfile::tempdir().expect("folder");
        let db = sqlite_file(&dir).await;
        assert_eq!(sqlite_schema_is_current(&db), None, "no migration table yet");
        migrate(&db).await.expect("migrated");
        assert_eq!(sqlite_schema_is_current(&db), Some(true));
        migrate(&db).await.expect("nothing to apply");
    }

    #[tokio::test]
    async fn a_schema_with_a_migration_this_build_does_not_know_is_refused() {
        let dir = tempfile::tempdir().expect("folder");
        let db = sqlite_file(&dir).await;
        migrate(&db).await.expect("migrated");
        db.execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_later', 0)",
        )
        .await
        .expect("recorded");
        assert_eq!(sqlite_schema_is_current(&db), Some(false));
        assert!(matches!(migrate(&db).await, Err(StoreError::Migration(_))));
    }

    #[tokio::test]
    async fn none_for_a_database_in_memory() {
        let db = connect("sqlite::memory:").await.expect("open");
        assert_eq!(sqlite_schema_is_current(&db), None);
    }
}
