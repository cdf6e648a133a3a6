//! How the passkey endpoints answer the page's script: JSON, `{"to": …}` where to go
//! next, or `{"message": …, "field": …}` with the sentence to show and the id of the
//! field it is about (none: next to the passkey button). Every answer clears the
//! ceremony cookie, so a ceremony is used once.

use app::error::{ApiError, Field};
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header::SET_COOKIE},
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
pub enum Refusal {
    /// A refusal the app already has words for (input, a taken email, too many
    /// attempts, signed out, a fault).
    Api(ApiError),
    /// Not started in this browser (or by this visitor), used already, or too slow.
    Expired,
    /// The browser's answer did not verify.
    Rejected,
    /// The passkey is not registered here.
    Unknown,
    /// The passkey is registered already.
    Taken,
    /// The member has the most passkeys an account may hold.
    TooMany,
    /// This deployment offers no passkeys (production without `PUBLIC_ORIGIN`).
    NotOffered,
    /// Adding a passkey needs a recent sign-in ([`identity::RECENT_SIGN_IN`]).
    SignInAgain,
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::Api(error) => error
                .status()
                .and_then(|status| StatusCode::from_u16(status).ok())
                .unwrap_or(StatusCode::BAD_REQUEST),
            Refusal::Expired | Refusal::Rejected | Refusal::Unknown => StatusCode::BAD_REQUEST,
            Refusal::Taken | Refusal::TooMany => StatusCode::CONFLICT,
            Refusal::NotOffered => StatusCode::NOT_FOUND,
            Refusal::SignInAgain => StatusCode::FORBIDDEN,
        }
    }

    fn sentence(&self) -> String {
        match self {
            Refusal::Api(error) => error.to_string(),
            Refusal::Expired => "This passkey request was not started in this browser, was used \
                                 already, or took longer than 5 minutes. Nothing was changed: \
                                 please try again."
                .to_owned(),
            Refusal::Rejected => {
                "Your passkey's answer could not be verified, so it was not used. \
                                  Nothing was changed."
                    .to_owned()
            }
            Refusal::Unknown => "That passkey is not registered here (it may have been removed). \
                                 Use another passkey or sign in another way."
                .to_owned(),
            Refusal::Taken => "That passkey is registered here already.".to_owned(),
            Refusal::NotOffered => "Passkeys are not offered here.".to_owned(),
            Refusal::SignInAgain => app::account::SIGN_IN_AGAIN.to_owned(),
            Refusal::TooMany => format!(
                "An account can hold {} passkeys. Remove one to add another.",
                identity::account::MAX_PASSKEYS
            ),
        }
    }

    /// The id of the input the refusal is about, on the page that asked.
    fn field(&self) -> Option<&'static str> {
        match self {
            Refusal::Api(ApiError::Invalid { field: Field::Email, .. })
            | Refusal::Api(ApiError::Conflict(app::error::Conflict::EmailTaken)) => Some("email"),
            Refusal::Api(ApiError::Invalid { field: Field::DisplayName, .. }) => {
                Some("display_name")
            }
            Refusal::Api(ApiError::Invalid { field: Field::Name, .. }) => Some("passkey_name"),
            _ => None,
        }
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
        match error {
            PasskeyError::Ceremony(_) => Refusal::Expired,
            PasskeyError::Rejected(_) => Refusal::Rejected,
            PasskeyError::Unknown => Refusal::Unknown,
        }
    }
}

/// Input the account rules refused, said at its field.
impl From<InvalidInput> for Refusal {
    fn from(invalid: InvalidInput) -> Self {
        Refusal::Api(app::server::account_invalid(invalid))
    }
}

impl From<AccountError<persistence::StoreError>> for Refusal {
    fn from(error: AccountError<persistence::StoreError>) -> Self {
        match error {
            AccountError::Link(LinkProblem::Taken) => Refusal::Taken,
            AccountError::Link(LinkProblem::TooManyPasskeys) => Refusal::TooMany,
            other => Refusal::Api(app::server::account_error(other)),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({ "message": self.sentence(), "field": self.field() });
        let mut response = (self.status(), Json(body)).into_response();
        if let Refusal::Api(ApiError::TooManyRequests { retry_after: Some(seconds) }) = self {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
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
