//! Sign-in with an OpenID Connect provider over HTTP, against the real provider that
//! `scripts/test.sh` starts (`GUESTROOM_TEST_OIDC_ISSUER`): what starting a flow sends,
//! and every callback refused before the provider is asked anything. (The journeys that
//! go through the provider's pages are the browser tests'.)

use identity::SessionStore;
use reqwest::{StatusCode, Url};

use crate::helpers::{
    TestApp, cookie_value, logged, passwordless_member, session_cookie, set_cookies, spawn_app_with,
};

fn issuer() -> String {
    std::env::var("GUESTROOM_TEST_OIDC_ISSUER")
        .expect("GUESTROOM_TEST_OIDC_ISSUER must be set: scripts/test.sh starts the provider")
}

/// An app with the test provider as `test`, and the same provider once more as `other`.
async fn app_with_providers() -> TestApp {
    let issuer = issuer();
    spawn_app_with(&[
        ("OIDC_PROVIDERS", "test,other"),
        ("OIDC_TEST_ISSUER", &issuer),
        ("OIDC_TEST_CLIENT_ID", "guestroom"),
        ("OIDC_TEST_CLIENT_SECRET", "guestroom-test-client-secret"),
        ("OIDC_TEST_NAME", "Test ID"),
        ("OIDC_OTHER_ISSUER", &issuer),
        ("OIDC_OTHER_CLIENT_ID", "guestroom"),
        ("OIDC_OTHER_CLIENT_SECRET", "guestroom-test-client-secret"),
    ])
    .await
}

/// A flow started by the app's cookie-keeping client, a guest: the provider URL it was
/// sent to, the flow's `Set-Cookie`, and the guest's cookie when this was its first page.
async fn start(app: &TestApp, provider: &str) -> (Url, String, Option<String>) {
    let page = app.get("/signin").await;
    let guest = set_cookies(page.headers())
        .into_iter()
        .find(|c| c.starts_with("__Host-guest="))
        .map(|c| format!("__Host-guest={}", cookie_value(&c)));
    let response = app.post_from_page(&format!("/auth/{provider}/start"), "/signin", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().expect("ascii");
    let url = Url::parse(location).expect("an absolute URL");
    let flow = set_cookies(response.headers())
        .into_iter()
        .find(|cookie| cookie.starts_with("__Host-signin-flow="))
        .expect("a flow cookie");
    (url, flow, guest)
}

/// "Link Test ID" as the member whose session cookie is `session` (a `Cookie` pair).
async fn start_as(app: &TestApp, session: &str) -> reqwest::Response {
    app.bare_client
        .post(app.url("/auth/test/start"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .header("cookie", session)
        .send()
        .await
        .expect("request")
}

/// A link started as the member whose session cookie is `session`: the flow's `state`
/// and its cookie as a `Cookie` pair.
async fn link_started(app: &TestApp, session: &str) -> (String, String) {
    let started = start_as(app, session).await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let url = Url::parse(started.headers()["location"].to_str().expect("ascii")).expect("url");
    let flow = set_cookies(started.headers())
        .into_iter()
        .find(|cookie| cookie.starts_with("__Host-signin-flow="))
        .expect("a flow cookie");
    (param(&url, "state"), format!("__Host-signin-flow={}", cookie_value(&flow)))
}

fn param(url: &Url, name: &str) -> String {
    url.query_pairs().find(|(key, _)| key == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The refusal a redirect carries to its page (`__Host-provider-refusal`): `provider/code`.
fn refusal(set_cookies: &[String]) -> Option<String> {
    let cookie = set_cookies.iter().find(|c| c.starts_with("__Host-provider-refusal="))?;
    Some(cookie_value(cookie).to_owned())
}

/// The callback as `cookies` (a `Cookie` header) send it, and where it sends the browser.
async fn callback(
    app: &TestApp,
    provider: &str,
    query: &str,
    cookies: &str,
) -> (String, Vec<String>) {
    let path = format!("/auth/{provider}/callback?{query}");
    let response = app.get_with_cookie(&path, Some(cookies)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().expect("ascii").to_owned();
    (location, set_cookies(response.headers()))
}

#[tokio::test]
async fn starting_a_flow_sends_the_browser_to_the_provider_with_pkce_state_and_nonce_sealed_in_a_cookie()
 {
    let app = app_with_providers().await;
    let (url, flow, _) = start(&app, "test").await;
    assert_eq!(url.as_str().split('?').next(), Some(format!("{}/auth", issuer()).as_str()));
    assert_eq!(param(&url, "response_type"), "code");
    assert_eq!(param(&url, "client_id"), "guestroom");
    assert_eq!(param(&url, "code_challenge_method"), "S256");
    assert_eq!(param(&url, "redirect_uri"), app.url("/auth/test/callback"));
    assert_eq!(param(&url, "scope"), "openid email profile");
    let (state, nonce) = (param(&url, "state"), param(&url, "nonce"));
    assert!(state.len() >= 16 && nonce.len() >= 16, "{state} {nonce}");
    assert!(param(&url, "code_challenge").len() >= 43);
    assert!(flow.ends_with("; Max-Age=600; Path=/; Secure; HttpOnly; SameSite=Lax"), "{flow}");
    let sealed = cookie_value(&flow);
    assert!(!sealed.contains(&state) && !sealed.contains(&nonce), "sealed, not readable");

    // Each flow is new.
    let (again, ..) = start(&app, "test").await;
    assert_ne!(param(&again, "state"), state);

    // Started as the very first request, the flow comes with the guest it belongs to.
    let first = app
        .bare_client
        .post(app.url("/auth/test/start"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("request");
    let cookies = set_cookies(first.headers());
    let names: Vec<&str> = cookies.iter().filter_map(|c| c.split('=').next()).collect();
    assert_eq!(names, ["__Host-signin-flow", "__Host-guest"], "{cookies:?}");
}

#[tokio::test]
async fn the_sign_in_page_shows_the_providers_and_lets_its_forms_go_to_them() {
    let app = app_with_providers().await;
    let page = app.get("/signin").await;
    let policy = page.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    let origin = Url::parse(&issuer()).expect("URL").origin().ascii_serialization();
    // Two providers at one issuer: its origin once.
    assert!(policy.contains(&format!("form-action 'self' {origin};")), "{policy}");
    let html = page.text().await.expect("body");
    assert!(html.contains(r#"action="/auth/test/start""#), "{html}");
    assert!(html.contains("Continue with Test ID") && html.contains("Continue with Other"));

    // Without providers, no button and no origin beyond ours.
    let plain = crate::helpers::spawn_app().await.get("/signin").await;
    let policy = plain.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(policy.contains("form-action 'self';"), "{policy}");
    assert!(!plain.text().await.expect("body").contains("Continue with"));
}

#[tokio::test]
async fn a_page_on_another_site_cannot_start_a_flow() {
    let app = app_with_providers().await;
    let response = app
        .client
        .post(app.url("/auth/test/start"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(set_cookies(response.headers()).iter().all(|c| !c.starts_with("__Host-signin-flow")));
    let unknown = app.post_from_page("/auth/nobody/start", "/signin", &[]).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn callbacks_this_browser_did_not_start_are_refused_before_the_provider_is_asked() {
    let app = app_with_providers().await;
    let (url, flow, guest) = start(&app, "test").await;
    let (state, guest) = (param(&url, "state"), guest.expect("a new guest"));
    let flow = format!("__Host-signin-flow={}", cookie_value(&flow));
    let expired = ("/signin".to_owned(), Some("test/provider/expired".to_owned()));
    // A made-up code: had any of these reached the provider, it would answer `rejected`.
    let cases = [
        ("no flow cookie", format!("code=x&state={state}"), guest.clone()),
        ("another state", "code=x&state=other".to_owned(), format!("{guest}; {flow}")),
        ("no state", "code=x".to_owned(), format!("{guest}; {flow}")),
        ("another guest", format!("code=x&state={state}"), flow.clone()),
    ];
    for (case, query, cookies) in cases {
        let (location, set) = callback(&app, "test", &query, &cookies).await;
        assert_eq!((location, refusal(&set)), expired, "{case}");
        assert!(
            set.iter().any(|c| c.starts_with("__Host-signin-flow=; Max-Age=0")),
            "{case}: the flow cookie is cleared: {set:?}"
        );
    }
    // A flow started for one provider does not finish at another.
    let (location, set) =
        callback(&app, "other", &format!("code=x&state={state}"), &format!("{guest}; {flow}"))
            .await;
    assert_eq!(
        (location.as_str(), refusal(&set).as_deref()),
        ("/signin", Some("other/provider/expired"))
    );
    // Ten minutes later the flow is over.
    app.clock.advance(chrono::Duration::minutes(10));
    let (location, set) =
        callback(&app, "test", &format!("code=x&state={state}"), &format!("{guest}; {flow}")).await;
    assert_eq!((location, refusal(&set)), expired);
    assert!(logged().contains("provider_callback"), "refusals are audited");
}

#[tokio::test]
async fn an_answer_naming_another_issuer_or_an_error_changes_nothing() {
    let app = app_with_providers().await;
    let (url, flow, guest) = start(&app, "test").await;
    let (state, guest) = (param(&url, "state"), guest.expect("a new guest"));
    let cookies = format!("{guest}; __Host-signin-flow={}", cookie_value(&flow));
    let mix_up = format!("code=x&state={state}&iss=https%3A%2F%2Fevil.example");
    let said = |(location, set): (String, Vec<String>)| (location, refusal(&set));
    let at_sign_in = |code: &str| ("/signin".to_owned(), Some(format!("test/provider/{code}")));
    assert_eq!(said(callback(&app, "test", &mix_up, &cookies).await), at_sign_in("rejected"));
    // Refused for naming another issuer, before its code went to the provider (which
    // would refuse this made-up code too).
    assert!(logged().contains("the answer names another issuer"), "{}", logged());
    let cancelled = format!("error=access_denied&state={state}");
    assert_eq!(said(callback(&app, "test", &cancelled, &cookies).await), at_sign_in("cancelled"));
    // A code the provider never issued is refused by the provider.
    let forged = format!("code=forged&state={state}");
    assert_eq!(said(callback(&app, "test", &forged, &cookies).await), at_sign_in("rejected"));
}

#[tokio::test]
async fn a_crafted_error_writes_no_line_of_its_own_and_a_bad_query_no_rejection_text() {
    let app = app_with_providers().await;
    let (url, flow, guest) = start(&app, "test").await;
    let (state, guest) = (param(&url, "state"), guest.expect("a new guest"));
    let cookies = format!("{guest}; __Host-signin-flow={}", cookie_value(&flow));
    // `access_denied`, a line break, and what looks like an audit line.
    let forged = "access_denied%0Aforged-audit-line%20event%3Dsign_in%20outcome%3Dsuccess";
    let query = format!("error={forged}&state={state}");
    let (location, set) = callback(&app, "test", &query, &cookies).await;
    assert_eq!(
        (location.as_str(), refusal(&set)),
        ("/signin", Some("test/provider/cancelled".into()))
    );
    let logs = logged();
    assert!(logs.contains("unrecognised"), "the refusal is logged, its text replaced: {logs}");
    assert!(!logs.lines().any(|line| line.starts_with("forged-audit-line")), "{logs}");
    assert!(!logs.contains("forged-audit-line"), "the provider's text is not logged at all");
    // A query axum cannot read (a field twice) is refused like any bad callback.
    let twice = format!("state={state}&state={state}&code=x");
    let (location, set) = callback(&app, "test", &twice, &cookies).await;
    assert_eq!(
        (location.as_str(), refusal(&set)),
        ("/signin", Some("test/provider/expired".into()))
    );
}

#[tokio::test]
async fn a_link_callback_goes_on_only_for_the_member_who_started_it() {
    let app = app_with_providers().await;
    let now = identity::Clock::now(&app.clock);
    let ada = passwordless_member(&app, "ada@example.com").await;
    let bob = passwordless_member(&app, "bob@example.com").await;
    let (ada, bob) = (session_cookie(&app, &ada, now), session_cookie(&app, &bob, now));
    let (state, flow) = link_started(&app, &ada).await;
    let query = format!("code=x&state={state}");
    // Bob with Ada's flow: refused before the provider is asked.
    let (_, set) = callback(&app, "test", &query, &format!("{bob}; {flow}")).await;
    assert_eq!(refusal(&set).as_deref(), Some("test/provider/expired"));
    // Ada's own goes on to the provider, which refuses this made-up code.
    let (_, set) = callback(&app, "test", &query, &format!("{ada}; {flow}")).await;
    assert_eq!(refusal(&set).as_deref(), Some("test/provider/rejected"));
}

#[tokio::test]
async fn a_link_whose_member_session_has_ended_since_is_refused_before_the_provider_is_asked() {
    let app = app_with_providers().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let session = session_cookie(&app, &member, identity::Clock::now(&app.clock));
    let (state, flow) = link_started(&app, &session).await;
    let cookies = format!("{session}; {flow}");
    // Signed out everywhere while at the provider (the session cookie lives on).
    app.store.bump_session_version(member.id).await.expect("sign out everywhere");
    let query = format!("code=x&state={state}");
    let (location, set) = callback(&app, "test", &query, &cookies).await;
    assert_eq!(
        (location.as_str(), refusal(&set).as_deref()),
        ("/account", Some("test/provider/expired"))
    );
}

#[tokio::test]
async fn linking_a_provider_needs_a_sign_in_in_the_last_fifteen_minutes() {
    let app = app_with_providers().await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let now = identity::Clock::now(&app.clock);
    let signed_in = now - identity::RECENT_SIGN_IN - chrono::Duration::seconds(1);
    let session = session_cookie(&app, &member, signed_in);
    let started = start_as(&app, &session).await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let location = started.headers()["location"].to_str().expect("ascii");
    let flows = set_cookies(started.headers());
    assert_eq!(
        (location, refusal(&flows).as_deref()),
        ("/account", Some("test/sign_in_again")),
        "back to the account page, the refusal in a cookie rather than the URL"
    );
    assert!(
        flows.iter().filter(|c| c.starts_with("__Host-signin-flow=")).all(|c| c.contains("=;")),
        "no flow begins: {flows:?}"
    );
}

#[tokio::test]
async fn a_refusal_is_said_once_from_its_cookie_and_never_from_the_url() {
    let app = app_with_providers().await;
    let said = "This sign-in with Test ID was not started in this browser";
    let page =
        app.get_with_cookie("/signin", Some("__Host-provider-refusal=test/provider/expired")).await;
    let cleared = set_cookies(page.headers());
    let alert = "<p role=\"alert\" class=\"error\">";
    assert!(page.text().await.expect("body").contains(&format!("{alert}{said}")));
    assert!(
        cleared.iter().any(|c| c.starts_with("__Host-provider-refusal=; Max-Age=0")),
        "said once: {cleared:?}"
    );
    // The codes the URL used to carry say nothing: a link cannot make the page speak.
    let linked = app.get_with_cookie("/signin?provider=test&provider_error=expired", None).await;
    assert!(!linked.text().await.expect("body").contains(said));
    // Nor does an unknown code, or a provider that is not configured name itself.
    let forged =
        app.get_with_cookie("/signin", Some("__Host-provider-refusal=test/provider/pwned")).await;
    assert!(!forged.text().await.expect("body").contains(alert));
    let unknown =
        app.get_with_cookie("/signin", Some("__Host-provider-refusal=evil/provider/expired")).await;
    assert!(unknown.text().await.expect("body").contains("This sign-in with the provider was not"));
}

/// Every refusal a flow can come back with: the page says the app's sentence for its
/// code, with the provider's name where the sentence has one.
#[tokio::test]
async fn each_refusal_code_is_said_in_the_apps_words() {
    use app::error::{ApiError, ProviderProblem};
    let app = app_with_providers().await;
    let cases = [
        ("provider/expired", "This sign-in with Test ID was not started in this browser"),
        ("provider/cancelled", "Signing in with Test ID was cancelled. Nothing was changed."),
        ("provider/unavailable", "Test ID could not be reached."),
        ("provider/rejected", "Test ID's answer could not be verified"),
        ("provider/no_verified_email", "Test ID did not share a verified email address"),
        ("provider/email_has_account", "An account with the email of your Test ID account"),
        ("provider/taken", "That Test ID account is linked to another account"),
        ("sign_in_again", "changing how you sign in or deleting your account needs a sign-in"),
        ("too_many_requests/120", "Too many attempts — try again in 2 minutes."),
        ("unavailable", "Something went wrong on our side."),
    ];
    for (code, said) in cases {
        let cookie = format!("__Host-provider-refusal=test/{code}");
        let page = app.get_with_cookie("/signin", Some(&cookie)).await;
        let body = page.text().await.expect("body");
        assert!(body.contains(said), "{code}: {said:?} not on the page");
        let refusal = ApiError::try_from(code.to_owned()).expect("one of the app's codes");
        if let ApiError::Provider(problem) = refusal {
            assert!(ProviderProblem::sentence(problem, "Test ID").starts_with(said), "{code}");
        }
    }
}
