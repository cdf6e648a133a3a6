//! What an account action did, said once at the top of the next page from a short-lived
//! `__Host-notice` cookie (`app::account::notice`): never from the URL, never twice.

use crate::{
    accounts::{PASSWORD, browser, post, sign_up},
    helpers::{TestApp, set_cookies, spawn_app},
    roster::create,
};

const SIGNED_OUT: &str = "You are signed out. Your avatars are safe in your account";

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (Vec<String>, String) {
    let response = client.get(app.url(path)).send().await.expect("page");
    let cookies = set_cookies(response.headers());
    (cookies, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_sign_out_is_said_once_on_the_next_page_with_the_avatars_safe() {
    let app = spawn_app().await;
    let ada = browser();
    create(&app, "🐱", "Tom").await;
    sign_up(&app, &ada, "ada@example.com").await;
    let response = post(&app, &ada, "sign-out", &[]).await;
    let cookies = set_cookies(response.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=signed_out;")), "{cookies:?}");

    let (cleared, first) = page(&app, &ada, "/").await;
    assert!(
        first.contains(SIGNED_OUT) && first.contains("class=\"notice page-notice\""),
        "{first}"
    );
    assert!(cleared.iter().any(|c| c.starts_with("__Host-notice=; Max-Age=0;")), "{cleared:?}");
    let (_, again) = page(&app, &ada, "/").await;
    assert!(!again.contains(SIGNED_OUT), "said once: {again}");
}

#[tokio::test]
async fn a_guest_who_signs_out_is_told_nothing_about_an_account() {
    let app = spawn_app().await;
    let guest = browser();
    let response = post(&app, &guest, "sign-out", &[]).await;
    assert!(!set_cookies(response.headers()).iter().any(|c| c.starts_with("__Host-notice")));
    let (_, html) = page(&app, &guest, "/").await;
    assert!(!html.contains("page-notice"), "{html}");
}

#[tokio::test]
async fn the_url_and_unknown_codes_make_the_page_say_nothing() {
    let app = spawn_app().await;
    for path in ["/?came_along=99999", "/?account=deleted", "/account?changed=password"] {
        let html = app.get(path).await.text().await.expect("body");
        assert!(!html.contains("page-notice") && !html.contains("99999 avatars"), "{path}: {html}");
    }
    for code in ["signed_in/lots", "linked/Evil%20Corp", "<b>hi</b>", ""] {
        let response = app.get_with_cookie("/", Some(&format!("__Host-notice={code}"))).await;
        let cleared = set_cookies(response.headers());
        let html = response.text().await.expect("body");
        assert!(!html.contains("page-notice"), "{code}: {html}");
        assert!(cleared.iter().any(|c| c.starts_with("__Host-notice=; Max-Age=0;")), "{code}");
    }
}

#[tokio::test]
async fn a_session_ended_elsewhere_is_the_only_thing_said() {
    let app = spawn_app().await;
    let (here, there) = (browser(), browser());
    sign_up(&app, &here, "ada@example.com").await;
    // `there` signs in (its notice waits in its cookie), then `here` ends every session.
    post(&app, &there, "sign-in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    post(&app, &here, "sign-out-everywhere", &[]).await;
    let (_, html) = page(&app, &there, "/").await;
    assert!(html.contains("Your session has ended"), "{html}");
    assert!(!html.contains("You are signed in"), "no contradicting notice: {html}");
    let (_, html) = page(&app, &here, "/").await;
    assert!(html.contains("You are signed out on every device."), "{html}");
}

#[tokio::test]
async fn account_changes_are_said_on_the_account_page() {
    let app = spawn_app().await;
    let ada = browser();
    sign_up(&app, &ada, "ada@example.com").await;
    let (_, html) = page(&app, &ada, "/").await;
    assert!(html.contains("You are signed in."), "{html}");
    let response = post(&app, &ada, "display-name", &[("display_name", "Ada L.")]).await;
    assert!(
        set_cookies(response.headers()).iter().any(|c| c.starts_with("__Host-notice=name_saved;"))
    );
    let (_, html) = page(&app, &ada, "/account").await;
    assert!(html.contains("Your display name is saved."), "{html}");
}
