use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

/// Calls a roster server function as the hydrated page does (JSON reply).
pub async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    function: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let response = client
        .post(app.url(&format!("/api/roster/{function}")))
        .header("sec-fetch-site", "same-origin")
        // What the browser's server-function client sends.
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

pub async fn names(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let (status, list) = call(app, client, "list", &[]).await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|a| a["name"].as_str().expect("name").to_owned())
        .collect()
}

pub async fn create(app: &TestApp, emoji: &str, name: &str) -> Value {
    let (status, avatar) =
        call(app, &app.client, "create", &[("emoji", emoji), ("name", name)]).await;
    assert_eq!(status, 200, "{avatar}");
    avatar
}

fn other_browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("client")
}

#[tokio::test]
async fn a_guest_adds_edits_toggles_moves_and_deletes_avatars() {
    let app = spawn_app().await;
    let cat = create(&app, "🐱", "  Tom ").await;
    assert_eq!(
        (cat["emoji"].as_str(), cat["name"].as_str(), cat["is_active"].as_bool()),
        (Some("🐱"), Some("Tom"), Some(true))
    );
    let dog = create(&app, "🐶", "Rex").await;
    let id = cat["id"].as_str().expect("id");

    let (status, renamed) =
        call(&app, &app.client, "update", &[("id", id), ("emoji", "🦁"), ("name", "Thomas")]).await;
    assert_eq!(
        (status, renamed["name"].as_str(), renamed["emoji"].as_str()),
        (200, Some("Thomas"), Some("🦁"))
    );
    let (status, toggled) =
        call(&app, &app.client, "activate", &[("id", id), ("is_active", "false")]).await;
    assert_eq!((status, toggled["is_active"].as_bool()), (200, Some(false)));

    let (status, _) =
        call(&app, &app.client, "move", &[("id", dog["id"].as_str().expect("id")), ("up", "true")])
            .await;
    assert_eq!(status, 200);
    assert_eq!(names(&app, &app.client).await, ["Rex", "Thomas"]);

    let (status, deleted) = call(&app, &app.client, "delete", &[("id", id)]).await;
    assert_eq!((status, deleted["name"].as_str()), (200, Some("Thomas")));
    assert_eq!(names(&app, &app.client).await, ["Rex"]);

    let position = deleted["position"].to_string();
    let (status, _) = call(
        &app,
        &app.client,
        "restore",
        &[("emoji", "🐱"), ("name", "Thomas"), ("is_active", "false"), ("position", &position)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(names(&app, &app.client).await, ["Rex", "Thomas"]);
}

#[tokio::test]
async fn the_roster_is_rendered_on_the_server_from_the_database() {
    let app = spawn_app().await;
    create(&app, "🦊", "Fennec").await;
    let html = app.get("/").await.text().await.expect("body");
    assert!(html.contains("Fennec"), "{html}");
    assert!(html.contains("🦊"));
    assert!(!html.contains("No avatars yet"));
    // In place, not streamed in later for a script to move: no loading placeholder.
    assert!(!html.contains("Loading your avatars"), "{html}");
    assert!(!html.contains("<template"), "{html}");
}

#[tokio::test]
async fn an_empty_roster_invites_the_first_avatar() {
    let app = spawn_app().await;
    let html = app.get("/").await.text().await.expect("body");
    assert!(html.contains("No avatars yet"), "{html}");
}

#[tokio::test]
async fn another_guest_cannot_touch_an_avatar_even_with_its_id() {
    let app = spawn_app().await;
    let cat = create(&app, "🐱", "Tom").await;
    let id = cat["id"].as_str().expect("id");
    let mallory = other_browser();
    for (function, form) in [
        ("update", vec![("id", id), ("emoji", "🐍"), ("name", "Stolen")]),
        ("activate", vec![("id", id), ("is_active", "false")]),
        ("delete", vec![("id", id)]),
        ("move", vec![("id", id), ("up", "true")]),
    ] {
        let (status, body) = call(&app, &mallory, function, &form).await;
        assert_eq!(status, 404, "{function}: {body}");
    }
    assert!(names(&app, &mallory).await.is_empty());
    let (_, list) = call(&app, &app.client, "list", &[]).await;
    assert_eq!(list[0], cat, "untouched");
}

#[tokio::test]
async fn invalid_input_is_a_field_error_and_stores_nothing() {
    let app = spawn_app().await;
    for (emoji, name, field) in [
        ("cat", "Tom", "emoji"),
        ("🐱🐶", "Tom", "emoji"),
        ("🐱", " ", "name"),
        ("🐱", &"x".repeat(41), "name"),
        // Names that look empty or hide characters (a Hangul filler, a zero-width space).
        ("🐱", "\u{3164}", "name"),
        ("🐱", "To\u{200B}m", "name"),
    ] {
        let (status, body) =
            call(&app, &app.client, "create", &[("emoji", emoji), ("name", name)]).await;
        assert_eq!(status, 422, "{body}");
        let code = body.as_str().unwrap_or_default();
        assert!(code.starts_with(&format!("invalid/{field}/")), "{body}");
    }
    assert!(names(&app, &app.client).await.is_empty());

    let cat = create(&app, "🐱", "Tom").await;
    let id = cat["id"].as_str().expect("id");
    let (status, body) =
        call(&app, &app.client, "update", &[("id", id), ("emoji", "🐱"), ("name", "")]).await;
    assert_eq!((status, body.as_str()), (422, Some("invalid/name/empty")));
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
}

#[tokio::test]
async fn the_hundred_and_first_avatar_is_refused() {
    let app = spawn_app().await;
    for n in 0..100 {
        create(&app, "🐱", &format!("Cat {n}")).await;
    }
    let (status, body) =
        call(&app, &app.client, "create", &[("emoji", "🐶"), ("name", "One too many")]).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body, "conflict/avatar_limit/100");
    assert_eq!(names(&app, &app.client).await.len(), 100);
}

#[tokio::test]
async fn a_cross_site_post_cannot_add_an_avatar() {
    let app = spawn_app().await;
    app.get("/").await;
    let response = app
        .client
        .post(app.url("/api/roster/create"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("emoji", "🐍"), ("name", "Intruder")])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 403);
    assert!(names(&app, &app.client).await.is_empty());
}

/// Posts a roster form from `/` as a browser without JavaScript does.
async fn post_form(app: &TestApp, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_from_page(&format!("/api/roster/{function}"), "/", form).await
}

#[tokio::test]
async fn a_plain_form_post_redirects_back_and_the_page_shows_the_result() {
    let app = spawn_app().await;
    let response = post_form(&app, "create", &[("emoji", "🦉"), ("name", "Hedwig")]).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().expect("ascii");
    // Back to the page, as a path on this origin.
    assert_eq!(location.trim_end_matches('?'), "/");
    assert!(app.get("/").await.text().await.expect("body").contains("Hedwig"));
}

#[tokio::test]
async fn a_plain_form_post_with_a_bad_name_shows_the_error_on_the_page() {
    let app = spawn_app().await;
    let response = post_form(&app, "create", &[("emoji", "🦉"), ("name", "   ")]).await;
    let html = app.page_after(response).await;
    assert!(html.contains("Name cannot be empty."), "{html}");
    assert!(names(&app, &app.client).await.is_empty());
}

#[tokio::test]
async fn an_empty_form_hears_about_both_fields_at_once() {
    let app = spawn_app().await;
    let (status, body) = call(&app, &app.client, "create", &[("emoji", ""), ("name", "")]).await;
    assert_eq!((status, body), (422, Value::from("invalid/emoji/empty,invalid/name/empty")));
    let (status, body) = call(&app, &app.client, "create", &[("emoji", "x"), ("name", "Ok")]).await;
    assert_eq!((status, body), (422, Value::from("invalid/emoji/not_an_emoji")));
    // Without JavaScript, both next to their fields.
    let response = post_form(&app, "create", &[("emoji", ""), ("name", "")]).await;
    let html = app.page_after(response).await;
    assert!(html.contains("Choose an emoji.") && html.contains("Name cannot be empty."), "{html}");
    assert!(names(&app, &app.client).await.is_empty());
}

#[tokio::test]
async fn the_emoji_search_is_a_cacheable_get_that_finds_emoji_by_name_and_keyword() {
    let app = spawn_app().await;
    let response = app.get("/api/emoji?query=party&group=0").await;
    assert_eq!(response.status(), 200);
    // The first request of a new visitor also sets the guest cookie (never cacheable).
    let again = app.get("/api/emoji?query=party&group=0").await;
    assert_eq!(again.headers()["cache-control"], "public, max-age=86400");
    let found: Value = serde_json::from_str(&response.text().await.expect("body")).expect("json");
    let emoji: Vec<&str> =
        found.as_array().expect("a list").iter().filter_map(|c| c["emoji"].as_str()).collect();
    assert!(emoji.contains(&"🎉") && emoji.contains(&"🥳"), "{emoji:?}");

    let smile = app.get("/api/emoji?query=smile&group=0").await.text().await.expect("body");
    assert!(smile.contains("🙂") && smile.contains("😊"), "keywords: {smile}");
    let nothing = app.get("/api/emoji?query=qqqzzz&group=0").await.text().await.expect("body");
    assert_eq!(nothing, "[]");
}

#[tokio::test]
async fn the_emoji_of_a_category_come_whole_and_an_unknown_category_is_refused() {
    let app = spawn_app().await;
    let animals = app.get("/api/emoji?query=&group=2").await;
    assert_eq!(animals.status(), 200);
    let animals: Value = serde_json::from_str(&animals.text().await.expect("body")).expect("json");
    let animals = animals.as_array().expect("a list");
    assert_eq!(animals.first().and_then(|c| c["name"].as_str()), Some("monkey face"));
    assert!(animals.len() > 100, "{}", animals.len());
    for group in ["9", "255", "-1", "cats"] {
        let refused = app.get(&format!("/api/emoji?query=&group={group}")).await;
        assert_eq!(refused.status(), 400, "group {group}");
    }
}
