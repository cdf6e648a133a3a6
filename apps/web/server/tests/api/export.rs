//! "Download your data": the viewer's own data, whole, and nobody else's.

use serde_json::Value;

use crate::{
    accounts::{browser, sign_up},
    helpers::{TestApp, spawn_app},
    roster::call,
};

async fn export(app: &TestApp, client: &reqwest::Client) -> (reqwest::header::HeaderMap, Value) {
    let response = client.get(app.url("/api/account/export")).send().await.expect("export");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, serde_json::from_str(&response.text().await.expect("body")).expect("json"))
}

#[tokio::test]
async fn a_guest_downloads_its_avatars() {
    let app = spawn_app().await;
    let guest = browser();
    call(&app, &guest, "create", &[("emoji", "🐱"), ("name", "Tom")]).await;
    call(&app, &guest, "create", &[("emoji", "🐶"), ("name", "Rex")]).await;
    let (headers, data) = export(&app, &guest).await;
    assert_eq!(headers["content-disposition"], "attachment; filename=\"guestroom-data.json\"");
    assert_eq!(headers["cache-control"], "private, no-store");
    assert_eq!(data["kind"], "guest");
    assert_eq!(data["account"], Value::Null);
    let names: Vec<&str> = data["avatars"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["Tom", "Rex"]);
    assert_eq!(data["avatars"][0]["emoji"], "🐱");
    assert_eq!(data["avatars"][0]["is_active"], true);
}

#[tokio::test]
async fn a_member_downloads_the_account_and_its_avatars_and_nothing_of_anyone_else() {
    let app = spawn_app().await;
    let (ada, other) = (browser(), browser());
    call(&app, &ada, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    sign_up(&app, &ada, "ada@example.com").await;
    call(&app, &other, "create", &[("emoji", "🐢"), ("name", "Shelly")]).await;

    let (_, data) = export(&app, &ada).await;
    assert_eq!(data["kind"], "member");
    assert_eq!(data["account"]["email"], "ada@example.com");
    assert_eq!(data["account"]["has_password"], true);
    assert_eq!(data["account"]["passkeys"], serde_json::json!([]));
    let text = data.to_string();
    assert!(text.contains("Owl") && !text.contains("Shelly"), "{text}");
    // Never a secret: no password hash, no session.
    assert!(!text.contains("argon2") && !text.contains("session"), "{text}");

    let (_, theirs) = export(&app, &other).await;
    assert!(!theirs.to_string().contains("Owl"), "{theirs}");
}
