//! A change of address over HTTP, through a real SMTP server (maildev): asking needs the
//! password and answers alike whether or not the new address has an account; the link,
//! mailed to the new address, moves the account, ends every other session and tells the
//! old address; it works once, for a day.

use identity::MemberStore;
use reqwest::{Client, Response};
use serde_json::json;

use crate::{
    accounts::{PASSWORD, browser, post, sign_up, viewer},
    helpers::{TestApp, set_cookies, spawn_app},
    mail::{address, link_in, mails_to, token_of, wait_for_mails},
};

/// The subjects of the mails a change sends.
const CHANGE: &str = "Confirm your new email";
const TAKEN: &str = "Your address already has an account";
const CHANGED: &str = "Your email was changed";

async fn ask(app: &TestApp, client: &Client, email: &str, password: &str) -> Response {
    post(app, client, "change-email", &[("email", email), ("password", password)]).await
}

async fn follow(app: &TestApp, client: &Client, token: &str) -> Response {
    post(app, client, "confirm-email-change", &[("token", token)]).await
}

async fn address_of(app: &TestApp, client: &Client) -> String {
    let page = client.get(app.url("/account")).send().await.expect("page");
    let page = page.text().await.expect("body");
    let facts = page.split("<dd>").nth(1).expect("the email fact");
    facts.split(['<', ' ']).next().expect("the address").to_owned()
}

#[tokio::test]
async fn the_link_moves_the_account_keeps_this_browser_and_ends_every_other_session() {
    let app = spawn_app().await;
    let (ada, new, here, other) = (address("ada"), address("ada-new"), browser(), browser());
    sign_up(&app, &here, &ada).await;
    post(&app, &other, "sign-in", &[("email", &ada), ("password", PASSWORD)]).await;
    assert_eq!(viewer(&app, &other).await["kind"], "member");

    let wrong = ask(&app, &here, &new, "not my password").await;
    assert_eq!(wrong.status(), 401);
    let same = ask(&app, &here, &ada, PASSWORD).await;
    assert_eq!(
        (same.status().as_u16(), same.text().await.expect("body")),
        (422, r#""invalid/email/unchanged""#.to_owned())
    );
    let asked = ask(&app, &here, &new, PASSWORD).await;
    assert_eq!(asked.status(), 200);
    let cookies = set_cookies(asked.headers());
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-notice=email_change_sent")),
        "{cookies:?}"
    );

    let link = link_in(&wait_for_mails(&new, CHANGE, 1).await[0]);
    assert!(link.starts_with("/change-email?token="), "{link}");
    let page = here.get(app.url(&link)).send().await.expect("page").text().await.expect("body");
    assert!(page.contains(&format!(r#"value="{}""#, token_of(&link))), "a form, not a GET");
    assert_eq!(address_of(&app, &here).await, ada, "nothing moves before the link is followed");

    let moved = follow(&app, &here, token_of(&link)).await;
    assert_eq!(moved.status(), 200);
    let cookies = set_cookies(moved.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=email_changed")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=")), "this browser goes on");
    assert_eq!(viewer(&app, &here).await["kind"], "member");
    assert_eq!(viewer(&app, &other).await, json!({ "kind": "guest" }), "the other session ended");
    assert_eq!(address_of(&app, &here).await, new);
    let told = wait_for_mails(&ada, CHANGED, 1).await;
    assert!(told[0]["text"].as_str().expect("text").contains(&new), "{told:?}");

    assert_eq!(follow(&app, &here, token_of(&link)).await.status(), 410, "once");
    let again = browser();
    let signed_in = post(&app, &again, "sign-in", &[("email", &new), ("password", PASSWORD)]).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(viewer(&app, &again).await["kind"], "member");
    let old = post(&app, &browser(), "sign-in", &[("email", &ada), ("password", PASSWORD)]).await;
    assert_eq!(old.status(), 401, "the old address has no account now");
}

/// Asking answers byte for byte alike for a taken address and a free one: only the
/// taken address's inbox hears, with no link, and nothing changes.
#[tokio::test]
async fn a_change_to_a_members_address_answers_like_any_other_and_only_that_inbox_hears() {
    let app = spawn_app().await;
    let (ada, bob, free, here) = (address("ada"), address("bob"), address("free"), browser());
    sign_up(&app, &here, &ada).await;
    sign_up(&app, &browser(), &bob).await;
    let taken = ask(&app, &here, &bob, PASSWORD).await;
    let open = ask(&app, &here, &free, PASSWORD).await;
    let names = |response: &Response| -> Vec<String> {
        let cookies = set_cookies(response.headers());
        cookies
            .iter()
            .map(|c| c.split_once('=').map(|(n, _)| n.to_owned()).unwrap_or_default())
            .collect()
    };
    assert_eq!((taken.status(), names(&taken)), (open.status(), names(&open)));
    assert_eq!(
        taken.text().await.expect("body"),
        open.text().await.expect("body"),
        "byte for byte"
    );

    let heard = wait_for_mails(&bob, TAKEN, 1).await;
    assert!(!heard[0]["text"].as_str().expect("text").contains("token="), "nothing to follow");
    wait_for_mails(&free, CHANGE, 1).await;
    assert!(mails_to(&bob, CHANGE).await.is_empty(), "no link to a taken address");
    assert_eq!(address_of(&app, &here).await, ada);
    let bobs = identity::account::Email::parse(&bob).expect("email");
    let holder = app.store.find_member_by_email(&bobs).await.expect("read");
    assert!(holder.is_some(), "bob keeps his address");
}

/// Opened in another browser the link moves the account and signs in nobody there; the
/// member's own session ends with the others. A link dies when a newer one is asked for
/// and after a day, and works for a change only.
#[tokio::test]
async fn opened_elsewhere_the_link_signs_in_nobody_and_a_link_dies_when_replaced_or_a_day_old() {
    let app = spawn_app().await;
    let (ada, new, later, here) = (address("ada"), address("new"), address("later"), browser());
    sign_up(&app, &here, &ada).await;
    ask(&app, &here, &new, PASSWORD).await;
    let link = link_in(&wait_for_mails(&new, CHANGE, 1).await[0]);
    let elsewhere = browser();
    let moved = follow(&app, &elsewhere, token_of(&link)).await;
    assert_eq!(moved.status(), 200);
    assert!(!set_cookies(moved.headers()).iter().any(|c| c.starts_with("__Host-session=")));
    assert_eq!(viewer(&app, &elsewhere).await, json!({ "kind": "guest" }), "nobody signed in");
    assert_eq!(viewer(&app, &here).await, json!({ "kind": "guest" }), "every session ended");

    let back = browser();
    post(&app, &back, "sign-in", &[("email", &new), ("password", PASSWORD)]).await;
    ask(&app, &back, &later, PASSWORD).await;
    let first = link_in(&wait_for_mails(&later, CHANGE, 1).await[0]);
    ask(&app, &back, &later, PASSWORD).await;
    let newest = link_in(&wait_for_mails(&later, CHANGE, 2).await[1]);
    assert_eq!(follow(&app, &back, token_of(&first)).await.status(), 410, "replaced");
    let confirming = post(&app, &back, "verify-email", &[("token", token_of(&newest))]).await;
    assert_eq!(confirming.status(), 410, "a change link confirms nothing else");
    app.clock.advance(chrono::Duration::hours(24));
    assert_eq!(follow(&app, &back, token_of(&newest)).await.status(), 410, "expired");
    assert_eq!(address_of(&app, &back).await, new);
}
