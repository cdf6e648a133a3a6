use crate::helpers::{
    TestApp, cookie_value, passwordless_member, session_cookie, set_cookies, spawn_app,
};
use chrono::Duration;
use identity::Clock;
use identity::SessionStore;

/// Adds an avatar (a write) with the given cookie, as a client that accepts `accept`.
async fn post_new_avatar(app: &TestApp, cookie: &str, accept: &str) -> reqwest::Response {
    app.bare_client
        .post(app.url("/api/roster/create"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("emoji=%F0%9F%90%B1&name=Tom")
        .header("sec-fetch-site", "same-origin")
        .header("accept", accept)
        .header("cookie", cookie)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_valid_session_makes_the_member_the_viewer() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let response =
        app.get_with_cookie("/", Some(&session_cookie(&app, &member, app.clock.now()))).await;
    assert!(set_cookies(response.headers()).is_empty(), "no guest is minted for a member");
    let html = response.text().await.expect("body");
    assert!(html.contains(r#"<span class="who">Ada</span>"#), "{html}");
    assert!(html.contains("Sign out"), "{html}");
}

#[tokio::test]
async fn a_session_older_than_a_day_is_reissued_with_the_same_sign_in_time() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let cookie = session_cookie(&app, &member, app.clock.now());
    let signed_in = app.clock.now();
    app.clock.advance(Duration::days(2));
    let response = app.get_with_cookie("/", Some(&cookie)).await;
    let cookies = set_cookies(response.headers());
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("__Host-session="));
    assert!(
        cookies[0].ends_with("; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Lax"),
        "{}",
        cookies[0]
    );
    let renewed =
        app.session_tokens().verify(cookie_value(&cookies[0]), app.clock.now()).expect("valid");
    assert_eq!(renewed.auth_time, signed_in);
    assert_eq!(renewed.issued_at, app.clock.now());
}

#[tokio::test]
async fn a_revoked_session_ends_at_its_next_refresh_and_a_fresh_guest_begins() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let cookie = session_cookie(&app, &member, app.clock.now());
    app.store.bump_session_version(member.id).await.expect("sign out everywhere");
    app.clock.advance(Duration::days(2));
    let response = app.get_with_cookie("/", Some(&cookie)).await;
    let cookies = set_cookies(response.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-guest=ey")), "{cookies:?}");
    assert!(response.text().await.expect("body").contains("data-guest="));
}

#[tokio::test]
async fn a_write_with_a_revoked_session_is_refused_at_once() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let cookie = session_cookie(&app, &member, app.clock.now());
    app.store.bump_session_version(member.id).await.expect("sign out everywhere");
    // A script or form post gets the app's sentence; the page's client (JSON) the typed
    // error.
    for (accept, body) in [
        ("*/*", "Your session has ended, so that change was not saved. Reload the page to go on."),
        ("application/json", r#""signed_out""#),
    ] {
        let response = post_new_avatar(&app, &cookie, accept).await;
        assert_eq!(response.status(), 401);
        let cookies = set_cookies(response.headers());
        assert!(
            cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")),
            "{cookies:?}"
        );
        assert_eq!(response.text().await.expect("body"), body);
    }
    assert_eq!(app.store.count_avatars(member.id).await.expect("count"), 0);
}

#[tokio::test]
async fn a_write_with_a_current_session_is_the_members() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let response =
        post_new_avatar(&app, &session_cookie(&app, &member, app.clock.now()), "application/json")
            .await;
    assert_eq!(response.status(), 200);
    let avatars = app.store.list_avatars(member.id).await.expect("list");
    assert_eq!(avatars.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Tom"]);
}

#[tokio::test]
async fn an_idle_session_is_cleared_and_the_visitor_becomes_a_guest() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let cookie = session_cookie(&app, &member, app.clock.now());
    app.clock.advance(Duration::days(8));
    let response = app.get_with_cookie("/", Some(&cookie)).await;
    let cookies = set_cookies(response.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")), "{cookies:?}");
    assert!(response.text().await.expect("body").contains("data-guest="));
}

#[tokio::test]
async fn a_forged_session_cookie_is_cleared() {
    let app = spawn_app().await;
    let response = app.get_with_cookie("/", Some("__Host-session=a.b.c.d.e")).await;
    assert_eq!(response.status(), 200);
    let cookies = set_cookies(response.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")), "{cookies:?}");
}

#[tokio::test]
async fn a_member_is_shown_signed_in_on_every_page_even_an_unknown_one() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let cookie = session_cookie(&app, &member, app.clock.now());
    for path in ["/", "/signin", "/no/such/page"] {
        let html = app.get_with_cookie(path, Some(&cookie)).await.text().await.expect("body");
        assert!(html.contains("Sign out"), "{path}: {html}");
        assert!(!html.contains("Create account</a>"), "{path}: {html}");
    }
}

#[tokio::test]
async fn a_revoked_session_ends_at_its_next_page_and_shows_nothing_of_the_members() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let cookie = session_cookie(&app, &member, app.clock.now());
    post_new_avatar(&app, &cookie, "application/json").await;
    let page = app.get_with_cookie("/", Some(&cookie)).await.text().await.expect("body");
    assert!(page.contains("Tom"), "{page}");

    app.store.bump_session_version(member.id).await.expect("sign out everywhere");
    // Within the day, before any refresh: the page read itself ends the session.
    let response = app.get_with_cookie("/", Some(&cookie)).await;
    let cookies = set_cookies(response.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-guest=ey")), "{cookies:?}");
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let html = response.text().await.expect("body");
    assert!(!html.contains("Tom"), "{html}");
    assert!(html.contains("Your session has ended"), "{html}");
    assert!(html.contains("data-guest="), "{html}");

    let viewer = app.get_with_cookie("/api/viewer", Some(&cookie)).await;
    assert_eq!(viewer.text().await.expect("body"), r#"{"kind":"guest"}"#);
}
