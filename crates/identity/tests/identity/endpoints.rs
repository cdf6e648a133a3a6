//! The sign-in endpoints as an adopter mounts them, in-process: what they answer in
//! (codes, never sentences), the cookies they clear, and what they leave in the response's
//! extensions for the application's own layer. The full journeys (a real provider, a
//! browser's passkey) are the server's tests.

use std::sync::Arc;

use axum::{
    Router,
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
    response::Response,
};
use chrono::Duration;
use identity::{
    Identity, IdentityOptions, ManualClock, OwnerId, Refusal, Viewer,
    account::{Accounts, PasswordHasher},
    http::{PasskeyRefusal, ProviderRefusal},
    passkeys::{PasskeyPages, PasskeySignIn},
    providers::{
        Provider, ProviderOutcome, ProviderPages, ProviderSettings, ProviderSignIn, Providers,
    },
    testing::MemoryStore,
};
use tower::ServiceExt;

use crate::helpers::{SECRET, keys, start};

struct Parts {
    identity: Identity<MemoryStore>,
    accounts: Accounts<MemoryStore>,
}

fn parts() -> Parts {
    let clock = Arc::new(ManualClock::new(start()));
    let store = MemoryStore::new(clock.clone());
    let identity =
        Identity::new(keys(SECRET), store.clone(), clock.clone(), IdentityOptions::default());
    Parts { identity, accounts: Accounts::new(store, PasswordHasher::new()) }
}

fn providers(parts: &Parts) -> Router {
    let settings = ProviderSettings {
        id: "test".to_owned(),
        name: "Test ID".to_owned(),
        // Never asked: every request here is refused before discovery.
        issuer: "http://127.0.0.1:9/".to_owned(),
        client_id: "guestroom".to_owned(),
        client_secret: "secret".to_owned(),
    };
    ProviderSignIn {
        providers: Providers::new(vec![Provider::new(settings).expect("valid settings")]),
        keys: keys(SECRET),
        identity: parts.identity.clone(),
        accounts: parts.accounts.clone(),
        pages: ProviderPages {
            start: "/auth/{provider}/start",
            callback: "/auth/{provider}/callback",
            sign_in: "/signin",
            account: "/account",
            signed_in: "/",
            public_origin: Some("https://guestroom.example".to_owned()),
        },
    }
    .router()
}

fn passkeys(parts: &Parts) -> Router {
    PasskeySignIn {
        party: None,
        keys: keys(SECRET),
        identity: parts.identity.clone(),
        accounts: parts.accounts.clone(),
        pages: PasskeyPages {
            add: "/auth/passkey/add",
            sign_up: "/auth/passkey/signup",
            sign_in: "/auth/passkey/signin",
            finish: "/auth/passkey/finish",
            signed_in: "/",
            account: "/account",
        },
    }
    .router()
}

/// `request` as `viewer` (the identity middleware's work, done here by hand).
async fn send(router: Router, method: &str, path: &str, viewer: Viewer) -> Response {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .expect("request");
    request.extensions_mut().insert(viewer);
    router.oneshot(request).await.expect("answered")
}

fn cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().expect("ascii").to_owned())
        .collect()
}

fn guest() -> Viewer {
    Viewer::Guest { sid: OwnerId::random() }
}

#[tokio::test]
async fn a_callback_this_browser_did_not_start_goes_back_with_a_code_and_changes_nothing() {
    let parts = parts();
    let response =
        send(providers(&parts), "GET", "/auth/test/callback?code=c&state=s", guest()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/signin");
    let cookies = cookies(&response);
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-provider-refusal=test/provider/expired;")),
        "{cookies:?}"
    );
    assert!(cookies.iter().any(|c| c.starts_with("__Host-signin-flow=;")), "flow cleared");
    let refused = Refusal::Provider(ProviderRefusal::Expired);
    assert_eq!(
        response.extensions().get::<ProviderOutcome>(),
        Some(&ProviderOutcome::Refused(refused))
    );
}

#[tokio::test]
async fn a_link_needs_a_recent_sign_in_and_is_refused_back_to_the_account_page() {
    let parts = parts();
    let signed_in = start() - Duration::hours(2);
    let member = Viewer::Member {
        user_id: OwnerId::random(),
        auth_time: signed_in,
        version: 1,
        session: Some(identity::SessionId::random()),
    };
    let response = send(providers(&parts), "POST", "/auth/test/start", member).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/account");
    assert!(
        cookies(&response)
            .iter()
            .any(|c| c.starts_with("__Host-provider-refusal=test/sign_in_again;"))
    );
}

#[tokio::test]
async fn an_unknown_provider_is_not_found() {
    let parts = parts();
    let response = send(providers(&parts), "POST", "/auth/nobody/start", guest()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.extensions().get::<ProviderOutcome>().is_none());
}

#[tokio::test]
async fn passkey_refusals_are_a_code_with_its_status_and_the_ceremony_cookie_cleared() {
    let parts = parts();
    let response = send(passkeys(&parts), "POST", "/auth/passkey/signin", guest()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "no relying party: not offered");
    let refused = Refusal::Passkey(PasskeyRefusal::NotOffered);
    assert_eq!(response.extensions().get::<Refusal>(), Some(&refused));
    assert!(cookies(&response).iter().any(|c| c.starts_with("__Host-passkey=;")));
    let body = to_bytes(response.into_body(), 1024).await.expect("body");
    assert_eq!(body, r#"{"error":"passkey/not_offered"}"#, "the code alone: no sentence");
}
