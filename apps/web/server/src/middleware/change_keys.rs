//! A plain form's idempotency key, moved to where the island sends it: the roster's
//! server functions read a change's key from the `Idempotency-Key` header only
//! (`app::roster::once`), and a post without JavaScript carries it in a hidden
//! `idempotency_key` field. Only roster changes sent as forms without the header are
//! read here, within the body limit.

use app::roster::once::{KEY_FIELD, KEY_HEADER};
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{HeaderValue, Method, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};

use super::edge::MAX_REQUEST_BODY_BYTES;

/// Where the roster's changes are posted.
const ROSTER_CHANGES: &str = "/api/roster/";

pub async fn from_form(request: Request, next: impl AsyncFnOnce(Request) -> Response) -> Response {
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"application/x-www-form-urlencoded"));
    if request.method() != Method::POST
        || !request.uri().path().starts_with(ROSTER_CHANGES)
        || !is_form
        || request.headers().contains_key(KEY_HEADER)
    {
        return next(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_REQUEST_BODY_BYTES).await else {
        return super::edge::refusal(&parts.headers, app::error::ApiError::TooLarge)
            .into_response();
    };
    let key = form_urlencoded::parse(&bytes).find(|(name, _)| name == KEY_FIELD);
    if let Some((_, key)) = key {
        // A key that is no header value is sent on as an empty one: refused (400).
        let value = HeaderValue::from_str(&key).unwrap_or(HeaderValue::from_static(""));
        parts.headers.insert(KEY_HEADER, value);
    }
    next(Request::from_parts(parts, Body::from(bytes))).await
}
