//! What the server answers at its edge, around the app: unknown hosts, oversized bodies,
//! slow answers and panics, in the app's typed error; and redirects, which may only lead
//! back to this origin.

use app::error::ApiError;
use identity::providers::ProviderOutcome;
use std::time::Duration;

use axum::{
    body::Body,
    extract::Request,
    http::{
        HeaderMap, HeaderValue, StatusCode,
        header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION, RETRY_AFTER, SET_COOKIE},
    },
    response::{IntoResponse, Response},
};

/// Requests larger than this are refused with 413 before any handler runs: nothing in
/// Guestroom needs more than a few kilobytes.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// Refuses a request whose declared body is over [`MAX_REQUEST_BODY_BYTES`] with 413 and
/// the typed error, before anything reads it. (A body that declares no length is still
/// cut off at the limit by `DefaultBodyLimit`, and then fails to decode: a 400.)
pub async fn refuse_oversized(
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BODY_BYTES) {
        return refusal(request.headers(), ApiError::TooLarge);
    }
    next(request).await
}

/// Refuses (400) a request whose host is not one of `allowed` (`Config::host_names`):
/// a page served under a name an attacker controls (DNS rebinding) or links built from
/// a forged `Host` never happen. Before the identity layer, so a refused request mints
/// nothing. The health checks and `/metrics` answer whatever the host: a load balancer
/// and a scraper ask by address.
pub async fn refuse_unknown_hosts(
    allowed: &[String],
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    if crate::paths::PROBES.contains(&request.uri().path()) {
        return next(request).await;
    }
    // The URI's host (HTTP/2, absolute-form) and the `Host` header's, IPv6 in brackets
    // either way, as the allowed names are written. Both, when both are there: the rest of
    // the server (redirects, the cross-site guard, provider callbacks) reads `Host`.
    let header = request.headers().get(HOST).map(|host| host.to_str().map(host_name));
    let named: Vec<Option<&str>> =
        request.uri().host().map(Some).into_iter().chain(header.map(Result::ok)).collect();
    let known = !named.is_empty()
        && named.iter().all(|host| {
            host.is_some_and(|host| allowed.iter().any(|name| name.eq_ignore_ascii_case(host)))
        });
    if known { next(request).await } else { refusal(request.headers(), ApiError::BadRequest) }
}

/// The host name of a `Host` value, without its port (`[::1]:3000` → `[::1]`).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// A handler that panics answers 500 with the typed error (`"unavailable"`, which the
/// browser's client reads as a fault on our side), never a dropped connection. The panic
/// itself is printed by the panic hook; this logs that a request ended in one.
pub async fn contain_panics(
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    use futures::FutureExt;
    let json = identity::http::accepts_json(request.headers());
    match std::panic::AssertUnwindSafe(next(request)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!("a request handler panicked");
            typed(json, StatusCode::INTERNAL_SERVER_ERROR, &ApiError::Unavailable)
        }
    }
}

/// The whole answer within `limit` (`REQUEST_TIMEOUT_SECS`): a request still running then
/// (a database that stopped answering, a body trickling in) is answered 503 with the
/// typed error, and its work is dropped.
pub async fn deadline(
    limit: Duration,
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let json = identity::http::accepts_json(request.headers());
    match tokio::time::timeout(limit, next(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(?limit, "a request ran past its deadline");
            typed(json, StatusCode::SERVICE_UNAVAILABLE, &ApiError::Unavailable)
        }
    }
}

/// Keeps every redirect on this origin. Leptos answers a plain form post by sending the
/// browser back to the request's `Referer`, a header the client chooses: a script could
/// make the app redirect to any site. A `Location` that is not a path here, or a URL of
/// this host, becomes `/` — unless the response is a provider flow's start
/// (`ProviderOutcome::Started`: identity's endpoint sending the browser to a configured
/// provider, at a URL it made). A redirect back from a refused form post loses its query
/// to a cookie (`app::server::carry_refusal`): the page's URL stays clean.
pub async fn own_origin_redirects(
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let host = request.headers().get(HOST).cloned();
    let mut response = next(request).await;
    if response.extensions().get::<ProviderOutcome>() == Some(&ProviderOutcome::Started) {
        return response;
    }
    let location = response.headers().get(LOCATION).and_then(|l| l.to_str().ok());
    if let Some(location) = location
        && let local = local_target(location, host.as_ref().and_then(|h| h.to_str().ok()))
        && local != location
    {
        let safe = HeaderValue::from_str(&local).unwrap_or(HeaderValue::from_static("/"));
        response.headers_mut().insert(LOCATION, safe);
    }
    let location = response.headers().get(LOCATION).and_then(|l| l.to_str().ok());
    if let Some((page, cookie)) = location.and_then(app::server::carry_refusal) {
        let page = HeaderValue::from_str(&page).unwrap_or(HeaderValue::from_static("/"));
        response.headers_mut().insert(LOCATION, page);
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// `location` as a path on this origin: a path stays (not `//host`, which leaves it);
/// an absolute URL of `host` becomes its path; anything else is `/`. Browsers drop tabs
/// and line breaks from a URL before reading it (`/<TAB>/evil.example` is
/// `//evil.example` to them), so a location with any is judged without them.
fn local_target(location: &str, host: Option<&str>) -> String {
    if location.contains(['\t', '\n', '\r']) {
        let read: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        return local_target(&read, host);
    }
    if location.starts_with('/') && !location.starts_with("//") && !location.starts_with("/\\") {
        return location.to_owned();
    }
    let rest = location.strip_prefix("http://").or_else(|| location.strip_prefix("https://"));
    let Some(rest) = rest else { return "/".to_owned() };
    let (authority, path) = rest.find('/').map_or((rest, "/"), |at| rest.split_at(at));
    if Some(authority) == host && !path.starts_with("//") {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

/// An error answered at the edge, before the app: JSON for clients that accept it (the
/// shape every server function's errors have), a plain sentence otherwise; with
/// `Retry-After` when the error says when.
pub(crate) fn refusal(headers: &HeaderMap, error: ApiError) -> Response {
    let json = identity::http::accepts_json(headers);
    let status = error.status().and_then(|s| StatusCode::from_u16(s).ok());
    let mut response = typed(json, status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &error);
    if let ApiError::TooManyRequests { retry_after: Some(seconds) } = error {
        response.headers_mut().insert(RETRY_AFTER, seconds.into());
    }
    response
}

/// Says the identity layer's refusals (a write with a revoked session, a cross-site write)
/// in the app's words: the same status, code and cookies, and for a client that does not
/// read JSON (a form post) the app's sentence for the code instead of the identity
/// crate's default. Outside the identity layer and the cross-site guard.
pub async fn in_our_words(
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let json = identity::http::accepts_json(request.headers());
    let mut response = next(request).await;
    let Some(refusal) = response.extensions().get::<identity::Refusal>().copied() else {
        return response;
    };
    if let (false, Ok(error)) = (json, ApiError::try_from(refusal.code())) {
        *response.body_mut() = Body::from(error.to_string());
        let text = HeaderValue::from_static("text/plain; charset=utf-8");
        response.headers_mut().insert(CONTENT_TYPE, text);
        response.headers_mut().remove(CONTENT_LENGTH);
    }
    response
}

/// `error` with `status`: its code as JSON (`json`), or its sentence.
fn typed(json: bool, status: StatusCode, error: &ApiError) -> Response {
    if json {
        let body = serde_json::to_string(error).unwrap_or_default();
        (status, [(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body)
            .into_response()
    } else {
        (status, error.to_string()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;

    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_the_typed_error() {
        for (accept, body) in [
            ("application/json", "\"unavailable\""),
            ("text/html", "Something went wrong on our side. Please try again."),
        ] {
            let request = Request::get("/boom").header("accept", accept).body(Body::empty());
            let handler = async |_: Request| -> Response { panic!("a bug") };
            let response = contain_panics(request.expect("request"), handler).await;
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
            let bytes = axum::body::to_bytes(response.into_body(), 1024).await.expect("body");
            assert_eq!(bytes, body.as_bytes());
        }
    }

    #[test]
    fn a_host_name_loses_its_port() {
        for (host, name) in [
            ("127.0.0.1:3000", "127.0.0.1"),
            ("[::1]:3000", "[::1]"),
            ("[::1]", "[::1]"),
            ("guestroom.example", "guestroom.example"),
        ] {
            assert_eq!(host_name(host), name);
        }
    }

    #[test]
    fn only_this_origin_is_a_redirect_target() {
        let host = Some("app.example");
        for (location, expected) in [
            ("/signin?__err=x", "/signin?__err=x"),
            ("http://app.example/account?a=1", "/account?a=1"),
            ("https://app.example", "/"),
            ("https://evil.example/phish", "/"),
            ("https://app.example.evil.example/", "/"),
            ("//evil.example/", "/"),
            ("/\\evil.example/", "/"),
            ("javascript:alert(1)", "/"),
            ("https://app.example//evil.example/", "/"),
            ("/\t/evil.example/", "/"),
            ("/\n/evil.example", "/"),
            ("/\r\n/\\evil.example", "/"),
            ("/account\t?a=1", "/account?a=1"),
        ] {
            assert_eq!(local_target(location, host), expected, "{location}");
        }
    }
}
