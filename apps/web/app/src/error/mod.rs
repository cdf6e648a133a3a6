//! The one error type of the app's edge, from the server to the browser.
//!
//! Every refusal — the identity layer's, the cross-site guard's, the body limit's, a
//! server function's — reaches the page as an [`ApiError`] with one HTTP status per
//! variant. On the wire it is a stable code and nothing else ([`code`]: `"signed_out"`,
//! `"invalid/name/too_long/40"`); the sentences a person reads are written here, from
//! that code ([`sentence`]), so nothing a request carries (a URL of the no-JavaScript
//! error path, say) is ever shown as text.

use serde::{Deserialize, Serialize};

use crate::client::json::{FromJson, JsonText, read_code};

/// The wire form: one code string per error.
mod code;
/// The sentences people read.
mod sentence;
/// Passkey and provider refusals.
mod sign_in;

pub use sign_in::{PasskeyProblem, ProviderProblem};

/// What a call can fail with, as the browser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ApiError {
    /// 401: the member session was revoked; the change was not made.
    SignedOut,
    /// 401 from a sign-in: the email or the password is wrong (deliberately not which).
    WrongCredentials,
    /// 403: refused as a cross-site request.
    Forbidden,
    /// 413: the request body is over the limit.
    TooLarge,
    /// 429: too many attempts; try again after `retry_after` seconds (when known).
    TooManyRequests { retry_after: Option<u64> },
    /// 400: the request could not be read (a missing or malformed argument).
    BadRequest,
    /// 422: input that breaks a rule, shown next to `field`.
    Invalid { field: Field, problem: Problem },
    /// 422: more than one field breaks a rule (each an `Invalid`), each shown next to its
    /// own: an empty form hears about both of its fields at once.
    Several(Vec<ApiError>),
    /// 422: an idempotency key sent again with another request than the first time.
    KeyReused,
    /// 404: no such thing for this viewer (another owner's avatar looks the same).
    NotFound,
    /// 409: the request conflicts with the state of things.
    Conflict(Conflict),
    /// 403: adding a way to sign in needs a recent sign-in (`identity::RECENT_SIGN_IN`).
    SignInAgain,
    /// 410: a link from a mail that does not work (any more): used, expired, replaced by
    /// a newer one, or never issued. Which, it does not say.
    BadLink,
    /// A passkey ceremony refused (its status by problem).
    Passkey(PasskeyProblem),
    /// A provider's sign-in or link refused (its status by problem).
    Provider(ProviderProblem),
    /// 503: a fault on our side; the cause is in the server log, once, never here.
    Unavailable,
    /// No HTTP answer at all (network down, connection reset).
    Unreachable,
}

/// The form field an [`ApiError::Invalid`] is about: the field's `name` in the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Emoji,
    Name,
    Email,
    Password,
    DisplayName,
}

/// What is wrong with a field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Empty,
    TooShort {
        min: u32,
    },
    TooLong {
        max: u32,
    },
    ControlCharacter,
    NotAnEmoji,
    MoreThanOneEmoji,
    /// Not shaped like what the field takes (an email address).
    Malformed,
    /// One of the most common passwords.
    Common,
    /// The value the account has already (a new address that is the current one).
    Unchanged,
}

/// Which state a request conflicts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// The per-owner cap on avatars.
    AvatarLimit {
        limit: u32,
    },
    /// This guest's roster has moved into an account.
    GuestMerged,
    EmailTaken,
    /// A sign-up while signed in.
    SignedIn,
    /// Unlinking the member's only way to sign in.
    LastSignInMethod,
    /// A sign-in link opened in a browser other than the one that asked for it.
    AskedElsewhere,
    /// A change made by an identity that this browser no longer has (signed out, or
    /// signed in to another account, before it was sent).
    MadeByAnother,
}

impl ApiError {
    /// The HTTP status this error is answered with (`None`: there was no answer).
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            ApiError::BadRequest => 400,
            ApiError::SignedOut | ApiError::WrongCredentials => 401,
            ApiError::Forbidden | ApiError::SignInAgain => 403,
            ApiError::NotFound => 404,
            ApiError::Conflict(_) => 409,
            ApiError::BadLink => 410,
            ApiError::TooLarge => 413,
            ApiError::Invalid { .. } | ApiError::Several(_) | ApiError::KeyReused => 422,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::Unavailable => 503,
            ApiError::Passkey(problem) => return problem.status(),
            ApiError::Provider(problem) => problem.status(),
            ApiError::Unreachable => return None,
        })
    }

    /// The error an error answer means, decided by its status first; the body (when it
    /// decodes and agrees with the status) adds the details only it can carry (which
    /// field, which conflict). A proxy's HTML error page reads as what its status says.
    pub fn from_answer(status: u16, body: &[u8]) -> ApiError {
        if let Some(decoded) =
            read_code(body).and_then(|code| ApiError::try_from(code.to_owned()).ok())
            && decoded.status() == Some(status)
        {
            return decoded;
        }
        match status {
            401 => ApiError::SignedOut,
            403 => ApiError::Forbidden,
            404 => ApiError::NotFound,
            413 => ApiError::TooLarge,
            429 => ApiError::TooManyRequests { retry_after: None },
            500..=599 => ApiError::Unavailable,
            _ => ApiError::BadRequest,
        }
    }

    /// Worth retrying: the same request may well succeed in a moment.
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Unavailable | ApiError::Unreachable)
    }

    /// The message for `field`, when this error is about it.
    pub fn for_field(&self, field: Field) -> Option<String> {
        match self {
            ApiError::Invalid { field: of, .. } if *of == field => Some(self.to_string()),
            ApiError::Several(all) => all.iter().find_map(|error| error.for_field(field)),
            _ => None,
        }
    }
}

/// In the browser, as its code (`error::code`).
impl FromJson for ApiError {
    fn from_json(value: &leptos::wasm_bindgen::JsValue) -> Option<Self> {
        ApiError::try_from(value.as_string()?).ok()
    }
}

impl leptos::server_fn::error::FromServerFnError for ApiError {
    type Encoder = JsonText;

    /// Failures of the server-function machinery itself. In the browser that is a call
    /// that got no readable answer. On the server it is a request whose arguments could
    /// not be read: a 400 with a fixed sentence (the decoder's words are for the log at
    /// debug level, never for the client).
    fn from_server_fn_error(error: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        {
            use leptos::server_fn::error::ServerFnErrorErr as E;
            match error {
                E::Args(_) | E::MissingArg(_) | E::Deserialization(_) => {
                    tracing::debug!(%error, "unreadable server function call");
                    answer(ApiError::BadRequest)
                }
                other => {
                    tracing::error!(error = %other, "server function failed");
                    answer(ApiError::Unavailable)
                }
            }
        }
        #[cfg(not(feature = "ssr"))]
        {
            let _ = error;
            ApiError::Unreachable
        }
    }
}

/// Whether the request being handled is a plain form post: it asked for HTML, and is
/// answered with a redirect (Leptos's rule for server functions).
#[cfg(feature = "ssr")]
pub fn from_a_form() -> bool {
    // Read in place: `use_context` would clone the whole request (see `server::request`).
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
    .unwrap_or(false)
}

/// Sets the status of the response being made for `error`, and returns it. A plain form
/// post (one that asked for HTML) keeps its status: it is answered with a redirect back
/// to the page, the error's code in the URL.
#[cfg(feature = "ssr")]
pub fn answer(error: ApiError) -> ApiError {
    use leptos::prelude::use_context;
    if let (false, Some(response), Some(status)) = (
        from_a_form(),
        use_context::<leptos_axum::ResponseOptions>(),
        error.status().and_then(|status| http::StatusCode::from_u16(status).ok()),
    ) {
        response.set_status(status);
        match error {
            ApiError::TooManyRequests { retry_after: Some(seconds) } => {
                response.insert_header(http::header::RETRY_AFTER, seconds.into());
            }
            // Our faults pass (a database back, a burst of sign-ins hashed): say when to
            // come back rather than leave clients to guess.
            ApiError::Unavailable => {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(1));
            }
            _ => {}
        }
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_decided_by_its_status_first() {
        assert_eq!(ApiError::from_answer(401, b"Unauthorized"), ApiError::SignedOut);
        assert_eq!(ApiError::from_answer(413, b""), ApiError::TooLarge);
        assert_eq!(ApiError::from_answer(502, b"<html>Bad gateway</html>"), ApiError::Unavailable);
        assert_eq!(
            ApiError::from_answer(429, b""),
            ApiError::TooManyRequests { retry_after: None }
        );
        // A body that contradicts its status does not win.
        assert_eq!(ApiError::from_answer(401, br#""not_found""#), ApiError::SignedOut);
    }

    #[test]
    fn the_body_adds_what_only_it_can_carry() {
        let body = br#""invalid/emoji/not_an_emoji""#;
        assert_eq!(
            ApiError::from_answer(422, body),
            ApiError::Invalid { field: Field::Emoji, problem: Problem::NotAnEmoji }
        );
        assert_eq!(ApiError::from_answer(422, b"nonsense"), ApiError::BadRequest);
        assert_eq!(
            ApiError::from_answer(422, br#""invalid/nonsense/empty""#),
            ApiError::BadRequest
        );
        let limited = br#""too_many_requests/30""#;
        assert_eq!(
            ApiError::from_answer(429, limited),
            ApiError::TooManyRequests { retry_after: Some(30) }
        );
    }

    #[test]
    fn only_unavailable_and_unreachable_are_transient() {
        assert!(ApiError::Unavailable.is_transient() && ApiError::Unreachable.is_transient());
        for error in
            [ApiError::SignedOut, ApiError::Forbidden, ApiError::TooLarge, ApiError::NotFound]
        {
            assert!(!error.is_transient(), "{error:?}");
        }
    }

    #[test]
    fn a_signed_out_error_says_so_and_not_that_the_server_was_unreachable() {
        let sentence = ApiError::SignedOut.to_string();
        assert!(sentence.contains("session has ended"), "{sentence}");
        assert!(!sentence.contains("Could not reach"), "{sentence}");
    }

    #[test]
    fn several_refusals_are_each_at_their_field_and_said_together() {
        let empty = |field| ApiError::Invalid { field, problem: Problem::Empty };
        let both = ApiError::Several(vec![empty(Field::Emoji), empty(Field::Name)]);
        assert_eq!(both.for_field(Field::Emoji), Some(empty(Field::Emoji).to_string()));
        assert_eq!(both.for_field(Field::Name), Some(empty(Field::Name).to_string()));
        assert_eq!(both.for_field(Field::Email), None);
        assert_eq!(both.to_string(), format!("{} {}", empty(Field::Emoji), empty(Field::Name)));
        assert_eq!(both.status(), Some(422));
    }

    #[test]
    fn a_long_wait_is_said_in_minutes_rounded_up() {
        let wait = |seconds| ApiError::TooManyRequests { retry_after: Some(seconds) }.to_string();
        assert_eq!(wait(40), "Too many attempts — try again in 40 seconds.");
        assert_eq!(wait(89), "Too many attempts — try again in 89 seconds.");
        assert_eq!(wait(303), "Too many attempts — try again in 6 minutes.");
        assert_eq!(wait(900), "Too many attempts — try again in 15 minutes.");
    }
}
