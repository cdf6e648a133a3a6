//! Sign-up, sign-in and sign-out over HTTP: the roster comes along, the cookies change
//! with the identity, and nothing of one identity reaches another.

use identity::Clock;
use reqwest::Client;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, cookie_value, set_cookies, spawn_app},
    roster::{call, create, names},
};

pub const PASSWORD: &str = "staple battery horse";

pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Posts an account form as the page's JavaScript-free form does (JSON when `json`).
pub async fn post(
    app: &TestApp,
    client: &Client,
    function: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/account/{function}")))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request")
}

pub async fn sign_up(app: &TestApp, client: &Client, email: &str) -> reqwest::Response {
    post(app, client, "sign-up", &[("email", email), ("password", PASSWORD), ("display_name", "")])
        .await
}

/// The `<input …>` tag with this id.
pub fn input_tag<'a>(html: &'a str, id: &str) -> &'a str {
    let tag = html.split("<input").find(|tag| tag.contains(&format!(r#"id="{id}""#)));
    tag.and_then(|tag| tag.split('>').next()).expect("the input")
}

pub async fn viewer(app: &TestApp, client: &Client) -> Value {
    let body = client.get(app.url("/api/viewer")).send().await.expect("request").text().await;
    serde_json::from_str(&body.expect("body")).expect("json")
}

#[tokio::test]
async fn a_guest_signs_up_and_keeps_the_roster_under_a_new_session() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    create(&app, "🐶", "Rex").await;
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "guest" }));

    let response = sign_up(&app, &app.client, "Ada@Example.com").await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let cookies = set_cookies(response.headers());
    assert_eq!(cookies.len(), 3, "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-guest=; Max-Age=0;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=ey")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=signed_in/")), "{cookies:?}");
    assert_eq!(response.headers()["cache-control"], "private, no-store");

    assert_eq!(names(&app, &app.client).await, ["Tom", "Rex"]);
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "member", "name": "ada" }));
}

#[tokio::test]
async fn a_sign_up_as_the_very_first_request_leaves_only_the_session() {
    let app = spawn_app().await;
    // No cookie yet: the identity layer mints a guest for the request, and must not add
    // its cookie to the answer that signs in.
    let response = sign_up(&app, &app.bare_client, "first@example.com").await;
    let cookies = set_cookies(response.headers());
    assert_eq!(cookies.len(), 3, "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-guest=; Max-Age=0;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=ey")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=signed_in/")), "{cookies:?}");
}

#[tokio::test]
async fn the_old_guest_token_reaches_nothing_of_the_members() {
    let app = spawn_app().await;
    let page = app.get("/").await;
    let guest_cookie = set_cookies(page.headers())
        .into_iter()
        .find(|c| c.starts_with("__Host-guest="))
        .expect("a guest cookie");
    create(&app, "🐱", "Tom").await;
    sign_up(&app, &app.client, "ada@example.com").await;

    // Someone who kept a copy of the guest cookie (session fixation).
    let stale = format!("__Host-guest={}", cookie_value(&guest_cookie));
    let list = app
        .bare_client
        .post(app.url("/api/roster/list"))
        .header("accept", "application/json")
        .header("cookie", &stale)
        .send()
        .await
        .expect("request");
    assert_eq!(list.text().await.expect("body"), "[]");
    let write = app
        .bare_client
        .post(app.url("/api/roster/create"))
        .header("accept", "application/json")
        .header("cookie", &stale)
        .form(&[("emoji", "🐍"), ("name", "Intruder")])
        .send()
        .await
        .expect("request");
    assert_eq!(write.status(), 409);
    assert_eq!(write.text().await.expect("body"), r#""conflict/guest_merged""#);
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
}

#[tokio::test]
async fn signing_in_appends_the_guests_avatars_after_the_members_own() {
    let app = spawn_app().await;
    let ada = browser();
    for (emoji, name) in [("🦉", "Owl"), ("🦊", "Fox"), ("🐢", "Shelly")] {
        call(&app, &ada, "create", &[("emoji", emoji), ("name", name)]).await;
    }
    sign_up(&app, &ada, "ada@example.com").await;

    // Another browser, another guest with a roster of its own, signs in to the account.
    create(&app, "🐱", "Tom").await;
    create(&app, "🐶", "Rex").await;
    let response =
        post(&app, &app.client, "sign-in", &[("email", "ada@example.com"), ("password", PASSWORD)])
            .await;
    // Back to a clean `/`, which says once what came along (account/notice.rs).
    assert_eq!(response.headers()["location"], "/");
    assert!(
        set_cookies(response.headers()).iter().any(|c| c.starts_with("__Host-notice=signed_in/2;"))
    );
    assert_eq!(names(&app, &app.client).await, ["Owl", "Fox", "Shelly", "Tom", "Rex"]);
    // The first browser, still signed in, sees the same roster.
    assert_eq!(names(&app, &ada).await, ["Owl", "Fox", "Shelly", "Tom", "Rex"]);
}

#[tokio::test]
async fn a_member_signing_in_to_another_account_brings_nothing_along() {
    let app = spawn_app().await;
    let ada = browser();
    call(&app, &ada, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    sign_up(&app, &ada, "ada@example.com").await;
    create(&app, "🐱", "Tom").await;
    create(&app, "🐶", "Rex").await;
    sign_up(&app, &app.client, "bob@example.com").await;

    // Signed in as Bob, this browser signs in to Ada's account.
    let response =
        post(&app, &app.client, "sign-in", &[("email", "ada@example.com"), ("password", PASSWORD)])
            .await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "member", "name": "ada" }));
    assert_eq!(names(&app, &app.client).await, ["Owl"]);
    // Bob's avatars stay Bob's.
    let bob = browser();
    post(&app, &bob, "sign-in", &[("email", "bob@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(names(&app, &bob).await, ["Tom", "Rex"]);
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    sign_up(&app, &browser(), "ada@example.com").await;
    create(&app, "🐱", "Tom").await;
    let mut answers = Vec::new();
    for (email, password) in
        [("ada@example.com", "not the password"), ("bob@example.com", PASSWORD)]
    {
        let response =
            post(&app, &app.client, "sign-in", &[("email", email), ("password", password)]).await;
        let status = response.status().as_u16();
        answers.push((status, response.text().await.expect("body")));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0], (401, r#""wrong_credentials""#.to_owned()));
    // Nothing merged: the guest still has its roster.
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
}

#[tokio::test]
async fn signing_out_starts_a_new_empty_guest() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    sign_up(&app, &app.client, "ada@example.com").await;
    let response = post(&app, &app.client, "sign-out", &[]).await;
    let cookies = set_cookies(response.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")), "{cookies:?}");
    let guest = cookies.iter().find(|c| c.starts_with("__Host-guest=ey")).expect("a new guest");
    let token = app.guest_tokens().verify(cookie_value(guest), app.clock.now()).expect("valid");
    assert!(app.store.list_avatars(token.sid).await.expect("list").is_empty());
    assert!(names(&app, &app.client).await.is_empty(), "the next person sees nothing");
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "guest" }));
}

#[tokio::test]
async fn a_cross_site_sign_in_is_refused() {
    let app = spawn_app().await;
    sign_up(&app, &browser(), "ada@example.com").await;
    let response = app
        .client
        .post(app.url("/api/account/sign-in"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 403);
    assert!(set_cookies(response.headers()).iter().all(|c| !c.starts_with("__Host-session")));
}

#[tokio::test]
async fn a_form_post_with_a_short_password_comes_back_with_the_error_at_the_field() {
    let app = spawn_app().await;
    let form = [("email", "ada@example.com"), ("password", "short"), ("display_name", "")];
    let response = app.post_from_page("/api/account/sign-up", "/signup", &form).await;
    // A clean URL: the email rides in the refusal's cookie, never the URL.
    assert_eq!(response.headers()["location"], "/signup");
    let html = app.page_after(response).await;
    assert!(html.contains("Use at least 10 characters."), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");
    // The email typed is kept; the keyboard lands on the password.
    assert!(html.contains(r#"value="ada@example.com""#), "{html}");
    assert_eq!(html.matches("autofocus").count(), 1, "{html}");
    assert!(input_tag(&html, "password").contains("autofocus"), "{html}");
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "guest" }));
}

#[tokio::test]
async fn signing_out_everywhere_ends_the_other_browsers_session_at_its_next_request() {
    let app = spawn_app().await;
    let (here, there) = (browser(), browser());
    sign_up(&app, &here, "ada@example.com").await;
    call(&app, &here, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    post(&app, &there, "sign-in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    let account = there.get(app.url("/account")).send().await.expect("page").text().await;
    assert!(account.expect("body").contains("ada@example.com"));

    let response = post(&app, &here, "sign-out-everywhere", &[]).await;
    let cookies = set_cookies(response.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-guest=ey")), "{cookies:?}");
    assert!(names(&app, &here).await.is_empty(), "this browser is a new guest");

    // The other browser: its next page ends the session and shows nothing of the member.
    let page = there.get(app.url("/")).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("Your session has ended") && !page.contains("Owl"), "{page}");
}

#[tokio::test]
async fn the_account_page_shows_the_member_and_invites_a_guest() {
    let app = spawn_app().await;
    let guest = app.get("/account").await.text().await.expect("body");
    assert!(guest.contains("You are a guest."), "{guest}");
    sign_up(&app, &app.client, "ada@example.com").await;
    let member = app.get("/account").await.text().await.expect("body");
    assert!(
        member.contains("ada@example.com") && member.contains("Sign out everywhere"),
        "{member}"
    );
}

#[tokio::test]
async fn a_member_renames_itself_and_a_blank_name_is_refused_at_the_field() {
    let app = spawn_app().await;
    sign_up(&app, &app.client, "ada@example.com").await;
    let renamed = post(&app, &app.client, "display-name", &[("display_name", "  Ada L. ")]).await;
    assert!(renamed.headers()["location"].to_str().is_ok_and(|l| l.ends_with("/account")));
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "member", "name": "Ada L." }));

    let blank = [("display_name", "   ")];
    let html = app
        .page_after(app.post_from_page("/api/account/display-name", "/account", &blank).await)
        .await;
    assert!(html.contains("Display name cannot be empty."), "{html}");
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "member", "name": "Ada L." }));
    // A guest has no name to change.
    let guest = post(&app, &browser(), "display-name", &[("display_name", "Eve")]).await;
    assert_eq!(guest.status(), 401);
}
