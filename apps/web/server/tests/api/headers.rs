//! Security headers: a page's Content-Security-Policy with a fresh nonce on its scripts,
//! a policy that allows nothing on every other answer, and the headers every response
//! carries.

use crate::helpers::{spawn_app, spawn_app_with};

/// The value of the `nonce-…` source in a policy.
fn nonce_of(policy: &str) -> &str {
    let start = policy.find("'nonce-").expect("a nonce source") + "'nonce-".len();
    let end = policy[start..].find('\'').expect("closed") + start;
    &policy[start..end]
}

#[tokio::test]
async fn a_page_allows_only_its_own_scripts_and_cannot_be_framed() {
    let app = spawn_app().await;
    let page = app.get("/").await;
    let policy = page.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    for directive in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} missing from {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let html = page.text().await.expect("body");
    let nonce = nonce_of(&policy).to_owned();
    assert!(nonce.len() >= 22, "at least 128 bits: {nonce}");
    // Every inline script on the page carries it; none without.
    let scripts = html.matches("<script").count();
    assert!(
        scripts > 0 && html.matches(&format!("nonce=\"{nonce}\"")).count() >= scripts,
        "{html}"
    );

    let again = app.get("/signin").await;
    let other = again.headers()["content-security-policy"].to_str().expect("ascii");
    let other = nonce_of(other).to_owned();
    assert_ne!(other, nonce, "a fresh nonce per response");
    let html = again.text().await.expect("body");
    assert!(html.contains(&format!("<script nonce=\"{other}\">for(const b")), "{html}");
}

#[tokio::test]
async fn every_answer_carries_the_headers_and_personal_ones_are_never_stored() {
    let app = spawn_app().await;
    let json = app
        .client
        .post(app.url("/api/roster/list"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .send()
        .await
        .expect("request");
    for response in
        [app.get("/").await, json, app.get("/no-such-page").await, app.get("/healthz").await]
    {
        let headers = response.headers();
        let url = response.url().path().to_owned();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{url}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .is_ok_and(|p| p.contains("frame-ancestors 'none'")),
            "{url}"
        );
        assert_eq!(headers["cache-control"], "private, no-store", "{url}");
        assert!(!headers.contains_key("strict-transport-security"), "not in development: {url}");
    }
    let api = app
        .client
        .post(app.url("/api/roster/list"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("request");
    assert!(
        api.headers()["content-security-policy"]
            .to_str()
            .is_ok_and(|p| p.starts_with("default-src 'none'"))
    );
}

#[tokio::test]
async fn in_production_browsers_are_told_to_use_https_only() {
    let app = spawn_app_with(&[("APP_ENV", "production")]).await;
    let page = app.get("/").await;
    assert_eq!(page.headers()["strict-transport-security"], "max-age=63072000; includeSubDomains");
}

#[tokio::test]
async fn a_form_reply_never_sends_the_browser_to_another_site() {
    let app = spawn_app().await;
    // A plain form post (no Sec-Fetch-Site, no Origin: a script's) naming another site
    // as the page it came from; the name is refused, and Leptos answers "back to the
    // Referer".
    for referer in ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"] {
        let response = app
            .client
            .post(app.url("/api/roster/create"))
            .header("accept", "text/html")
            .header("referer", referer)
            .form(&[("emoji", "🐱"), ("name", "")])
            .send()
            .await
            .expect("request");
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(response.headers()["location"], "/", "{referer}");
    }
    // Our own page stays the target, the error for it in a cookie (`app::server::form`).
    let ours =
        app.post_from_page("/api/roster/create", "/", &[("emoji", "🐱"), ("name", "")]).await;
    assert_eq!(ours.headers()["location"], "/");
    let cookies = crate::helpers::set_cookies(ours.headers());
    assert!(cookies.iter().any(|c| c.starts_with("__Host-form=")), "{cookies:?}");
}

#[tokio::test]
async fn a_request_for_another_host_is_refused_and_mints_nothing() {
    let app = spawn_app().await;
    let ask = |host: &'static str, path: &'static str| {
        app.bare_client
            .get(app.url(path))
            .header("host", host)
            .header("accept", "application/json")
            .send()
    };
    // DNS rebinding: a name the attacker controls, pointed at this server.
    let refused = ask("evil.example", "/").await.expect("request");
    assert_eq!(refused.status(), 400);
    assert!(!refused.headers().contains_key("set-cookie"));
    assert_eq!(refused.text().await.expect("body"), r#""bad_request""#);
    assert_eq!(ask("evil.example:80", "/api/viewer").await.expect("request").status(), 400);
    // Loopback names and the health checks (asked by address) answer.
    assert_eq!(ask("localhost:3000", "/").await.expect("request").status(), 200);
    assert_eq!(ask("evil.example", "/healthz").await.expect("request").status(), 200);
    // An absolute-form target naming an allowed host does not let another `Host` in.
    let address = app.address.trim_start_matches("http://").to_owned();
    let target = format!("http://{address}/");
    assert_eq!(raw_get(&app, &target, "evil.example").await, "400");
    assert_eq!(raw_get(&app, &target, &address).await, "200");
}

/// The status code a raw HTTP/1.1 `GET target` with `Host: host` is answered with.
async fn raw_get(app: &crate::helpers::TestApp, target: &str, host: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let head = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).await.expect("an answer");
    String::from_utf8_lossy(&answer[9..12]).into_owned()
}

/// Pages and replies go out compressed once: in brotli when the client takes it (quality
/// 0), else in gzip (quality 1 — at 0, gzip stores and the answer grows), said in `Vary`.
#[tokio::test]
async fn answers_are_compressed_once_in_brotli_when_accepted_else_in_gzip() {
    let app = spawn_app().await;
    let fetch = |accepted: &'static str| {
        app.client.get(app.url("/")).header("accept-encoding", accepted).send()
    };
    let plain = fetch("identity").await.expect("request").bytes().await.expect("body").len();
    for (accepted, encoding) in [
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("gzip, deflate, br, zstd", Some("br")),
        ("identity", None),
    ] {
        let response = fetch(accepted).await.expect("request");
        let headers = response.headers().clone();
        let said = headers.get("content-encoding").map(|value| value.to_str().expect("ascii"));
        assert_eq!(said, encoding, "{accepted}");
        let varies = headers.get_all("vary").iter();
        let varies =
            varies.filter(|value| value.as_bytes().eq_ignore_ascii_case(b"accept-encoding"));
        assert_eq!(varies.count(), 1, "{accepted}: {headers:?}");
        let body = response.bytes().await.expect("body");
        match encoding {
            Some(_) => assert!(body.len() < plain / 2, "{accepted}: {} of {plain} B", body.len()),
            None => assert_eq!(body.len(), plain),
        }
        if encoding == Some("gzip") {
            assert_eq!(body[..2], [0x1f, 0x8b], "a gzip stream");
        }
    }
}
