//! The traffic limits, attacked: a script that writes as a new guest per request, a client
//! that writes without pause, a revoked session written with in a loop, a flood past the
//! cap on requests in flight.

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use identity::{Clock, SessionStore};

use crate::{
    helpers::{
        TestApp, logged, passwordless_member, session_cookie, set_cookies, spawn_app_with,
        wait_until,
    },
    roster::{call, names},
};

/// A client that keeps its cookies: one guest.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("client")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    let value = response.headers().get("retry-after").expect("Retry-After");
    value.to_str().expect("ascii").parse().expect("seconds")
}

#[tokio::test]
async fn a_script_that_writes_as_a_new_guest_per_request_is_refused_and_gets_no_guest() {
    let app = spawn_app_with(&[("NEW_GUESTS_PER_MINUTE_PER_IP", "3")]).await;
    let fox = [("emoji", "🦊"), ("name", "Fox")];
    // A visitor who keeps the cookie is a new guest once.
    assert_eq!(app.get("/").await.status(), 200);
    for _ in 0..3 {
        let (status, body) = call(&app, &browser(), "create", &fox).await;
        assert_eq!(status, 200, "{body}");
    }
    let refused = app
        .bare_client
        .post(app.url("/api/roster/create"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&fox)
        .send()
        .await
        .expect("answer");
    assert_eq!(refused.status(), 429);
    assert!((1..=60).contains(&retry_after(&refused)));
    assert!(set_cookies(refused.headers()).is_empty(), "a refused request mints no guest");
    assert!(logged().contains("new_guests_per_ip"), "the refusal is in the audit log");
    // The visitor with a cookie goes on.
    let (status, body) =
        call(&app, &app.client, "create", &[("emoji", "🦊"), ("name", "Fox")]).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn ipv4_clients_of_a_dual_stack_listener_each_have_their_own_budget() {
    // `BIND_ADDRESS=::` takes IPv4 connections as `::ffff:a.b.c.d`; each IPv4 client is
    // still its own address, never one bucket for the whole IPv4 internet. Two clients on
    // loopback: 127.0.0.1 and 127.0.0.2.
    let settings = [("BIND_ADDRESS", "::"), ("NEW_GUESTS_PER_MINUTE_PER_IP", "1")];
    let app = spawn_app_with(&settings).await;
    let port = app.address.rsplit(':').next().expect("a port");
    let url = format!("http://127.0.0.1:{port}/api/roster/create");
    let write_from = |last: u8| {
        let local = std::net::IpAddr::from([127, 0, 0, last]);
        let client = reqwest::Client::builder().local_address(local).build().expect("client");
        let request = client
            .post(&url)
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .form(&[("emoji", "🦊"), ("name", "Fox")]);
        async move { request.send().await.expect("answer").status() }
    };
    assert_eq!(write_from(1).await, 200);
    assert_eq!(write_from(1).await, 429, "127.0.0.1's new-guest budget is spent");
    assert_eq!(write_from(2).await, 200, "127.0.0.2 has a budget of its own");
}

#[tokio::test]
async fn page_views_past_the_new_guest_budget_still_get_the_page() {
    // An office, a carrier's NAT or a crawler: many cookie-less visitors behind one address.
    let app = spawn_app_with(&[("NEW_GUESTS_PER_MINUTE_PER_IP", "3")]).await;
    for _ in 0..10 {
        let response = app.get_with_cookie("/", None).await;
        assert_eq!(response.status(), 200);
        assert!(response.text().await.expect("body").contains("data-guest="));
    }
}

#[tokio::test]
async fn writes_with_a_revoked_session_meet_the_address_limit_before_the_database() {
    let app = spawn_app_with(&[("WRITES_PER_MINUTE_PER_IP", "3")]).await;
    let member = passwordless_member(&app, "ada@example.com").await;
    let cookie = session_cookie(&app, &member, app.clock.now());
    app.store.bump_session_version(member.id).await.expect("sign out everywhere");
    let write = || {
        app.bare_client
            .post(app.url("/api/roster/create"))
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .header("cookie", &cookie)
            .form(&[("emoji", "🦊"), ("name", "Fox")])
            .send()
    };
    for _ in 0..3 {
        assert_eq!(write().await.expect("answer").status(), 401);
    }
    for _ in 0..5 {
        assert_eq!(write().await.expect("answer").status(), 429, "refused before the session read");
    }
}

#[tokio::test]
async fn a_guest_that_writes_without_pause_is_refused_and_nothing_more_is_stored() {
    let app = spawn_app_with(&[("WRITES_PER_MINUTE_PER_OWNER", "3")]).await;
    let guest = browser();
    for name in ["One", "Two", "Three"] {
        let (status, body) = call(&app, &guest, "create", &[("emoji", "🦊"), ("name", name)]).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = call(&app, &guest, "create", &[("emoji", "🦊"), ("name", "Four")]).await;
    assert_eq!(status, 429);
    assert!(body.as_str().is_some_and(|code| code.starts_with("too_many_requests")), "{body}");
    // Reads are not writes, and another guest has its own budget.
    assert_eq!(names(&app, &guest).await, ["One", "Two", "Three"]);
    let (status, _) = call(&app, &browser(), "create", &[("emoji", "🐙"), ("name", "Other")]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn one_address_writing_as_many_guests_is_refused() {
    let app = spawn_app_with(&[("WRITES_PER_MINUTE_PER_IP", "2")]).await;
    for expected in [200, 200, 429] {
        let (status, body) =
            call(&app, &browser(), "create", &[("emoji", "🦊"), ("name", "Fox")]).await;
        assert_eq!(status, expected, "{body}");
    }
}

#[tokio::test]
async fn past_the_cap_on_requests_in_flight_requests_are_shed_at_once() {
    let app = spawn_app_with(&[("MAX_REQUESTS_IN_FLIGHT", "1")]).await;
    // A write whose body never finishes holds the one place.
    let mut held = open_slow_post(&app).await;
    let shed = app.get_with_cookie("/", None).await;
    assert_eq!(shed.status(), 503);
    assert_eq!(shed.headers()["retry-after"], "1");
    // The health checks are never shed.
    assert_eq!(app.get_with_cookie("/healthz", None).await.status(), 200);
    // Once it is answered, the next request is served.
    held.write_all(b"y").await.expect("rest of the body");
    let mut answer = [0u8; 12];
    held.read_exact(&mut answer).await.expect("an answer");
    assert!(answer.starts_with(b"HTTP/1.1"), "{}", String::from_utf8_lossy(&answer));
    drop(held);
    let served = wait_for(|| app.get_with_cookie("/", None)).await;
    assert_eq!(served, 200);
}

#[tokio::test]
async fn one_network_holds_at_most_a_quarter_of_the_places_in_flight() {
    // Eight places: two per network. Two slow writes from 127.0.0.1 hold its two.
    let app = spawn_app_with(&[("MAX_REQUESTS_IN_FLIGHT", "8")]).await;
    let _held = [open_slow_post(&app).await, open_slow_post(&app).await];
    assert_eq!(app.get_with_cookie("/", None).await.status(), 503, "127.0.0.1's share is taken");
    let port = app.address.rsplit(':').next().expect("a port");
    let elsewhere = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .expect("client");
    let page = elsewhere.get(format!("http://127.0.0.1:{port}/")).send().await.expect("answer");
    assert_eq!(page.status(), 200, "another network still has places");
}

/// A POST to a server function whose declared body is one byte longer than what is sent.
pub async fn open_slow_post(app: &TestApp) -> TcpStream {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST /api/roster/create HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2\r\n\r\nx"
    );
    let places = app.state.limits.places_left();
    stream.write_all(head.as_bytes()).await.expect("send");
    // Once the server has read the headers, the request holds a place in flight while it
    // waits for the body.
    let in_flight = || app.state.limits.places_left() < places;
    wait_until("the server to read the slow request's headers", in_flight).await;
    stream
}

/// The status of `request`, retried for up to two seconds until it is not a 503.
async fn wait_for<F: std::future::Future<Output = reqwest::Response>>(
    request: impl Fn() -> F,
) -> u16 {
    for _ in 0..20 {
        let status = request().await.status().as_u16();
        if status != 503 {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    503
}
