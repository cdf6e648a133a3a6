//! Managing an account over HTTP: changing the password, deleting the account, and the
//! attempt limits on everything that checks a password.

use identity::{MemberStore, account::Email};
use serde_json::json;

use crate::{
    accounts::{PASSWORD, browser, input_tag, post, sign_up, viewer},
    helpers::{
        TestApp, logged, passwordless_member, session_cookie, set_cookies, spawn_app,
        spawn_app_with,
    },
    roster::{call, create, names},
};

const NEW_PASSWORD: &str = "correct horse battery";

async fn sign_in(app: &TestApp, client: &reqwest::Client, password: &str) -> reqwest::Response {
    post(app, client, "sign-in", &[("email", "ada@example.com"), ("password", password)]).await
}

#[tokio::test]
async fn changing_the_password_keeps_this_browser_signed_in_and_ends_the_others() {
    let app = spawn_app().await;
    let (here, there) = (browser(), browser());
    sign_up(&app, &here, "ada@example.com").await;
    sign_in(&app, &there, PASSWORD).await;

    let form = [("current_password", "not my password"), ("password", NEW_PASSWORD)];
    let wrong = post(&app, &here, "password", &form).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.text().await.expect("body"), r#""wrong_credentials""#);
    let weak =
        post(&app, &here, "password", &[("current_password", PASSWORD), ("password", "short")]);
    assert_eq!(weak.await.text().await.expect("body"), r#""invalid/password/too_short/10""#);
    assert_eq!(viewer(&app, &there).await["kind"], "member", "nothing changed yet");

    let form = [("current_password", PASSWORD), ("password", NEW_PASSWORD)];
    let changed = post(&app, &here, "password", &form).await;
    assert!(changed.status().is_success(), "{}", changed.status());
    let cookies = set_cookies(changed.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=ey")), "{cookies:?}");
    assert_eq!(viewer(&app, &here).await["kind"], "member");
    call(&app, &here, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    assert_eq!(names(&app, &here).await, ["Owl"]);

    // The other browser is signed out at its next request.
    let (status, _) = call(&app, &there, "create", &[("emoji", "🦊"), ("name", "Fox")]).await;
    assert_eq!(status, 401);
    assert_eq!(sign_in(&app, &browser(), PASSWORD).await.status(), 401);
    assert!(sign_in(&app, &browser(), NEW_PASSWORD).await.status().is_success());
}

#[tokio::test]
async fn a_refused_password_change_without_javascript_says_why_at_the_field() {
    let app = spawn_app().await;
    sign_up(&app, &app.client, "ada@example.com").await;
    let form = [("current_password", "not my password"), ("password", NEW_PASSWORD)];
    let html =
        app.page_after(app.post_from_page("/api/account/password", "/account", &form).await).await;
    assert!(html.contains("That is not your current password."), "{html}");
    assert!(input_tag(&html, "current_password").contains("autofocus"), "{html}");

    let form = [("current_password", PASSWORD), ("password", NEW_PASSWORD)];
    let html =
        app.page_after(app.post_from_page("/api/account/password", "/account", &form).await).await;
    assert!(html.contains("Your password was changed."), "{html}");
}

#[tokio::test]
async fn deleting_the_account_asks_for_the_password_then_removes_everything() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    sign_up(&app, &app.client, "ada@example.com").await;
    create(&app, "🐶", "Rex").await;
    let email = Email::parse("ada@example.com").expect("valid");
    let ada = app.store.find_member_by_email(&email).await.expect("find").expect("a member");

    let wrong = post(&app, &app.client, "delete", &[("password", NEW_PASSWORD)]).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(names(&app, &app.client).await, ["Tom", "Rex"], "nothing deleted");

    let deleted = post(&app, &app.client, "delete", &[("password", PASSWORD)]).await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let cookies = set_cookies(deleted.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=; Max-Age=0;")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-guest=ey")), "{cookies:?}");
    assert!(app.store.find_member(ada.id).await.expect("find").is_none());
    assert!(app.store.list_avatars(ada.id).await.expect("list").is_empty());
    assert_eq!(viewer(&app, &app.client).await, json!({ "kind": "guest" }));
    assert!(names(&app, &app.client).await.is_empty(), "a new, empty guest");
    assert_eq!(sign_in(&app, &browser(), PASSWORD).await.status(), 401);
    // The email can make a new account.
    assert!(sign_up(&app, &browser(), "ada@example.com").await.status().is_success());
}

#[tokio::test]
async fn too_many_sign_ins_at_one_email_from_one_address_are_answered_429_until_the_window_ends() {
    let app = spawn_app_with(&[("AUTH_ATTEMPTS_PER_EMAIL_PER_IP", "3")]).await;
    sign_up(&app, &browser(), "ada@example.com").await;
    for _ in 0..3 {
        assert_eq!(sign_in(&app, &app.client, "a wrong guess").await.status(), 401);
    }
    let refused = sign_in(&app, &app.client, PASSWORD).await;
    assert_eq!(refused.status(), 429);
    let retry_after: i64 =
        refused.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(
        refused.text().await.expect("body"),
        format!(r#""too_many_requests/{retry_after}""#)
    );

    // Without JavaScript: the sentence above the button, the email kept — in the
    // refusal's cookie, never in the URL.
    let form = [("email", "ada@example.com"), ("password", PASSWORD)];
    let refused = app.post_from_page("/api/account/sign-in", "/signin", &form).await;
    assert_eq!(refused.headers()["location"], "/signin");
    let html = app.page_after(refused).await;
    assert!(html.contains("Too many attempts — try again in"), "{html}");
    assert!(input_tag(&html, "email").contains(r#"value="ada@example.com""#), "{html}");

    app.clock.advance(chrono::Duration::seconds(retry_after));
    assert!(sign_in(&app, &app.client, PASSWORD).await.status().is_success());
}

#[tokio::test]
async fn one_address_cannot_open_account_after_account() {
    let app = spawn_app_with(&[("AUTH_ATTEMPTS_PER_IP", "2")]).await;
    for email in ["a@example.com", "b@example.com"] {
        assert!(sign_up(&app, &browser(), email).await.status().is_success());
    }
    let third = sign_up(&app, &browser(), "c@example.com").await;
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn after_a_sign_out_a_copy_of_the_session_cookie_reaches_nothing() {
    let app = spawn_app().await;
    let (here, elsewhere) = (browser(), browser());
    let signed_up = sign_up(&app, &here, "ada@example.com").await;
    let cookies = set_cookies(signed_up.headers());
    let session = cookies.iter().find(|c| c.starts_with("__Host-session=")).expect("a session");
    let copy = session.split(';').next().expect("name=value").to_owned();
    call(&app, &here, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    sign_in(&app, &elsewhere, PASSWORD).await;

    post(&app, &here, "sign-out", &[]).await;
    // Someone who copied the cookie before the sign-out (a shared computer, say).
    let write = app
        .bare_client
        .post(app.url("/api/roster/create"))
        .header("cookie", &copy)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&[("emoji", "🦊"), ("name", "Fox")])
        .send()
        .await
        .expect("request");
    assert_eq!(write.status(), 401);
    let page = app.get_with_cookie("/", Some(&copy)).await.text().await.expect("body");
    assert!(page.contains("Your session has ended") && !page.contains("Owl"), "{page}");
    // The member's session in the other browser goes on.
    assert_eq!(names(&app, &elsewhere).await, ["Owl"]);
}

#[tokio::test]
async fn a_kept_email_in_a_crafted_refusal_is_only_ever_a_value() {
    use base64::{
        Engine,
        engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD},
    };
    let app = spawn_app().await;
    let error = URL_SAFE.encode(br#""wrong_credentials""#);
    let email = "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let refusal = format!("email={email}&__path=/api/account/sign-in&__err={error}");
    let cookie = format!("__Host-form={}", URL_SAFE_NO_PAD.encode(refusal));
    let page = app.get_with_cookie("/signin", Some(&cookie)).await;
    let html = page.text().await.expect("body");
    assert!(html.contains("Wrong email or password."), "the cookie is read as a refusal");
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(input_tag(&html, "email").contains("value=\"&quot;&gt;&lt;script&gt;"), "{html}");
}

/// The status of a sign-up sent with `forwarded` in `X-Forwarded-For`.
async fn sign_up_forwarded_for(app: &TestApp, forwarded: &str, email: &str) -> u16 {
    let form = [("email", email), ("password", PASSWORD), ("display_name", "")];
    let response = app
        .bare_client
        .post(app.url("/api/account/sign-up"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded)
        .form(&form)
        .send()
        .await
        .expect("request");
    response.status().as_u16()
}

#[tokio::test]
async fn a_forwarding_header_is_believed_only_when_configured() {
    // Not configured: a client writing another address in the header is still itself.
    let app = spawn_app_with(&[("AUTH_ATTEMPTS_PER_IP", "1")]).await;
    assert_eq!(sign_up_forwarded_for(&app, "198.51.100.1", "a@example.com").await, 200);
    assert_eq!(sign_up_forwarded_for(&app, "198.51.100.2", "b@example.com").await, 429);

    // Behind a proxy that sets it: each client has its own budget (the proxy's entry,
    // the last of the list, counts).
    let proxied = [("AUTH_ATTEMPTS_PER_IP", "1"), ("CLIENT_IP_HEADER", "X-Forwarded-For")];
    let app = spawn_app_with(&proxied).await;
    assert_eq!(sign_up_forwarded_for(&app, "10.0.0.9, 198.51.100.1", "a@example.com").await, 200);
    assert_eq!(sign_up_forwarded_for(&app, "198.51.100.2", "b@example.com").await, 200);
    assert_eq!(sign_up_forwarded_for(&app, "10.0.0.9, 198.51.100.1", "c@example.com").await, 429);
}

/// Sets a first password with the form, as a member whose session began at `signed_in`.
async fn set_first_password(
    app: &TestApp,
    member: &identity::account::Member,
    signed_in: chrono::DateTime<chrono::Utc>,
) -> reqwest::Response {
    app.bare_client
        .post(app.url("/api/account/set-password"))
        .header("accept", "text/html")
        .header("referer", app.url("/account"))
        .header("sec-fetch-site", "same-origin")
        .header("cookie", session_cookie(app, member, signed_in))
        .form(&[("password", NEW_PASSWORD)])
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_member_without_a_password_sets_one_after_a_recent_sign_in() {
    let app = spawn_app().await;
    let ada = passwordless_member(&app, "ada@example.com").await;
    let now = identity::Clock::now(&app.clock);
    let long_ago = now - identity::RECENT_SIGN_IN - chrono::Duration::seconds(1);
    let stale = set_first_password(&app, &ada, long_ago).await;
    assert!(!set_cookies(stale.headers()).iter().any(|c| c.starts_with("__Host-session=")));
    let unchanged = app.store.find_member(ada.id).await.expect("find").expect("ada");
    assert!(unchanged.password_hash.is_none(), "no password without a recent sign-in");
    assert_eq!(sign_in(&app, &browser(), NEW_PASSWORD).await.status(), 401);

    let set = set_first_password(&app, &ada, now).await;
    assert_eq!(set.headers()["location"], "/account");
    assert!(
        set_cookies(set.headers()).iter().any(|c| c.starts_with("__Host-notice=password_set;"))
    );
    assert!(set_cookies(set.headers()).iter().any(|c| c.starts_with("__Host-session=")));
    assert!(sign_in(&app, &browser(), NEW_PASSWORD).await.status().is_success());
    // With a password, it is changed with the current one, not set again.
    let ada = app.store.find_member(ada.id).await.expect("find").expect("ada");
    let again = set_first_password(&app, &ada, now).await;
    assert!(!set_cookies(again.headers()).iter().any(|c| c.starts_with("__Host-session=")));
    assert!(logged().contains("password_set"), "audited");
}

#[tokio::test]
async fn signing_in_to_another_account_ends_the_session_it_replaces() {
    let app = spawn_app().await;
    assert!(sign_up(&app, &browser(), "bob@example.com").await.status().is_success());
    let signed_up = sign_up(&app, &browser(), "ada@example.com").await;
    let ada = set_cookies(signed_up.headers())
        .into_iter()
        .find(|cookie| cookie.starts_with("__Host-session="))
        .map(|cookie| cookie.split(';').next().unwrap_or_default().to_owned())
        .expect("Ada's session");
    let as_ada = |path: &str| {
        app.bare_client
            .post(app.url(path))
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .header("cookie", &ada)
    };
    // In Ada's browser, Bob signs in.
    let form = [("email", "bob@example.com"), ("password", PASSWORD)];
    let switched = as_ada("/api/account/sign-in").form(&form).send().await.expect("answer");
    assert!(switched.status().is_success(), "{}", switched.status());
    // A copy of Ada's cookie, kept from before, writes nothing now.
    let fox = [("emoji", "🦊"), ("name", "Fox")];
    let write = as_ada("/api/roster/create").form(&fox).send().await.expect("answer");
    assert_eq!(write.status(), 401);
}

#[tokio::test]
async fn removing_a_way_to_sign_in_or_a_passwordless_account_needs_a_recent_sign_in() {
    use identity::{Clock, LinkStore, PasskeyStore, passkeys::*, providers::Link};
    let app = spawn_app().await;
    let ada = passwordless_member(&app, "ada@example.com").await;
    let link =
        Link { provider: "test".into(), issuer: "https://id.example".into(), subject: "a".into() };
    app.store.link_account(ada.id, link).await.expect("linked");
    let key = NewPasskey {
        credential_id: CredentialId::from_bytes(&[7; 16]).expect("valid"),
        name: PasskeyName::parse("Laptop").expect("valid"),
        credential: StoredCredential("{}".into()),
    };
    app.store.add_passkey(ada.id, key.clone(), MAX_PASSKEYS).await.expect("added");
    // A session that signed in 16 minutes ago: a thief's, say, with the cookie only.
    let stale = session_cookie(&app, &ada, app.clock.now() - chrono::Duration::minutes(16));
    let ask = |function: &str, form: &[(&str, &str)]| {
        app.bare_client
            .post(app.url(&format!("/api/account/{function}")))
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .header("cookie", &stale)
            .form(form)
            .send()
    };
    let id = key.credential_id.to_string();
    for (function, form) in [
        ("unlink", vec![("provider", "test")]),
        ("remove-passkey", vec![("credential_id", id.as_str())]),
        ("delete", vec![("password", "ada@example.com")]),
    ] {
        let refused = ask(function, &form).await.expect("answer");
        assert_eq!(refused.status(), 403, "{function}");
        assert_eq!(refused.text().await.expect("body"), r#""sign_in_again""#, "{function}");
    }
    assert_eq!(app.store.linked_accounts(ada.id).await.expect("links").len(), 1);
    assert_eq!(app.store.passkeys(ada.id).await.expect("passkeys").len(), 1);
    assert!(app.store.find_member(ada.id).await.expect("find").is_some());
    // The page says so, and offers none of them.
    let page = app.get_with_cookie("/account", Some(&stale)).await.text().await.expect("page");
    assert!(page.contains("needs a sign-in in the last 15 minutes"), "{page}");
    assert!(page.contains(r#"<button type="submit" disabled>Remove Laptop</button>"#), "{page}");
    assert!(page.contains(r#"disabled class="danger">Delete account</button>"#), "{page}");
    // Signed in just now, the same requests go through.
    let fresh = session_cookie(&app, &ada, app.clock.now());
    let removed = app
        .bare_client
        .post(app.url("/api/account/remove-passkey"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("cookie", &fresh)
        .form(&[("credential_id", id.as_str())])
        .send()
        .await
        .expect("answer");
    assert_eq!(removed.status(), 200);
    assert!(app.store.passkeys(ada.id).await.expect("passkeys").is_empty());
}
