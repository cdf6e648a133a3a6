//! The server's pool on PostgreSQL (`db::connect_for_serving`): every connection opened
//! before the server serves, ready for a burst of requests, and a database that does not
//! answer refused at start.

use persistence::db;

use crate::support::TestDb;

/// The connections open to the test database now, the test's own included.
async fn connections(db: &TestDb) -> i64 {
    db.scalar("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_serving_pool_has_all_its_connections_open_when_it_is_handed_over() {
    let Some(test_db) = TestDb::postgres().await else { return };
    let before = connections(&test_db).await;
    let serving = db::connect_for_serving(&test_db.url).await.expect("the serving pool");
    let now = connections(&test_db).await;
    assert!(now >= before + 16, "{now} connections, {before} before");
    serving.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serving_pool_on_a_database_that_does_not_answer_fails_at_start() {
    // Nothing listens on port 1: start-up says so instead of serving 503s.
    let refused = db::connect_for_serving("postgres://guestroom:guestroom@127.0.0.1:1/none").await;
    assert!(refused.is_err());
}
