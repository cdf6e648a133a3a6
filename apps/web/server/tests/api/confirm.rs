//! Confirming an address over HTTP, through a real SMTP server (maildev): sign-up mails
//! the link; following it, in any browser, confirms the address and signs in nobody; it
//! works once, for a day, and only until a newer one is sent.

use identity::MemberStore;
use reqwest::Client;
use serde_json::json;

use crate::{
    accounts::{browser, post, sign_up, viewer},
    helpers::{TestApp, set_cookies, spawn_app},
    mail::{CONFIRM, address, link_in, token_of, wait_for_mails},
};

async fn confirm(app: &TestApp, client: &Client, token: &str) -> reqwest::Response {
    post(app, client, "verify-email", &[("token", token)]).await
}

async fn is_confirmed(app: &TestApp, email: &str) -> bool {
    let email = identity::account::Email::parse(email).expect("email");
    app.store.find_member_by_email(&email).await.expect("read").expect("member").email_verified
}

async fn account_page(app: &TestApp, client: &Client) -> String {
    client.get(app.url("/account")).send().await.expect("page").text().await.expect("body")
}

#[tokio::test]
async fn a_sign_up_mails_a_link_that_confirms_the_address_in_any_browser_and_signs_in_nobody() {
    let app = spawn_app().await;
    let (ada, here) = (address("ada"), browser());
    sign_up(&app, &here, &ada).await;
    let page = account_page(&app, &here).await;
    assert!(page.contains("Confirm your email") && page.contains("Send the link again"), "{page}");

    let link = link_in(&wait_for_mails(&ada, CONFIRM, 1).await[0]);
    assert!(link.starts_with("/verify?token="), "{link}");
    let elsewhere = browser();
    let opened = elsewhere.get(app.url(&link)).send().await.expect("page");
    let opened = opened.text().await.expect("body");
    assert!(opened.contains(&format!(r#"value="{}""#, token_of(&link))), "a form, not a GET");
    assert!(!is_confirmed(&app, &ada).await, "opening the link confirms nothing");

    let done = confirm(&app, &elsewhere, token_of(&link)).await;
    assert_eq!(done.status(), 200);
    let cookies = set_cookies(done.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=email_confirmed")), "{cookies:?}");
    assert!(!cookies.iter().any(|c| c.starts_with("__Host-session=")), "{cookies:?}");
    assert_eq!(viewer(&app, &elsewhere).await, json!({ "kind": "guest" }), "nobody signed in");
    assert!(is_confirmed(&app, &ada).await);
    assert_eq!(viewer(&app, &here).await["kind"], "member", "nobody signed out");
    let page = account_page(&app, &here).await;
    assert!(!page.contains("Send the link again") && page.contains("(confirmed)"), "{page}");

    let again = confirm(&app, &here, token_of(&link)).await;
    assert_eq!(
        (again.status().as_u16(), again.text().await.expect("body")),
        (410, r#""bad_link""#.to_owned())
    );
}

#[tokio::test]
async fn the_link_is_sent_again_on_request_and_only_the_newest_works_for_a_day() {
    let app = spawn_app().await;
    let (ada, here) = (address("ada"), browser());
    sign_up(&app, &here, &ada).await;
    let first = link_in(&wait_for_mails(&ada, CONFIRM, 1).await[0]);
    let sent = post(&app, &here, "send-confirmation", &[]).await;
    assert_eq!(sent.status(), 200);
    let cookies = set_cookies(sent.headers());
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-notice=confirmation_sent")),
        "{cookies:?}"
    );
    let second = link_in(&wait_for_mails(&ada, CONFIRM, 2).await[1]);
    assert_eq!(confirm(&app, &here, token_of(&first)).await.status(), 410, "replaced");
    app.clock.advance(chrono::Duration::hours(24));
    assert_eq!(confirm(&app, &here, token_of(&second)).await.status(), 410, "expired");
    assert_eq!(confirm(&app, &here, "made-up").await.status(), 410);
    assert!(!is_confirmed(&app, &ada).await);

    // A guest has no address to confirm.
    let guest = post(&app, &browser(), "send-confirmation", &[]).await;
    assert_eq!(guest.text().await.expect("body"), r#""signed_out""#);
}

#[tokio::test]
async fn a_reset_token_does_not_confirm_and_a_confirmation_token_does_not_reset() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    let confirmation = link_in(&wait_for_mails(&ada, CONFIRM, 1).await[0]);
    let as_reset = post(
        &app,
        &browser(),
        "reset-password",
        &[("token", token_of(&confirmation)), ("password", "correct horse battery")],
    )
    .await;
    assert_eq!(as_reset.status(), 410);
    post(&app, &browser(), "forgot-password", &[("email", &ada)]).await;
    let reset = link_in(&wait_for_mails(&ada, crate::mail::RESET, 1).await[0]);
    assert_eq!(confirm(&app, &browser(), token_of(&reset)).await.status(), 410);
    assert!(!is_confirmed(&app, &ada).await);
    // Each still works for its own purpose.
    assert_eq!(confirm(&app, &browser(), token_of(&confirmation)).await.status(), 200);
}
