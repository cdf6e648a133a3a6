//! Password reset by mail over HTTP, through a real SMTP server (maildev, started by
//! scripts/test.sh): what asking answers, what arrives, what the link does where, and
//! when it stops working.

use identity::MemberStore;
use reqwest::{Client, Response};
use serde_json::{Value, json};

use crate::{
    accounts::{PASSWORD, browser, post, sign_up, viewer},
    helpers::{TestApp, logged, set_cookies, spawn_app, spawn_app_with, wait_until},
    roster::{create, names},
};

const NEW_PASSWORD: &str = "correct horse battery";

/// maildev's REST API.
fn maildev() -> String {
    std::env::var("GUESTROOM_TEST_MAILDEV")
        .expect("GUESTROOM_TEST_MAILDEV must name maildev's API: scripts/test.sh starts it")
}

/// The subjects of the mails the tests read.
pub const RESET: &str = "Set a new password";
pub const CONFIRM: &str = "Confirm your email";
const SIGN_UP_ATTEMPT: &str = "Someone tried to sign up with your address";

/// The mails with `subject` maildev holds for `to`, oldest first.
pub async fn mails_to(to: &str, subject: &str) -> Vec<Value> {
    let body = reqwest::get(format!("{}/email", maildev()))
        .await
        .expect("maildev answers")
        .text()
        .await
        .expect("a body");
    let all: Vec<Value> = serde_json::from_str(&body).expect("a list of mails");
    all.into_iter()
        .filter(|mail| {
            mail["to"].as_array().is_some_and(|to_| to_.iter().any(|a| a["address"] == to))
                && mail["subject"] == subject
        })
        .collect()
}

/// Waits (up to 10 s) until `count` mails with `subject` to `to` arrived; returns them,
/// oldest first.
pub async fn wait_for_mails(to: &str, subject: &str, count: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mails = mails_to(to, subject).await;
        if mails.len() >= count {
            return mails;
        }
        assert!(std::time::Instant::now() < deadline, "waited 10 s for {count} mails to {to}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// An address no other test uses (maildev is shared by the whole run).
pub fn address(who: &str) -> String {
    format!("{who}-{}@example.com", identity::OwnerId::random())
}

/// The path and query of the link in a mail's text.
pub fn link_in(mail: &Value) -> String {
    let text = mail["text"].as_str().expect("a text body");
    let link = text.lines().find(|line| line.contains("?token=")).expect("a link");
    let path = link.split_once("://").and_then(|(_, rest)| rest.split_once('/')).expect("a URL").1;
    format!("/{path}")
}

pub fn token_of(link: &str) -> &str {
    link.split("token=").nth(1).expect("a token")
}

/// Asks for a reset link for `email`, as the forgot-password form does.
pub async fn ask(app: &TestApp, client: &Client, email: &str) -> Response {
    post(app, client, "forgot-password", &[("email", email)]).await
}

async fn reset(app: &TestApp, client: &Client, token: &str, password: &str) -> Response {
    post(app, client, "reset-password", &[("token", token), ("password", password)]).await
}

#[tokio::test]
async fn asking_answers_the_same_for_a_member_and_a_stranger_and_mails_only_the_member() {
    let app = spawn_app().await;
    let (ada, nobody) = (address("ada"), address("nobody"));
    sign_up(&app, &browser(), &ada).await;
    let stranger = ask(&app, &browser(), &nobody).await;
    let member = ask(&app, &browser(), &ada).await;
    let shape = |response: &Response| {
        let cookies: Vec<String> = set_cookies(response.headers())
            .iter()
            .map(|cookie| {
                cookie.split_once('=').map(|(name, _)| name.to_owned()).unwrap_or_default()
            })
            .collect();
        (response.status(), cookies)
    };
    assert_eq!(shape(&stranger), shape(&member));
    assert_eq!(stranger.status(), 200);
    let (stranger, member) =
        (stranger.text().await.expect("body"), member.text().await.expect("body"));
    assert_eq!(stranger, member, "byte for byte");

    let mails = wait_for_mails(&ada, RESET, 1).await;
    assert!(mails[0]["html"].as_str().expect("html").contains(token_of(&link_in(&mails[0]))));
    wait_until("the stranger's lookup", || logged().contains("no_account")).await;
    assert!(mails_to(&nobody, RESET).await.is_empty(), "nothing to an address without an account");
    assert!(!logged().contains(token_of(&link_in(&mails[0]))), "the token is never logged");
}

#[tokio::test]
async fn the_link_in_the_asking_browser_signs_in_brings_the_guest_and_ends_other_sessions() {
    let app = spawn_app().await;
    let ada = address("ada");
    let elsewhere = browser();
    sign_up(&app, &elsewhere, &ada).await;
    assert_eq!(viewer(&app, &elsewhere).await["kind"], "member");

    // A guest with avatars forgets the password and asks from this browser.
    create(&app, "🐱", "Tom").await;
    ask(&app, &app.client, &ada).await;
    let link = link_in(&wait_for_mails(&ada, RESET, 1).await[0]);
    let page = app.get(&link).await.text().await.expect("page");
    assert!(
        page.contains(&format!(r#"value="{}""#, token_of(&link))),
        "the form carries the token"
    );

    let done = reset(&app, &app.client, token_of(&link), NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
    let cookies = set_cookies(done.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=ey")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=signed_in/1")), "{cookies:?}");
    assert_eq!(names(&app, &app.client).await, ["Tom"], "the guest came along");
    assert_eq!(
        viewer(&app, &elsewhere).await,
        json!({ "kind": "guest" }),
        "the other session ended"
    );
    let email = identity::account::Email::parse(&ada).expect("email");
    let member = app.store.find_member_by_email(&email).await.expect("read").expect("member");
    assert!(member.email_verified);

    // Once only, and the new password is the password now.
    let again = reset(&app, &browser(), token_of(&link), "another good phrase").await;
    assert_eq!(
        (again.status().as_u16(), again.text().await.expect("body")),
        (410, r#""bad_link""#.to_owned())
    );
    let signed_in =
        post(&app, &browser(), "sign-in", &[("email", &ada), ("password", NEW_PASSWORD)]).await;
    assert!(signed_in.status().is_success(), "{}", signed_in.status());
    let old = post(&app, &browser(), "sign-in", &[("email", &ada), ("password", PASSWORD)]).await;
    assert_eq!(old.status(), 401);
}

#[tokio::test]
async fn in_another_browser_the_link_sets_the_password_and_signs_in_nobody() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    ask(&app, &browser(), &ada).await;
    let link = link_in(&wait_for_mails(&ada, RESET, 1).await[0]);
    let other = browser();
    create_as(&app, &other, "🐶", "Rex").await;
    let done = reset(&app, &other, token_of(&link), NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
    let cookies = set_cookies(done.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=password_reset")), "{cookies:?}");
    assert!(!cookies.iter().any(|c| c.starts_with("__Host-session=")), "{cookies:?}");
    assert_eq!(viewer(&app, &other).await, json!({ "kind": "guest" }));
    assert_eq!(names(&app, &other).await, ["Rex"], "that browser's guest keeps its avatars");
    let signed_in =
        post(&app, &browser(), "sign-in", &[("email", &ada), ("password", NEW_PASSWORD)]).await;
    assert!(signed_in.status().is_success(), "{}", signed_in.status());
}

async fn create_as(app: &TestApp, client: &Client, emoji: &str, name: &str) {
    let created = client
        .post(app.url("/api/roster/create"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&[("emoji", emoji), ("name", name)])
        .send()
        .await
        .expect("request");
    assert!(created.status().is_success(), "{}", created.status());
}

#[tokio::test]
async fn a_link_dies_when_a_newer_one_is_asked_for_and_after_thirty_minutes() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    ask(&app, &app.client, &ada).await;
    let first = link_in(&wait_for_mails(&ada, RESET, 1).await[0]);
    ask(&app, &app.client, &ada).await;
    let second = link_in(&wait_for_mails(&ada, RESET, 2).await[1]);
    let replaced = reset(&app, &app.client, token_of(&first), NEW_PASSWORD).await;
    assert_eq!(replaced.status(), 410);
    app.clock.advance(chrono::Duration::minutes(30));
    let expired = reset(&app, &app.client, token_of(&second), NEW_PASSWORD).await;
    assert_eq!(expired.status(), 410);
    let made_up = reset(&app, &app.client, "not-a-token", NEW_PASSWORD).await;
    assert_eq!(made_up.status(), 410);
}

#[tokio::test]
async fn a_weak_password_is_refused_at_its_field_and_keeps_the_link_working() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    ask(&app, &app.client, &ada).await;
    let link = link_in(&wait_for_mails(&ada, RESET, 1).await[0]);
    let weak = reset(&app, &app.client, token_of(&link), "short").await;
    assert_eq!(
        (weak.status().as_u16(), weak.text().await.expect("body")),
        (422, r#""invalid/password/too_short/10""#.to_owned())
    );
    let done = reset(&app, &app.client, token_of(&link), NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
}

#[tokio::test]
async fn mails_are_limited_per_address_alike_for_members_and_strangers() {
    let app = spawn_app().await;
    let (ada, nobody) = (address("ada"), address("nobody"));
    sign_up(&app, &browser(), &ada).await;
    for email in [&ada, &nobody] {
        for _ in 0..5 {
            assert_eq!(ask(&app, &browser(), email).await.status(), 200);
        }
        let refused = ask(&app, &browser(), email).await;
        assert_eq!(refused.status(), 429, "{email}");
        let wait: u64 =
            refused.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
        assert!(wait > 0 && wait <= 3600, "{wait}");
    }
    wait_for_mails(&ada, RESET, 5).await;
}

#[tokio::test]
async fn delivered_mail_is_counted_in_the_metrics() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    ask(&app, &browser(), &ada).await;
    wait_for_mails(&ada, RESET, 1).await;
    // The sign-up's confirmation link and the reset link.
    wait_until("the outbox counts the mails", || {
        app.state.outbox.counts().sent.load(std::sync::atomic::Ordering::Relaxed) == 2
    })
    .await;
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(metrics.contains(r#"guestroom_mail_total{outcome="sent"} 2"#), "{metrics}");
}

#[tokio::test]
async fn a_mail_server_that_does_not_answer_costs_the_request_nothing_and_is_tried_again() {
    // Nothing listens on this loopback port: every try fails at once.
    let app = spawn_app_with(&[("SMTP_URL", "smtp://127.0.0.1:9")]).await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    let asked = ask(&app, &browser(), &ada).await;
    assert_eq!(asked.status(), 200, "the answer does not wait for the mail");
    wait_until("the first retry", || {
        app.state.outbox.counts().retried.load(std::sync::atomic::Ordering::Relaxed) >= 1
    })
    .await;
    assert!(logged().contains("a mail was not taken; trying again"), "{}", logged());
}

#[tokio::test]
async fn a_reset_in_a_browser_signed_in_to_another_account_ends_that_session() {
    let app = spawn_app().await;
    let (ada, bob) = (address("ada"), address("bob"));
    sign_up(&app, &browser(), &ada).await;
    let signed_up = sign_up(&app, &app.client, &bob).await;
    let bobs_session = set_cookies(signed_up.headers())
        .into_iter()
        .find(|c| c.starts_with("__Host-session="))
        .map(|c| c.split(';').next().expect("name=value").to_owned())
        .expect("bob's session");
    ask(&app, &app.client, &ada).await;
    let link = link_in(&wait_for_mails(&ada, RESET, 1).await[0]);
    let done = reset(&app, &app.client, token_of(&link), NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
    let name = |body: Value| body["name"].as_str().map(str::to_owned);
    assert_eq!(name(viewer(&app, &app.client).await), ada.split('@').next().map(str::to_owned));
    // A copy of Bob's cookie from before reaches nothing now.
    let copy = app.get_with_cookie("/api/viewer", Some(&bobs_session)).await;
    let seen: Value = serde_json::from_str(&copy.text().await.expect("body")).expect("json");
    assert_eq!(seen, json!({ "kind": "guest" }));
}

#[tokio::test]
async fn a_sign_up_with_a_members_address_is_refused_and_the_owner_is_told() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    let again = sign_up(&app, &browser(), &ada).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.text().await.expect("body"), r#""conflict/email_taken""#);
    let mails = wait_for_mails(&ada, SIGN_UP_ATTEMPT, 1).await;
    let text = mails[0]["text"].as_str().expect("a text body");
    assert!(text.contains(&app.url("/forgot")), "{text}");
    assert!(!text.contains("token="), "it carries nothing to act on");
}
