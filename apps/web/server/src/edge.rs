//! What the server answers at its edge, before the app runs: oversized bodies, in the
//! app's typed error.

use app::error::ApiError;
use axum::{
    extract::Request,
    http::{
        HeaderMap, HeaderValue, StatusCode,
        header::{CONTENT_LENGTH, CONTENT_TYPE},
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
