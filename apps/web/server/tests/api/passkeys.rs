//! The passkey endpoints over HTTP: what starting a ceremony sends and seals, and every
//! finish refused before any account is touched. (Making and using real passkeys is the
//! browser tests' job, with Chromium's virtual authenticator.)

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Duration;
use identity::{Clock, OwnerId, PasskeyStore};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, cookie_value, passwordless_member, session_cookie, set_cookies, spawn_app,
};

/// A JSON post as the pages' script sends it, with exactly `cookie`.
async fn post(app: &TestApp, path: &str, body: Value, cookie: &str) -> reqwest::Response {
    app.bare_client
        .post(app.url(path))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("cookie", cookie)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request")
}

/// A new guest's cookie (`name=value`).
async fn guest(app: &TestApp) -> String {
    let page = app.get_with_cookie("/signin", None).await;
    let set = set_cookies(page.headers());
    let guest = set.iter().find(|c| c.starts_with("__Host-guest=")).expect("a guest cookie");
    format!("__Host-guest={}", cookie_value(guest))
}

/// The `Set-Cookie` of the ceremony in `response`.
fn ceremony_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookies(response.headers()).into_iter().find(|c| c.starts_with("__Host-passkey="))
}

/// Starts a sign-in as `guest`; returns the options and the ceremony as a `Cookie` pair.
async fn start_sign_in(app: &TestApp, guest: &str) -> (Value, String) {
    let response = post(app, "/auth/passkey/signin", json!({}), guest).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = ceremony_cookie(&response).expect("a ceremony cookie");
    let ceremony = format!("__Host-passkey={}", cookie_value(&cookie));
    (json_of(response).await, ceremony)
}

/// A refusal: its status, its code with the app's sentence for it (what the page's script
/// says), and that it set no session and cleared the ceremony.
async fn refused(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let cookies = set_cookies(response.headers());
    assert!(!cookies.iter().any(|c| c.starts_with("__Host-session=")), "{cookies:?}");
    let cleared =
        cookies.iter().any(|c| c.starts_with("__Host-passkey=;") && c.contains("Max-Age=0"));
    assert!(cleared, "the ceremony is cleared: {cookies:?}");
    let body = json_of(response).await;
    let code = body["error"].as_str().expect("a code").to_owned();
    let error = app::error::ApiError::try_from(code).expect("one of the app's codes");
    assert_eq!(error.status(), Some(status.as_u16()), "{body}");
    assert_eq!(body["message"], error.to_string(), "the app's sentence for the code");
    body
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_str(&response.text().await.expect("body")).expect("json")
}

/// A credential as a browser sends it, made up: `user` is the member it claims to be.
fn forged_assertion(user: OwnerId) -> Value {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    json!({
        "id": b64(&[7; 16]),
        "rawId": b64(&[7; 16]),
        "type": "public-key",
        "extensions": {},
        "response": {
            "clientDataJSON": b64(br#"{"type":"webauthn.get","challenge":"AAAA","origin":"http://localhost"}"#),
            "authenticatorData": b64(&[0; 37]),
            "signature": b64(&[1; 64]),
            "userHandle": b64(user.as_uuid().as_bytes()),
        },
    })
}

#[tokio::test]
async fn a_sign_in_starts_with_options_for_any_passkey_and_a_sealed_short_lived_ceremony() {
    let app = spawn_app().await;
    let guest = guest(&app).await;
    let response = post(&app, "/auth/passkey/signin", json!({}), &guest).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = ceremony_cookie(&response).expect("a ceremony cookie");
    for attribute in ["Max-Age=300", "Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    let options: Value = json_of(response).await;
    let key = &options["publicKey"];
    assert_eq!(key["rpId"], "localhost");
    assert_eq!(key["userVerification"], "required");
    assert!(key["challenge"].as_str().is_some_and(|c| c.len() >= 43), "{options}");
    assert!(key.get("allowCredentials").is_none_or(|c| c.as_array().is_some_and(Vec::is_empty)));
    assert!(options.get("mediation").is_none(), "the page chooses: {options}");
    assert!(!cookie.contains(key["challenge"].as_str().expect("challenge")), "sealed, not plain");
    // The pages tell their script where passkeys work.
    let page = app.get_with_cookie("/signin", Some(&guest)).await.text().await.expect("body");
    assert!(page.contains(r#"data-passkey-rp="localhost""#), "{page}");
}

#[tokio::test]
async fn a_passkey_sign_up_checks_the_email_before_the_browser_makes_a_passkey() {
    let app = spawn_app().await;
    let guest = guest(&app).await;
    let start = |body| post(&app, "/auth/passkey/signup", body, &guest);
    let invalid =
        refused(start(json!({"email": "ada"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(invalid["error"], "invalid/email/malformed");
    assert_eq!(invalid["message"], "Enter an email address like name@example.com.");
    let long_name = json!({"email": "ada@example.com", "display_name": "a".repeat(81)});
    let invalid = refused(start(long_name).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(invalid["error"], "invalid/display_name/too_long/80");

    passwordless_member(&app, "taken@example.com").await;
    let taken =
        refused(start(json!({"email": "Taken@Example.com"})).await, StatusCode::CONFLICT).await;
    assert_eq!(taken["error"], "conflict/email_taken");
    assert!(taken["message"].as_str().is_some_and(|m| m.contains("already exists")), "{taken}");

    let response = start(json!({"email": "ada@example.com", "display_name": ""})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(ceremony_cookie(&response).is_some());
    let options: Value = json_of(response).await;
    let key = &options["publicKey"];
    assert_eq!(key["user"]["name"], "ada@example.com");
    assert_eq!(key["user"]["displayName"], "ada", "the email's local part, as at sign-up");
    assert_eq!(key["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(key["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(key["rp"]["id"], "localhost");
}

#[tokio::test]
async fn a_sign_up_finishes_only_as_the_account_it_started_with_and_only_once() {
    let app = &spawn_app().await;
    let ada = guest(app).await;
    let start = || async {
        let body = json!({"email": "ada@example.com", "display_name": "Ada"});
        let started = post(app, "/auth/passkey/signup", body, &ada).await;
        let ceremony = ceremony_cookie(&started).expect("a ceremony cookie");
        format!("{ada}; __Host-passkey={}", cookie_value(&ceremony))
    };
    let finish = |account: Value, cookies: String| async move {
        let answer = json!({"id": 1, "account": account});
        post(app, "/auth/passkey/finish", answer, &cookies).await
    };
    // Another email than the ceremony's: refused before the credential is looked at.
    let eve = json!({"email": "eve@example.com", "display_name": "Ada"});
    let other = refused(finish(eve, start().await).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(other["error"], "passkey/expired");
    // Its own account goes on to the credential (made up here, so refused as one).
    let own = json!({"email": "ada@example.com", "display_name": "Ada"});
    let cookies = start().await;
    let checked = refused(finish(own.clone(), cookies.clone()).await, StatusCode::BAD_REQUEST);
    assert_eq!(checked.await["error"], "passkey/rejected");
    // The same ceremony again: finished already, whatever it carries.
    let again = refused(finish(own, cookies).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(again["error"], "passkey/expired");
}

#[tokio::test]
async fn a_finish_without_this_browsers_ceremony_signs_in_no_one() {
    let app = spawn_app().await;
    let (ada, eve) = (guest(&app).await, guest(&app).await);
    let answer = forged_assertion(OwnerId::random());
    // No ceremony at all.
    let none = post(&app, "/auth/passkey/finish", answer.clone(), &ada).await;
    let none = refused(none, StatusCode::BAD_REQUEST).await;
    assert_eq!(none["error"], "passkey/expired");
    assert!(none["message"].as_str().is_some_and(|m| m.contains("not started in this browser")));
    // Ada's ceremony, sent by another guest (a stolen cookie, a crafted request).
    let (_, ceremony) = start_sign_in(&app, &ada).await;
    let stolen_cookies = format!("{eve}; {ceremony}");
    let stolen = post(&app, "/auth/passkey/finish", answer.clone(), &stolen_cookies).await;
    assert_eq!(refused(stolen, StatusCode::BAD_REQUEST).await, none);
    // Ada's own, too late.
    app.clock.advance(Duration::minutes(5));
    let late = post(&app, "/auth/passkey/finish", answer, &format!("{ada}; {ceremony}")).await;
    assert_eq!(refused(late, StatusCode::BAD_REQUEST).await, none);
}

#[tokio::test]
async fn a_made_up_passkey_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let ada = guest(&app).await;
    let (_, ceremony) = start_sign_in(&app, &ada).await;
    let cookies = format!("{ada}; {ceremony}");
    let unknown = post(&app, "/auth/passkey/finish", forged_assertion(OwnerId::random()), &cookies);
    let unknown = refused(unknown.await, StatusCode::BAD_REQUEST).await;
    assert_eq!(unknown["error"], "passkey/unknown");
    assert!(unknown["message"].as_str().is_some_and(|m| m.contains("not registered here")));
    // A ceremony finishes once: the next answer needs a ceremony of its own.
    let (_, ceremony) = start_sign_in(&app, &ada).await;
    let cookies = format!("{ada}; {ceremony}");
    let unreadable = post(&app, "/auth/passkey/finish", json!({"id": 1}), &cookies).await;
    let unreadable = refused(unreadable, StatusCode::BAD_REQUEST).await;
    assert_eq!(unreadable["error"], "passkey/rejected");
    assert!(unreadable["message"].as_str().is_some_and(|m| m.contains("could not be verified")));
}

#[tokio::test]
async fn only_guests_sign_in_or_up_and_only_members_add_passkeys() {
    let app = spawn_app().await;
    let ada = guest(&app).await;
    let add =
        refused(post(&app, "/auth/passkey/add", json!({}), &ada).await, StatusCode::UNAUTHORIZED)
            .await;
    assert_eq!(add["error"], "signed_out");
    assert!(add["message"].as_str().is_some_and(|m| m.contains("session has ended")), "{add}");
    let member = passwordless_member(&app, "ada@example.com").await;
    let session = session_cookie(&app, &member, app.clock.now());
    for path in ["/auth/passkey/signin", "/auth/passkey/signup"] {
        let body = json!({"email": "bob@example.com"});
        let refusal = refused(post(&app, path, body, &session).await, StatusCode::CONFLICT).await;
        assert_eq!(refusal["error"], "conflict/signed_in");
        assert!(refusal["message"].as_str().is_some_and(|m| m.contains("You are signed in")));
    }
    let long = json!({"name": "n".repeat(51)});
    let named = refused(
        post(&app, "/auth/passkey/add", long, &session).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(named["error"], "invalid/name/too_long/50", "said at the passkey's name");
    assert_eq!(named["message"], "Name can be at most 50 characters long.");
    let response = post(&app, "/auth/passkey/add", json!({"name": "Laptop"}), &session).await;
    assert_eq!(response.status(), StatusCode::OK);
    let options: Value = json_of(response).await;
    let handle = URL_SAFE_NO_PAD.encode(member.id.as_uuid().as_bytes());
    assert_eq!(options["publicKey"]["user"]["id"], handle, "the member's id is the user handle");
}

#[tokio::test]
async fn a_cross_site_page_cannot_start_a_ceremony() {
    let app = spawn_app().await;
    let ada = guest(&app).await;
    let response = app
        .bare_client
        .post(app.url("/auth/passkey/signin"))
        .header("sec-fetch-site", "cross-site")
        .header("cookie", ada)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(ceremony_cookie(&response).is_none());
}

#[tokio::test]
async fn passkeys_are_made_for_the_public_origin_and_not_offered_in_production_without_one() {
    let app = crate::helpers::spawn_app_with(&[
        ("APP_ENV", "production"),
        ("PUBLIC_ORIGIN", "https://guestroom.example"),
    ])
    .await;
    let ada = guest(&app).await;
    let (options, _) = start_sign_in(&app, &ada).await;
    assert_eq!(options["publicKey"]["rpId"], "guestroom.example");

    let app = crate::helpers::spawn_app_with(&[("APP_ENV", "production")]).await;
    let page = app.get_with_cookie("/signin", None).await.text().await.expect("body");
    assert!(!page.contains("data-passkey"), "no passkey button");
    let ada = guest(&app).await;
    let refusal = post(&app, "/auth/passkey/signin", json!({}), &ada).await;
    let refusal = refused(refusal, StatusCode::NOT_FOUND).await;
    assert_eq!(refusal["error"], "passkey/not_offered");
    assert_eq!(refusal["message"], "Passkeys are not offered here.");
}

#[tokio::test]
async fn adding_a_passkey_needs_a_sign_in_in_the_last_fifteen_minutes() {
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let now = app.clock.now();
    let session =
        session_cookie(&app, &member, now - identity::RECENT_SIGN_IN - Duration::seconds(1));
    let add = post(&app, "/auth/passkey/add", json!({"name": "Thief's key"}), &session).await;
    let refusal = refused(add, StatusCode::FORBIDDEN).await;
    assert_eq!(refusal["error"], "sign_in_again");
    let page = app.get_with_cookie("/account", Some(&session)).await.text().await.expect("body");
    assert!(page.contains("needs a sign-in in the last 15 minutes"), "{page}");
    assert!(!page.contains("Add a passkey"), "{page}");

    let recent = session_cookie(&app, &member, now);
    let page = app.get_with_cookie("/account", Some(&recent)).await.text().await.expect("body");
    assert!(page.contains("Add a passkey") && !page.contains("needs a sign-in in the last"));
}

#[tokio::test]
async fn a_member_holding_the_most_passkeys_is_told_to_remove_one_first() {
    use identity::passkeys::{
        CredentialId, MAX_PASSKEYS, NewPasskey, PasskeyName, StoredCredential,
    };
    let app = spawn_app().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    for n in 0..MAX_PASSKEYS {
        let n = u8::try_from(n).expect("a few");
        let key = NewPasskey {
            credential_id: CredentialId::from_bytes(&[n; 16]).expect("valid"),
            name: PasskeyName::parse(&format!("Key {n}")).expect("valid"),
            credential: StoredCredential(format!("{{\"key\":{n}}}")),
        };
        app.store.add_passkey(member.id, key, MAX_PASSKEYS).await.expect("stored");
    }
    let session = session_cookie(&app, &member, app.clock.now());
    let add = post(&app, "/auth/passkey/add", json!({"name": "One more"}), &session).await;
    let refusal = refused(add, StatusCode::CONFLICT).await;
    assert_eq!(refusal["error"], format!("passkey/too_many/{MAX_PASSKEYS}"));
    assert_eq!(
        refusal["message"],
        format!("An account can hold {MAX_PASSKEYS} passkeys. Remove one to add another.")
    );
}
