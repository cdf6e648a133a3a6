//! The sweep over HTTP: a guest who keeps coming back (even only to look) is kept; one
//! who left is deleted with their avatars.

use chrono::Duration;
use server::sweep::sweep_once;

use crate::{
    accounts::browser,
    helpers::spawn_app,
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
