//! The roster without JavaScript: a post about a row comes back to that row, and a delete
//! offers its Undo on the next page, once.

use crate::{
    helpers::{TestApp, set_cookies, spawn_app},
    roster::{create, names},
};

async fn post(app: &TestApp, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_from_page(&format!("/api/roster/{function}"), "/", form).await
}

/// The value of the hidden input `name` in `html`'s undo form.
fn hidden<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html.find(&format!(r#"name="{name}" value=""#)).expect(name) + name.len() + 15;
    &html[start..start + html[start..].find('"').expect("closed")]
}

#[tokio::test]
async fn a_post_about_a_row_comes_back_to_that_row() {
    let app = spawn_app().await;
    let tom = create(&app, "🐱", "Tom").await;
    let id = tom["id"].as_str().expect("id");
    let row = format!("/#avatar-{id}");
    for (function, form) in [
        ("activate", vec![("id", id), ("is_active", "false")]),
        ("update", vec![("id", id), ("emoji", "🐯"), ("name", "Tigger")]),
        ("move", vec![("id", id), ("up", "true")]),
    ] {
        let response = post(&app, function, &form).await;
        assert_eq!(response.headers()["location"], row.as_str(), "{function}");
    }
    let html = app.get("/").await.text().await.expect("body");
    assert!(html.contains(&format!(r#"id="avatar-{id}""#)), "the row is the target: {html}");
}

#[tokio::test]
async fn a_plain_delete_offers_its_undo_once_and_the_undo_puts_it_back_in_place() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    let rex = create(&app, "🐶", "Rex").await;
    create(&app, "🦊", "Cy").await;
    let deleted = post(&app, "delete", &[("id", rex["id"].as_str().expect("id"))]).await;
    assert_eq!(deleted.headers()["location"], "/");
    let cookies = set_cookies(deleted.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-undo=")), "{cookies:?}");

    let page = app.get("/").await;
    assert!(set_cookies(page.headers()).iter().any(|c| c.starts_with("__Host-undo=; Max-Age=0")));
    let html = page.text().await.expect("body");
    assert!(html.contains("Deleted Rex.") && html.contains(r#"id="undo""#), "{html}");
    assert_eq!(hidden(&html, "position"), "1");
    let again = app.get("/").await.text().await.expect("body");
    assert!(!again.contains("Deleted Rex."), "offered once: {again}");

    let form = ["emoji", "name", "is_active", "position"].map(|name| (name, hidden(&html, name)));
    let restored = post(&app, "restore", &form).await;
    let location = restored.headers()["location"].to_str().expect("ascii");
    assert!(location.starts_with("/#avatar-"), "{location}");
    assert_eq!(names(&app, &app.client).await, ["Tom", "Rex", "Cy"]);
}
