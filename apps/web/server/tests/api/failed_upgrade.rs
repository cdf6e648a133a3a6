//! A sign-in or sign-up that fails in the middle of its merge (a real database failure:
//! a trigger refuses the merge's last statement) costs the guest nothing: the browser is
//! still the same guest with the same avatars, nothing half-moved, and a retry merges
//! exactly once.

use reqwest::Client;
use sea_orm::ConnectionTrait;

use crate::{
    accounts::{PASSWORD, browser, post, sign_up},
    helpers::{TestApp, set_cookies, spawn_app},
    mail::address,
    roster::{call, names},
};

/// From now on, marking a guest merged (the merge's last statement) fails.
pub async fn break_merges(app: &TestApp) {
    app.store
        .connection()
        .execute_unprepared(
            "CREATE TRIGGER fail_merge BEFORE UPDATE OF merged_into ON owners \
             BEGIN SELECT RAISE(ABORT, 'forced failure'); END",
        )
        .await
        .expect("trigger");
}

pub async fn mend_merges(app: &TestApp) {
    app.store.connection().execute_unprepared("DROP TRIGGER fail_merge").await.expect("drop");
}

/// A guest with Tom and Rex.
async fn guest(app: &TestApp) -> Client {
    let guest = browser();
    for name in ["Tom", "Rex"] {
        let (status, _) = call(app, &guest, "create", &[("emoji", "🐱"), ("name", name)]).await;
        assert_eq!(status, 200);
    }
    guest
}

/// A failed upgrade's answer: 503, and no identity cookie changed.
fn refused_without_a_cookie(status: u16, cookies: &[String]) {
    assert_eq!(status, 503);
    assert!(
        !cookies.iter().any(|c| c.starts_with("__Host-session=") || c.starts_with("__Host-guest=")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn a_sign_in_that_fails_mid_merge_leaves_the_guest_whole_and_a_retry_merges_once() {
    let app = spawn_app().await;
    let (ada, adas) = (address("ada"), browser());
    sign_up(&app, &adas, &ada).await;
    call(&app, &adas, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    let guest = guest(&app).await;

    break_merges(&app).await;
    let failed = post(&app, &guest, "sign-in", &[("email", &ada), ("password", PASSWORD)]).await;
    refused_without_a_cookie(failed.status().as_u16(), &set_cookies(failed.headers()));
    assert_eq!(names(&app, &guest).await, ["Tom", "Rex"], "the same guest, the same avatars");
    assert_eq!(names(&app, &adas).await, ["Owl"], "nothing half-moved");

    mend_merges(&app).await;
    let retried = post(&app, &guest, "sign-in", &[("email", &ada), ("password", PASSWORD)]).await;
    assert_eq!(retried.status(), 200);
    assert_eq!(names(&app, &guest).await, ["Owl", "Tom", "Rex"]);
    let again = post(&app, &guest, "sign-in", &[("email", &ada), ("password", PASSWORD)]).await;
    assert_eq!(again.status(), 200);
    assert_eq!(names(&app, &adas).await, ["Owl", "Tom", "Rex"], "merged once");
}

#[tokio::test]
async fn a_sign_up_that_fails_mid_merge_makes_no_account_and_a_retry_makes_one() {
    let app = spawn_app().await;
    let guest = guest(&app).await;
    let email = address("bob");

    break_merges(&app).await;
    let failed = sign_up(&app, &guest, &email).await;
    refused_without_a_cookie(failed.status().as_u16(), &set_cookies(failed.headers()));
    assert_eq!(names(&app, &guest).await, ["Tom", "Rex"]);

    mend_merges(&app).await;
    let retried = sign_up(&app, &guest, &email).await;
    assert_eq!(retried.status(), 200, "the address is free: nothing was made");
    assert_eq!(names(&app, &guest).await, ["Tom", "Rex"]);
    let elsewhere = browser();
    let signed_in =
        post(&app, &elsewhere, "sign-in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(names(&app, &elsewhere).await, ["Tom", "Rex"], "the account holds them once");
}
