//! How the endpoints answer: a refusal as `{"error": code}` at its status, with every
//! failure a step can meet turned into one; and a finished ceremony's `{"to": page}`.
//! Every answer clears the ceremony cookie, so a ceremony is used once.

use axum::{
    Json,
    extract::rejection::JsonRejection,
    http::{HeaderValue, header::SET_COOKIE},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::PasskeyOutcome;
use crate::{
    OwnerId, Viewer,
    account::{AccountError, InvalidInput, LinkProblem},
    audit,
    http::{PasskeyRefusal, Refusal, cookies::clear_cookie},
    passkeys::{CEREMONY_COOKIE, MAX_PASSKEYS, PasskeyError},
};

/// Why a ceremony did not happen, as answered: `{"error": code}` with the refusal's status,
/// the refusal in the extensions, the ceremony cookie cleared.
pub(super) struct Refused(pub(super) Refusal);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let Refused(refusal) = self;
        let mut response = refusal.answer(Json(json!({ "error": refusal.code() })));
        response.headers_mut().append(SET_COOKIE, clear_cookie(CEREMONY_COOKIE));
        response
    }
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Self {
        Refused(refusal)
    }
}

impl From<PasskeyRefusal> for Refused {
    fn from(problem: PasskeyRefusal) -> Self {
        Refused(Refusal::Passkey(problem))
    }
}

impl From<InvalidInput> for Refused {
    fn from(invalid: InvalidInput) -> Self {
        Refused(Refusal::Invalid(invalid))
    }
}

impl From<PasskeyError> for Refused {
    fn from(error: PasskeyError) -> Self {
        tracing::info!(
            target: audit::TARGET,
            event = "passkey_ceremony",
            outcome = "refused",
            reason = %error,
        );
        Refused::from(match error {
            PasskeyError::Ceremony(_) => PasskeyRefusal::Expired,
            PasskeyError::Rejected(_) => PasskeyRefusal::Rejected,
            PasskeyError::Unknown => PasskeyRefusal::Unknown,
        })
    }
}

impl<E: std::error::Error + 'static> From<AccountError<E>> for Refused {
    fn from(error: AccountError<E>) -> Self {
        Refused(match error {
            AccountError::Invalid(invalid) => Refusal::Invalid(invalid),
            AccountError::EmailTaken => Refusal::EmailTaken,
            AccountError::TooManyAttempts { retry_after } => {
                Refusal::TooManyRequests { retry_after }
            }
            AccountError::NoSuchMember => Refusal::SignedOut,
            AccountError::Link(LinkProblem::Taken) => Refusal::Passkey(PasskeyRefusal::Taken),
            AccountError::Link(LinkProblem::TooManyPasskeys) => too_many(),
            AccountError::Link(_)
            | AccountError::WrongCredentials
            | AccountError::BadLink
            | AccountError::NoRoom => Refusal::BadRequest,
            AccountError::Busy => Refusal::Unavailable,
            AccountError::Store(error) => {
                tracing::error!(error = &error as &dyn std::error::Error, "passkey: store failure");
                Refusal::Unavailable
            }
        })
    }
}

/// The member holds the most passkeys an account may.
pub(super) fn too_many() -> Refusal {
    Refusal::Passkey(PasskeyRefusal::TooMany { max: MAX_PASSKEYS })
}

/// Done: where the page goes next, with `cookies` set (a sign-in's session) and the
/// ceremony cookie cleared.
pub(super) fn done<const N: usize>(
    to: &str,
    cookies: [HeaderValue; N],
    outcome: PasskeyOutcome,
) -> Response {
    let mut response = Json(json!({ "to": to })).into_response();
    for cookie in cookies.into_iter().chain([clear_cookie(CEREMONY_COOKIE)]) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response.extensions_mut().insert(outcome);
    response
}

/// The request's JSON body, or a 400.
pub(super) fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, Refused> {
    body.map(|Json(body)| body).map_err(|_| Refused(Refusal::BadRequest))
}

/// The guest asking, or a refusal for a member (who is signed in already).
pub(super) fn guest(viewer: Viewer) -> Result<OwnerId, Refused> {
    match viewer {
        Viewer::Guest { sid } => Ok(sid),
        Viewer::Member { .. } => Err(Refused(Refusal::SignedIn)),
    }
}

pub(super) fn answered(result: Result<Response, Refused>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}
