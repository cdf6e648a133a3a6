//! Typed errors at every edge: whatever layer refuses a request, the answer is the app's
//! `ApiError` (JSON for clients that accept it) with its status, and nothing a request
//! carries is shown back as words.

use base64::{
    Engine,
    engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD},
};
use serde_json::json;

use crate::{
    helpers::{TestApp, spawn_app},
    roster::{call, create, names},
};

/// A raw POST to a roster function, as the page's client sends it.
async fn post_raw(app: &TestApp, function: &str, body: String) -> (u16, String) {
    let response = app
        .client
        .post(app.url(&format!("/api/roster/{function}")))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request");
    (response.status().as_u16(), response.text().await.expect("body"))
}

#[tokio::test]
async fn a_missing_argument_is_a_400_with_no_decoder_text() {
    let app = spawn_app().await;
    let (status, body) = post_raw(&app, "create", "emoji=%F0%9F%90%B1".into()).await;
    assert_eq!((status, body.as_str()), (400, r#""bad_request""#));
    let (status, body) = post_raw(&app, "activate", "id=x&is_active=maybe".into()).await;
    assert_eq!((status, body.as_str()), (400, r#""bad_request""#));
    assert!(names(&app, &app.client).await.is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let app = spawn_app().await;
    let name = "x".repeat(70 * 1024);
    let (status, body) = post_raw(&app, "create", format!("emoji=%F0%9F%90%B1&name={name}")).await;
    assert_eq!((status, body.as_str()), (413, r#""too_large""#));
    assert!(names(&app, &app.client).await.is_empty());
}

#[tokio::test]
async fn a_malformed_avatar_id_is_a_404_like_another_owners() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    for id in ["not-a-uuid", "", "00000000-0000-0000-0000-000000000000"] {
        let (status, body) = call(&app, &app.client, "delete", &[("id", id)]).await;
        assert_eq!((status, body), (404, json!("not_found")), "{id:?}");
    }
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
}

#[tokio::test]
async fn a_restore_far_past_the_end_lands_last_and_the_next_add_still_works() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    let form =
        [("emoji", "🐶"), ("name", "Rex"), ("is_active", "true"), ("position", "2147483647")];
    let (status, restored) = call(&app, &app.client, "restore", &form).await;
    assert_eq!((status, &restored["position"]), (200, &json!(1)), "{restored}");
    let added = create(&app, "🦊", "Fennec").await;
    assert_eq!(added["position"], 2);
    assert_eq!(names(&app, &app.client).await, ["Tom", "Rex", "Fennec"]);
}

#[tokio::test]
async fn a_move_succeeds_after_another_tab_added_an_avatar() {
    let app = spawn_app().await;
    let tom = create(&app, "🐱", "Tom").await;
    create(&app, "🐶", "Rex").await;
    // Another tab of the same guest adds; this tab still shows [Tom, Rex].
    create(&app, "🦊", "Fennec").await;
    let (status, list) = call(
        &app,
        &app.client,
        "move",
        &[("id", tom["id"].as_str().expect("id")), ("up", "false")],
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let moved: Vec<&str> =
        list.as_array().expect("list").iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(moved, ["Rex", "Tom", "Fennec"]);
}

#[tokio::test]
async fn delete_returns_the_avatar_it_removed() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    let rex = create(&app, "🐶", "Rex").await;
    let (status, deleted) =
        call(&app, &app.client, "delete", &[("id", rex["id"].as_str().expect("id"))]).await;
    assert_eq!((status, deleted), (200, rex));
}

/// The page at `/` after a refused no-JavaScript post, as the redirect's cookie carries
/// the refusal to it (`app::server::form`).
async fn page_with_error(app: &TestApp, encoded: &str) -> String {
    let refusal = format!("__path=/api/roster/create&__err={encoded}");
    let cookie = format!("__Host-form={}", URL_SAFE_NO_PAD.encode(refusal));
    app.get_with_cookie("/", Some(&cookie)).await.text().await.expect("body")
}

#[tokio::test]
async fn made_up_text_in_the_error_url_is_never_shown() {
    let app = spawn_app().await;
    let words = "Your account is locked, call +1 555 0100";
    let forged = [
        URL_SAFE.encode(words),
        URL_SAFE.encode(json!(words).to_string()),
        URL_SAFE.encode(json!({ "Invalid": { "field": "name", "message": words } }).to_string()),
        URL_SAFE.encode(json!(format!("invalid/{words}/empty")).to_string()),
        words.replace(' ', "%20"),
    ];
    for encoded in forged {
        let html = page_with_error(&app, &encoded).await;
        assert!(!html.contains("locked"), "{encoded}: {html}");
        assert!(!html.contains(r#"role="alert""#), "{encoded}: nothing to show");
    }
}

#[tokio::test]
async fn an_error_code_in_the_cookie_is_shown_as_our_own_sentence_and_in_the_url_never() {
    let app = spawn_app().await;
    let code = URL_SAFE.encode(json!("invalid/name/empty").to_string());
    let html = page_with_error(&app, &code).await;
    assert!(html.contains("Name cannot be empty."), "{html}");
    // A link cannot make the page show a refusal.
    let url = format!("/?__path=/api/roster/create&__err={code}");
    let html = app.get(&url).await.text().await.expect("body");
    assert!(!html.contains("Name cannot be empty."), "{html}");
}

#[tokio::test]
async fn a_refused_plain_post_comes_back_once_at_a_clean_url_with_what_was_typed() {
    let app = spawn_app().await;
    let name = "x".repeat(41);
    let refused =
        app.post_from_page("/api/roster/create", "/", &[("emoji", "🦉"), ("name", &name)]).await;
    assert_eq!(refused.headers()["location"], "/");
    let cookies = crate::helpers::set_cookies(refused.headers());
    let carried = cookies.iter().find(|c| c.starts_with("__Host-form=")).expect("the refusal");
    assert!(carried.contains("Max-Age=60; Path=/; Secure; HttpOnly"), "{carried}");

    let page = app.get("/").await;
    let cleared = crate::helpers::set_cookies(page.headers());
    assert!(cleared.iter().any(|c| c.starts_with("__Host-form=; Max-Age=0")), "{cleared:?}");
    let html = page.text().await.expect("body");
    assert!(html.contains("at most 40"), "the refusal, at its field: {html}");
    assert!(
        html.contains(r#"value="🦉""#) && html.contains(&format!(r#"value="{name}""#)),
        "{html}"
    );
    let again = app.get("/").await.text().await.expect("body");
    assert!(!again.contains("at most 40"), "shown once: {again}");
    assert!(names(&app, &app.client).await.is_empty());
}
