//! What the server answers at its edge, before the app runs: oversized bodies, in the
//! app's typed error; and redirects, which may only lead back to this origin.

use app::error::ApiError;
use axum::{
    extract::Request,
    http::{
        HeaderMap, HeaderValue, StatusCode,
        header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION},
    },
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Requests larger than this are refused with 413 before any handler runs: nothing in
/// Guestroom needs more than a few kilobytes.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// Refuses a request whose declared body is over [`MAX_REQUEST_BODY_BYTES`] with 413 and
/// the typed error, before anything reads it. (A body that declares no length is still
/// cut off at the limit by `DefaultBodyLimit`, and then fails to decode: a 400.)
pub async fn refuse_oversized(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BODY_BYTES) {
        return refusal(request.headers(), ApiError::TooLarge);
    }
    next.run(request).await
}

/// Keeps every redirect on this origin. Leptos answers a plain form post by sending the
/// browser back to the request's `Referer`, a header the client chooses: a script could
/// make the app redirect to any site. A `Location` that is not a path here, or a URL of
/// this host, becomes `/`.
pub async fn own_origin_redirects(request: Request, next: Next) -> Response {
    let host = request.headers().get(HOST).and_then(|host| host.to_str().ok()).map(str::to_owned);
    let mut response = next.run(request).await;
    let location = response.headers().get(LOCATION).and_then(|l| l.to_str().ok());
    if let Some(location) = location
        && let local = local_target(location, host.as_deref())
        && local != location
    {
        let safe = HeaderValue::from_str(&local).unwrap_or(HeaderValue::from_static("/"));
        response.headers_mut().insert(LOCATION, safe);
    }
    response
}

/// `location` as a path on this origin: a path stays (not `//host`, which leaves it);
/// an absolute URL of `host` becomes its path; anything else is `/`.
fn local_target(location: &str, host: Option<&str>) -> String {
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
/// shape every server function's errors have), a plain sentence otherwise.
fn refusal(headers: &HeaderMap, error: ApiError) -> Response {
    let status = error.status().and_then(|s| StatusCode::from_u16(s).ok());
    let status = status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if identity::http::accepts_json(headers) {
        let body = serde_json::to_string(&error).unwrap_or_default();
        (status, [(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body)
            .into_response()
    } else {
        (status, error.to_string()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::local_target;

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
        ] {
            assert_eq!(local_target(location, host), expected, "{location}");
        }
    }
}
