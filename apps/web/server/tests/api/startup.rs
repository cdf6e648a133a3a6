use persistence::db;
use sea_orm::ConnectionTrait;
use server::startup::{Application, StartupError};

use crate::helpers::test_config;

#[tokio::test]
async fn a_fresh_database_is_migrated_at_start_up() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = test_config(&dir);
    Application::build(&config).await.expect("app starts");
    let connection = db::connect(config.database_url.expose()).await.expect("connect");
    for table in ["owners", "members", "linked_accounts", "avatars"] {
        connection
            .execute_unprepared(&format!("SELECT COUNT(*) FROM {table}"))
            .await
            .unwrap_or_else(|e| panic!("table {table} exists: {e}"));
    }
}

#[tokio::test]
async fn start_up_refuses_to_serve_when_a_migration_fails() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = test_config(&dir);
    // A table in the way of the first migration.
    let connection = db::connect(config.database_url.expose()).await.expect("connect");
    connection.execute_unprepared("CREATE TABLE owners (id INTEGER)").await.expect("create");
    connection.close().await.expect("close");

    let error = Application::build(&config).await.expect_err("start-up must fail");
    assert!(matches!(error, StartupError::Migration(_)), "{error:?}");
    assert!(error.to_string().contains("refusing to start"), "{error}");
}
