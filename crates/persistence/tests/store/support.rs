//! Fresh databases for each test: a temporary SQLite file, or a new PostgreSQL database
//! created on the server named by `GUESTROOM_TEST_POSTGRES_URL` and dropped afterwards.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use identity::ManualClock;
use persistence::{Store, db};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// Where the test script's PostgreSQL role can create databases.
const DEFAULT_POSTGRES_URL: &str = "postgres://guestroom:guestroom@127.0.0.1:5432/postgres";

pub struct TestDb {
    pub store: Store,
    pub clock: ManualClock,
    /// The database's URL, for a second pool on it.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code, reason = "deletes the folder when dropped")] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("store.db").display());
        Self::open(&url, Cleanup::Sqlite(dir)).await
    }

    /// A fresh PostgreSQL database, or `None` when the developer opted out with
    /// `GUESTROOM_TEST_SKIP_POSTGRES=1` (refused under `CI=true`: CI always runs them).
    pub async fn postgres() -> Option<TestDb> {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
        if !in_ci && std::env::var("GUESTROOM_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
            eprintln!("skipped: GUESTROOM_TEST_SKIP_POSTGRES=1");
            return None;
        }
        let admin_url = std::env::var("GUESTROOM_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        let admin = db::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable ({e:?}). Run ./scripts/test.sh, which starts it, \
                 or set GUESTROOM_TEST_POSTGRES_URL"
            )
        });
        let name = format!("guestroom_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.expect("close admin connection");
        let url = database_url(&admin_url, &name);
        Some(Self::open(&url, Cleanup::Postgres { admin_url, name }).await)
    }

    async fn open(url: &str, cleanup: Cleanup) -> TestDb {
        db::migrate_before_connecting(url).await.expect("migrate test database");
        let connection = db::connect(url).await.expect("connect to test database");
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap());
        let store = Store::new(connection, Arc::new(clock.clone()));
        TestDb { store, clock, url: url.to_owned(), cleanup }
    }

    /// The store and its clock, as `identity`'s account-store suite takes them.
    pub fn subject(&self) -> identity::testing::conformance::Subject<Store> {
        identity::testing::conformance::Subject {
            store: self.store.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        self.store.connection()
    }

    pub fn backend(&self) -> DbBackend {
        self.db().get_database_backend()
    }

    /// Runs a statement written in SQL that both backends understand, or the given one.
    pub async fn execute(&self, sql: &str) {
        self.db()
            .execute_raw(Statement::from_string(self.backend(), sql.to_owned()))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// A single integer that a query returns (e.g. a `COUNT(*)`), read as `n`.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let row = self
            .db()
            .query_one_raw(Statement::from_string(self.backend(), sql.to_owned()))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .expect("one row");
        row.try_get::<i64>("", "n").expect("an integer column named n")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop cannot await; a short-lived runtime on its own thread drops the database
        // even when the test panicked. FORCE ends the store's pooled connections.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                let admin = db::connect(&admin_url).await.map_err(std::io::Error::other)?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .map_err(std::io::Error::other)?;
                admin.close().await.map_err(std::io::Error::other)
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop a test database: {dropped:?}");
        }
    }
}

/// The admin URL with its database name replaced.
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}
