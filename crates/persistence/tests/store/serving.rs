//! The server's pool on PostgreSQL (`db::connect_for_serving`): start-up waits for one
//! connection that proves the database answers, and the rest of the pool is opened in
//! the background and kept, ready for a burst of requests.

use std::time::{Duration, Instant};

use persistence::db;
use sea_orm::{ConnectionTrait, Statement};

use crate::support::TestDb;

/// The connections open to the test database now, the test's own included.
async fn connections(db: &TestDb) -> i64 {
    db.scalar("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_serving_pool_answers_at_once_and_opens_all_its_connections_behind() {
    let Some(test_db) = TestDb::postgres().await else { return };
    let before = connections(&test_db).await;
    let serving = db::connect_for_serving(&test_db.url).await.expect("the serving pool");
    let one = serving
        .query_one_raw(Statement::from_string(serving.get_database_backend(), "SELECT 1 AS n"))
        .await
        .expect("a query at once");
    assert!(one.is_some());
    // Bounded: the sixteen are normally open within a second; ten is for a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(10);
    while connections(&test_db).await < before + 16 {
        assert!(Instant::now() < deadline, "the pool did not open its 16 connections");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    serving.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serving_pool_on_a_database_that_does_not_answer_fails_at_start() {
    // Nothing listens on port 1: start-up says so instead of serving 503s.
    let refused = db::connect_for_serving("postgres://guestroom:guestroom@127.0.0.1:1/none").await;
    assert!(refused.is_err());
}
