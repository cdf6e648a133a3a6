use chrono::Duration;
use identity::{Clock, OwnerId};

use crate::helpers::{cookie_value, set_cookies, spawn_app};

/// A guest cookie lives `GUEST_RETENTION_DAYS`: 90 days by default.
const ATTRIBUTES: &str = "; Max-Age=7776000; Path=/; Secure; HttpOnly; SameSite=Lax";

#[tokio::test]
async fn a_first_visit_sets_exactly_one_guest_cookie_with_the_exact_attributes() {
    let app = spawn_app().await;
    let response = app.get_with_cookie("/", None).await;
    assert_eq!(response.status(), 200);
    let cookies = set_cookies(response.headers());
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("__Host-guest=ey"), "{}", cookies[0]);
    assert!(cookies[0].ends_with(ATTRIBUTES), "{}", cookies[0]);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
}

#[tokio::test]
async fn a_second_visit_sets_no_cookie() {
    let app = spawn_app().await;
    assert_eq!(set_cookies(app.get("/").await.headers()).len(), 1);
    let second = app.get("/").await;
    assert_eq!(second.status(), 200);
    assert!(set_cookies(second.headers()).is_empty());
}

#[tokio::test]
async fn the_first_render_already_knows_the_new_guest() {
    let app = spawn_app().await;
    let response = app.get_with_cookie("/", None).await;
    let token = cookie_value(&set_cookies(response.headers())[0]).to_owned();
    let sid = app.guest_tokens().verify(&token, app.clock.now()).expect("valid token").sid;
    let html = response.text().await.expect("body");
    let short: String = sid.to_string().chars().take(8).collect();
    assert!(html.contains(&format!(r#"data-guest="{short}""#)), "{html}");
}

#[tokio::test]
async fn a_returning_guest_is_recognised() {
    let app = spawn_app().await;
    let sid = OwnerId::random();
    let token = app.guest_tokens().issue(sid, app.clock.now());
    let response = app.get_with_cookie("/", Some(&format!("__Host-guest={token}"))).await;
    assert!(set_cookies(response.headers()).is_empty());
    let short: String = sid.to_string().chars().take(8).collect();
    assert!(response.text().await.expect("body").contains(&short));
}

#[tokio::test]
async fn an_invalid_guest_cookie_is_replaced_not_an_error() {
    let app = spawn_app().await;
    for garbage in ["garbage", "eyJhbGciOiJub25lIn0.e30.", ""] {
        let response = app.get_with_cookie("/", Some(&format!("__Host-guest={garbage}"))).await;
        assert_eq!(response.status(), 200, "{garbage:?}");
        let cookies = set_cookies(response.headers());
        assert_eq!(cookies.len(), 1, "{garbage:?}: {cookies:?}");
        assert!(cookies[0].starts_with("__Host-guest=ey"));
    }
}

#[tokio::test]
async fn an_expired_guest_cookie_is_replaced_with_a_new_guest() {
    let app = spawn_app().await;
    let old_sid = OwnerId::random();
    let token = app.guest_tokens().issue(old_sid, app.clock.now());
    app.clock.advance(Duration::days(31));
    let response = app.get_with_cookie("/", Some(&format!("__Host-guest={token}"))).await;
    assert_eq!(response.status(), 200);
    let fresh = cookie_value(&set_cookies(response.headers())[0]).to_owned();
    let new_sid = app.guest_tokens().verify(&fresh, app.clock.now()).expect("valid").sid;
    assert_ne!(new_sid, old_sid);
}

#[tokio::test]
async fn a_guest_cookie_a_day_old_is_reissued_for_the_same_guest() {
    let app = spawn_app().await;
    let sid = OwnerId::random();
    let token = app.guest_tokens().issue(sid, app.clock.now());
    let cookie = format!("__Host-guest={token}");
    app.clock.advance(Duration::days(1) - Duration::seconds(1));
    let young = app.get_with_cookie("/", Some(&cookie)).await;
    assert!(set_cookies(young.headers()).is_empty(), "not yet a day old: left alone");
    app.clock.advance(Duration::seconds(1));
    let response = app.get_with_cookie("/", Some(&cookie)).await;
    let renewed = cookie_value(&set_cookies(response.headers())[0]).to_owned();
    let verified = app.guest_tokens().verify(&renewed, app.clock.now()).expect("valid");
    assert_eq!(verified.sid, sid);
    assert_eq!(verified.issued_at, app.clock.now());
}

#[tokio::test]
async fn static_assets_and_health_checks_get_no_cookie() {
    let app = spawn_app().await;
    for path in ["/pkg/guestroom.css", "/pkg/guestroom.js", "/healthz", "/readyz"] {
        let response = app.get_with_cookie(path, None).await;
        assert!(set_cookies(response.headers()).is_empty(), "{path} set a cookie");
    }
}

#[tokio::test]
async fn a_server_function_call_without_identity_gets_a_guest_too() {
    let app = spawn_app().await;
    let response = app
        .bare_client
        .post(app.url("/api/roster/list"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(set_cookies(response.headers()).len(), 1);
    assert_eq!(response.text().await.expect("body"), "[]");
}
