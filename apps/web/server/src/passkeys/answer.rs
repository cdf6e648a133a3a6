//! How the passkey endpoints answer the page's script: JSON, `{"to": …}` where to go
//! next, or a refusal `{"error": code, "message": sentence}`: the app's error code (what
//! the script decides by: which field to say it at) and the app's sentence for it (the
//! script carries no sentences of its own). Every answer clears the ceremony cookie, so a
//! ceremony is used once.

use app::error::{ApiError, PasskeyProblem};
use axum::{
    Json,
    http::{HeaderValue, header::SET_COOKIE},
    response::{IntoResponse, Response},
};
use identity::{
    account::{AccountError, InvalidInput, LinkProblem},
    http::cookies::clear_cookie,
    passkey::{CEREMONY_COOKIE, PasskeyError},
};
use serde_json::json;

/// Why a passkey ceremony did not happen; nothing was changed.
#[derive(Debug)]
pub struct Refusal(pub ApiError);

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Refusal(error)
    }
}

impl From<PasskeyProblem> for Refusal {
    fn from(problem: PasskeyProblem) -> Self {
        Refusal(ApiError::Passkey(problem))
    }
}

impl From<PasskeyError> for Refusal {
    fn from(error: PasskeyError) -> Self {
        tracing::info!(
            target: identity::audit::TARGET,
            event = "passkey_ceremony",
            outcome = "refused",
            reason = %error,
        );
        Refusal::from(match error {
            PasskeyError::Ceremony(_) => PasskeyProblem::Expired,
            PasskeyError::Rejected(_) => PasskeyProblem::Rejected,
            PasskeyError::Unknown => PasskeyProblem::Unknown,
        })
    }
}

/// Input the account rules refused, said at its field.
impl From<InvalidInput> for Refusal {
    fn from(invalid: InvalidInput) -> Self {
        Refusal(app::server::account_invalid(invalid))
    }
}

impl From<AccountError<persistence::StoreError>> for Refusal {
    fn from(error: AccountError<persistence::StoreError>) -> Self {
        match error {
            AccountError::Link(LinkProblem::Taken) => Refusal::from(PasskeyProblem::Taken),
            AccountError::Link(LinkProblem::TooManyPasskeys) => Refusal::from(too_many()),
            other => Refusal(app::server::account_error(other)),
        }
    }
}

/// The member holds the most passkeys an account may.
pub fn too_many() -> PasskeyProblem {
    PasskeyProblem::TooMany { max: identity::account::MAX_PASSKEYS.try_into().unwrap_or(u32::MAX) }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let Refusal(error) = self;
        let body = json!({ "error": String::from(error.clone()), "message": error.to_string() });
        let mut response =
            crate::edge::answered(&error, |status| (status, Json(body)).into_response());
        response.headers_mut().append(SET_COOKIE, clear_cookie(CEREMONY_COOKIE));
        response
    }
}

/// The ceremony's options for the browser, with the cookie that holds its state.
pub fn options(options: serde_json::Value, ceremony: HeaderValue) -> Response {
    let mut response = Json(options).into_response();
    response.headers_mut().append(SET_COOKIE, ceremony);
    response
}

/// Done: where the page goes next, with `cookies` set (a sign-in's session) and the
/// ceremony cookie cleared.
pub fn done(to: &str, cookies: impl IntoIterator<Item = HeaderValue>) -> Response {
    let mut response = Json(json!({ "to": to })).into_response();
    for cookie in cookies.into_iter().chain([clear_cookie(CEREMONY_COOKIE)]) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}
