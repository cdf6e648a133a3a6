//! The sweep over HTTP: a guest who keeps coming back (even only to look) is kept; one
//! who left is deleted with their avatars; and the guest is told how long that is.

use chrono::Duration;
use server::sweep::sweep_once;

use crate::{
    accounts::{browser, sign_up},
    helpers::{set_cookies, spawn_app, spawn_app_with},
    mail::address,
    roster::{call, create, names},
};

#[tokio::test]
async fn a_guest_who_keeps_reading_is_kept_and_one_who_left_is_swept() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    let leaver = browser();
    call(&app, &leaver, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    // 100 days of visits every 20 days, reading only: each visit re-issues the token,
    // which marks the guest seen.
    for _ in 0..5 {
        app.clock.advance(Duration::days(20));
        assert_eq!(app.get("/").await.status(), 200);
    }
    let report = sweep_once(&app.store, Duration::days(90)).await.expect("sweep");
    assert_eq!(report.guests, 1, "{report:?}");
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
}

/// A guest's page says how long its avatars are kept without a visit, which is also how
/// long its cookie lives: `GUEST_RETENTION_DAYS`. A member's page says nothing of it.
#[tokio::test]
async fn a_guest_is_told_how_long_its_avatars_are_kept_and_its_cookie_lives_that_long() {
    let app = spawn_app_with(&[("GUEST_RETENTION_DAYS", "31")]).await;
    let first = app.get("/").await;
    let cookies = set_cookies(first.headers());
    let lifetime = format!("Max-Age={}", 31 * 24 * 60 * 60);
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-guest=") && c.contains(&lifetime)),
        "{cookies:?}"
    );
    create(&app, "🐱", "Tom").await;
    let page = app.get("/").await.text().await.expect("page");
    assert!(page.contains("kept in this browser for 31 days after your last visit"), "{page}");
    sign_up(&app, &app.client, &address("ada")).await;
    let page = app.get("/").await.text().await.expect("page");
    assert!(!page.contains("kept in this browser"), "a member's avatars are kept for good");
}

/// A guest's row outlives its token: in the minute of leeway past the token's end, the
/// sweep keeps the guest, and the token still reaches its avatars.
#[tokio::test]
async fn the_sweep_keeps_a_guest_while_its_token_is_still_accepted() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    app.clock.advance(Duration::days(90) + Duration::seconds(30));
    let report = sweep_once(&app.store, Duration::days(90)).await.expect("sweep");
    assert_eq!(report.guests, 0, "{report:?}");
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
}
