use std::time::Duration;

use sea_orm::TransactionTrait;

use crate::{
    helpers::{spawn_app, wait_until},
    roster::call,
};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ok");
}

#[tokio::test]
async fn readyz_answers_ready_when_the_database_answers() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ready");
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.store.connection().close_by_ref().await.expect("close the pool");
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.text().await.expect("body"), "database unavailable");
    // Liveness is not readiness: the process itself is still up.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// A pool busy to its last connection is not a database that is down. The request that
/// waits out the pool gets its 503, and has the breaker ping the database; the ping goes
/// through the breaker's own connection, which answers, so the breaker stays closed and
/// the next request waits for the pool like any other. (Pinging through the busy pool,
/// the ping missed its second and the breaker refused every request at once: under load
/// on PostgreSQL, thousands of them.)
#[tokio::test]
async fn a_busy_pool_does_not_open_the_database_breaker() {
    let app = spawn_app().await;
    let client = &app.client;
    assert_eq!(call(&app, client, "list", &[]).await.0, 200);
    // Every connection of the pool held (SQLite: 8). The requests below are writes: the
    // roster read on SQLite does not take a pooled connection.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(app.store.connection().begin().await.expect("a pooled connection"));
    }
    let add = [("emoji", "🦊"), ("name", "Ada")];
    assert_eq!(call(&app, client, "create", &add).await.0, 503, "the pool timed out");
    // The 503 had the breaker ping the database; its ping decides, one way or the other.
    let breaker = &app.state.breaker;
    wait_until("the breaker's ping", || breaker.is_open() || !breaker.is_probing()).await;
    assert!(!breaker.is_open(), "the breaker opened on a busy pool");
    // So the next request waits for the pool, as any other: an open breaker would refuse
    // it at once.
    let answered =
        tokio::time::timeout(Duration::from_millis(500), call(&app, client, "create", &add));
    assert!(answered.await.is_err(), "the breaker opened and refused the request at once");
    drop(held);
    let (status, body) = call(&app, client, "create", &add).await;
    assert_eq!(status, 200, "{body}");
}
