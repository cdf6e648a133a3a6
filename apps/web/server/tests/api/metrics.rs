//! `/metrics`: what it counts, and who may read it.

use identity::{MemberStore, account::Email};

use crate::{
    accounts::{PASSWORD, sign_up},
    helpers::{logged, spawn_app, spawn_app_with},
    roster::create,
};

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_for_a_local_scraper() {
    let app = spawn_app().await;
    app.get("/").await;
    app.get_with_cookie("/no-such-page", None).await;
    let response = app.get_with_cookie("/metrics", None).await;
    assert_eq!(response.status(), 200);
    assert!(set_cookie_free(&response), "metrics carry no identity");
    let text = response.text().await.expect("body");
    for expected in [
        r#"guestroom_http_requests_total{route="/",status="200"}"#,
        r#"status="404""#,
        "guestroom_http_request_duration_seconds_bucket{route=\"/\",le=\"0.005\"}",
        r#"guestroom_db_pool_connections{state="idle"}"#,
        "guestroom_guests_minted_total",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert!(!text.contains("no-such-page"), "raw paths never become labels");
}

#[tokio::test]
async fn metrics_are_not_served_to_a_remote_client_without_the_token() {
    // Behind a proxy that names the client in a header, as in production.
    let settings = [("CLIENT_IP_HEADER", "X-Forwarded-For"), ("METRICS_TOKEN", "scrape-me-42")];
    let app = spawn_app_with(&settings).await;
    let scrape = |authorization: Option<&'static str>| {
        let mut request =
            app.bare_client.get(app.url("/metrics")).header("x-forwarded-for", "192.0.2.7");
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        request.send()
    };
    assert_eq!(scrape(None).await.expect("answer").status(), 404);
    assert_eq!(scrape(Some("Bearer wrong-token-42")).await.expect("answer").status(), 404);
    assert_eq!(scrape(Some("Bearer scrape-me-42")).await.expect("answer").status(), 200);
}

#[tokio::test]
async fn a_forged_first_forwarding_line_does_not_make_a_remote_client_local() {
    // The client writes `127.0.0.1`; the proxy (HAProxy) adds its own line after it.
    let app = spawn_app_with(&[("CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let forged = app
        .bare_client
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "127.0.0.1")
        .header("x-forwarded-for", "192.0.2.7")
        .send()
        .await
        .expect("answer");
    assert_eq!(forged.status(), 404);
    // A proxy that is not trusted is not believed at all: this request is the peer's own.
    let app = spawn_app_with(&[
        ("CLIENT_IP_HEADER", "X-Forwarded-For"),
        ("TRUSTED_PROXIES", "10.0.0.0/8"),
    ])
    .await;
    let untrusted =
        app.bare_client.get(app.url("/metrics")).header("x-forwarded-for", "192.0.2.7").send();
    assert_eq!(untrusted.await.expect("answer").status(), 200, "the loopback peer is local");
}

#[tokio::test]
async fn sign_ins_and_the_avatars_they_bring_along_are_audited_without_secrets() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    create(&app, "🐶", "Rex").await;
    let email = "audited.member@example.com";
    assert_eq!(sign_up(&app, &app.client, email).await.status(), 200);
    let parsed = Email::parse(email).expect("valid");
    let member = app.store.find_member_by_email(&parsed).await.expect("find").expect("member");
    let member = member.id.to_string();
    let logged = logged();
    let line = logged
        .lines()
        .find(|line| line.contains(&member) && line.contains("sign_up"))
        .unwrap_or_else(|| panic!("an audit line for {member} in\n{logged}"));
    assert!(line.contains("success"), "{line}");
    let merged = logged
        .lines()
        .find(|line| line.contains(&member) && line.contains("guest_merged"))
        .unwrap_or_else(|| panic!("the merge's audit line for {member} in\n{logged}"));
    assert!(merged.contains("avatars=2"), "{merged}");
    assert!(!logged.contains(email) && !logged.contains(PASSWORD), "no email, no password");
}

fn set_cookie_free(response: &reqwest::Response) -> bool {
    response.headers().get("set-cookie").is_none()
}
