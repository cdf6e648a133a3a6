//! Sign-in links over HTTP, through a real SMTP server (maildev): asking answers alike for
//! every address; the link signs in only the browser that asked, once, bringing its guest
//! along; elsewhere it signs in nobody and the page shows the mail's code, which signs in
//! the asking browser instead, a few tries at most.

use reqwest::Response;
use serde_json::{Value, json};

use crate::{
    accounts::{browser, post, sign_up, viewer},
    helpers::{set_cookies, spawn_app},
    mail::{address, link_in, mails_to, token_of, wait_for_mails},
    roster::{create, names},
};

pub const SIGN_IN: &str = "Sign in to Guestroom";

/// The code in a sign-in mail's text (`ABCD-EFGH`).
pub fn code_in(mail: &Value) -> String {
    let text = mail["text"].as_str().expect("a text body");
    let line = text.lines().find(|line| line.contains("this code")).expect("the code's line");
    line.rsplit(' ').next().expect("a code").to_owned()
}

fn shape(response: &Response) -> (u16, Vec<String>) {
    let cookies = set_cookies(response.headers())
        .iter()
        .map(|cookie| cookie.split_once('=').map(|(name, _)| name.to_owned()).unwrap_or_default())
        .collect();
    (response.status().as_u16(), cookies)
}

#[tokio::test]
async fn asking_answers_alike_for_everyone_and_the_link_signs_in_the_asking_browser_once() {
    let app = spawn_app().await;
    let (ada, nobody) = (address("ada"), address("nobody"));
    sign_up(&app, &browser(), &ada).await;
    let stranger = post(&app, &browser(), "email-link", &[("email", &nobody)]).await;
    let member = post(&app, &browser(), "email-link", &[("email", &ada)]).await;
    assert_eq!(shape(&stranger), shape(&member));
    assert_eq!(stranger.text().await.expect("body"), member.text().await.expect("body"));
    wait_for_mails(&ada, SIGN_IN, 1).await;

    // A guest with an avatar asks from this browser: the newer link replaces the first.
    create(&app, "🐱", "Tom").await;
    post(&app, &app.client, "email-link", &[("email", &ada)]).await;
    let link = link_in(&wait_for_mails(&ada, SIGN_IN, 2).await[1]);
    assert!(link.starts_with("/signin-link?token="), "{link}");
    let page = app.get(&link).await.text().await.expect("page");
    assert!(page.contains(&format!(r#"value="{}""#, token_of(&link))), "a form, not a GET");
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "guest" }), "GET signs in nobody");

    let done = post(&app, &app.client, "sign-in-link", &[("token", token_of(&link))]).await;
    assert_eq!(done.status(), 200);
    let cookies = set_cookies(done.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=ey")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-notice=signed_in/1")), "{cookies:?}");
    assert_eq!(names(&app, &app.client).await, ["Tom"], "the guest came along");
    let again = post(&app, &app.client, "sign-in-link", &[("token", token_of(&link))]).await;
    assert_eq!(
        (again.status().as_u16(), again.text().await.expect("body")),
        (410, r#""bad_link""#.to_owned())
    );
    assert!(mails_to(&nobody, SIGN_IN).await.is_empty(), "nothing to an unknown address");
}

#[tokio::test]
async fn elsewhere_the_link_shows_its_code_which_signs_in_the_asking_browser() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    let asking = browser();
    post(&app, &asking, "email-link", &[("email", &ada)]).await;
    let mail = &wait_for_mails(&ada, SIGN_IN, 1).await[0];
    let (link, code) = (link_in(mail), code_in(mail));

    // Another browser (this app's client): refused, signed in nobody, shown the code.
    let elsewhere = post(&app, &app.client, "sign-in-link", &[("token", token_of(&link))]).await;
    assert_eq!(
        (elsewhere.status().as_u16(), elsewhere.text().await.expect("body")),
        (409, r#""conflict/asked_elsewhere""#.to_owned())
    );
    let form = [("token", token_of(&link))];
    let plain = app.post_from_page("/api/account/sign-in-link", &link, &form).await;
    let page = app.page_after(plain).await;
    assert!(page.contains(&code), "the page shows the mail's code: {code}");
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "guest" }));
    let stolen = post(&app, &app.client, "sign-in-code", &[("code", &code)]).await;
    assert_eq!(stolen.status(), 410, "the code works only where the link was asked for");

    // The asking browser types it.
    let typed = post(&app, &asking, "sign-in-code", &[("code", &code.to_lowercase())]).await;
    assert_eq!(typed.status(), 200);
    assert_eq!(viewer(&app, &asking).await["kind"], "member");
    let replay = post(&app, &asking, "sign-in-link", &[("token", token_of(&link))]).await;
    assert_eq!(replay.status(), 410, "the link went with its code");
}

#[tokio::test]
async fn a_browser_types_five_codes_per_window_at_most() {
    let app = spawn_app().await;
    let ada = address("ada");
    sign_up(&app, &browser(), &ada).await;
    post(&app, &app.client, "email-link", &[("email", &ada)]).await;
    let code = code_in(&wait_for_mails(&ada, SIGN_IN, 1).await[0]);
    for _ in 0..5 {
        let wrong = post(&app, &app.client, "sign-in-code", &[("code", "AAAA-AAAA")]).await;
        assert_eq!(wrong.status(), 410);
    }
    let refused = post(&app, &app.client, "sign-in-code", &[("code", &code)]).await;
    assert_eq!(refused.status(), 429, "even the right code, past the budget");
    assert!(refused.headers().contains_key("retry-after"));
}
