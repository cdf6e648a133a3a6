//! Why this crate's layers or endpoints refused a request, as a stable code an
//! application's own error type decodes (`"signed_out"`, `"provider/expired"`,
//! `"too_many_requests/30"`): the codes are the application's to say in its words.

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::accepts_json;
use crate::account::{AccountField, AccountProblem, InvalidInput};

/// Why a layer or an endpoint of this crate refused a request; nothing was changed.
///
/// A client that accepts JSON gets the refusal's code as a JSON string (`"signed_out"`):
/// the shape an application's typed errors take on the wire (a stable code), so the same
/// error type reads it whatever layer refused.
/// Anyone else (a form post, curl) gets a plain English sentence, this crate's default.
/// The response carries the `Refusal` in its extensions, so an application's own layer
/// around these can say it in the application's words instead. (A provider's flow is
/// refused by a redirect instead: `providers`; a passkey ceremony answers a JSON object:
/// `passkeys`.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: the member session was revoked ("sign out everywhere", a password change).
    SignedOut,
    /// 403: a state-changing request made on behalf of another site.
    Forbidden,
    /// 503: the store could not be asked.
    Unavailable,
    /// 403: what was asked needs a recent sign-in (linking a provider to an account).
    SignInAgain,
    /// 429: too many attempts; the next window opens in `retry_after` seconds.
    TooManyRequests { retry_after: u64 },
    /// 400: a request the endpoint cannot read.
    BadRequest,
    /// 409: a guest's ceremony asked for by someone signed in already.
    SignedIn,
    /// 409: an account with this email exists.
    EmailTaken,
    /// 422: input an account rule refused, named by the request's field.
    Invalid(InvalidInput),
    /// A provider's sign-in (or link) that came back refused.
    Provider(ProviderRefusal),
    /// A passkey ceremony refused.
    Passkey(PasskeyRefusal),
}

/// Why a passkey ceremony did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasskeyRefusal {
    /// Not started in this browser (or by this visitor), used already, or too slow.
    Expired,
    /// The browser's answer did not verify.
    Rejected,
    /// The passkey is not registered here.
    Unknown,
    /// The passkey is registered already.
    Taken,
    /// The member holds the most passkeys an account may.
    TooMany { max: usize },
    /// This deployment offers no passkeys.
    NotOffered,
}

impl PasskeyRefusal {
    pub const ALL: [PasskeyRefusal; 6] = [
        PasskeyRefusal::Expired,
        PasskeyRefusal::Rejected,
        PasskeyRefusal::Unknown,
        PasskeyRefusal::Taken,
        PasskeyRefusal::TooMany { max: crate::passkeys::MAX_PASSKEYS },
        PasskeyRefusal::NotOffered,
    ];

    fn code(self) -> String {
        let word = match self {
            PasskeyRefusal::Expired => "expired",
            PasskeyRefusal::Rejected => "rejected",
            PasskeyRefusal::Unknown => "unknown",
            PasskeyRefusal::Taken => "taken",
            PasskeyRefusal::TooMany { max } => return format!("passkey/too_many/{max}"),
            PasskeyRefusal::NotOffered => "not_offered",
        };
        format!("passkey/{word}")
    }

    fn status(self) -> StatusCode {
        match self {
            PasskeyRefusal::Expired | PasskeyRefusal::Rejected | PasskeyRefusal::Unknown => {
                StatusCode::BAD_REQUEST
            }
            PasskeyRefusal::NotOffered => StatusCode::NOT_FOUND,
            PasskeyRefusal::Taken | PasskeyRefusal::TooMany { .. } => StatusCode::CONFLICT,
        }
    }
}

/// An invalid input's code: `invalid/<field>/<problem>`, with the limit when there is one
/// (`invalid/display_name/too_long/80`). The field is named as the requests name it (a
/// passkey's name is the add request's `name`).
fn invalid_code(InvalidInput { field, problem }: InvalidInput) -> String {
    let field = match field {
        AccountField::Email => "email",
        AccountField::DisplayName => "display_name",
        AccountField::Password => "password",
        AccountField::PasskeyName => "name",
    };
    let (problem, limit) = match problem {
        AccountProblem::Empty => ("empty", None),
        AccountProblem::TooShort { min } => ("too_short", Some(min)),
        AccountProblem::TooLong { max } => ("too_long", Some(max)),
        AccountProblem::ControlCharacter => ("control_character", None),
        AccountProblem::Malformed => ("malformed", None),
        AccountProblem::Common => ("common", None),
        AccountProblem::Unchanged => ("unchanged", None),
    };
    match limit {
        Some(limit) => format!("invalid/{field}/{problem}/{limit}"),
        None => format!("invalid/{field}/{problem}"),
    }
}

/// Why a provider's sign-in (or link) did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderRefusal {
    /// Not started in this browser (or by this visitor), used already, or too slow.
    Expired,
    /// The person cancelled at the provider (or it refused them).
    Cancelled,
    /// The provider could not be reached.
    Unavailable,
    /// The provider's answer failed a check.
    Rejected,
    /// The provider vouched for no verified email, which a new account needs.
    NoVerifiedEmail,
    /// An account with this email exists: never linked automatically.
    EmailHasAccount,
    /// The provider account is linked to another account (or this one has a link there).
    Taken,
}

impl ProviderRefusal {
    pub const ALL: [ProviderRefusal; 7] = [
        ProviderRefusal::Expired,
        ProviderRefusal::Cancelled,
        ProviderRefusal::Unavailable,
        ProviderRefusal::Rejected,
        ProviderRefusal::NoVerifiedEmail,
        ProviderRefusal::EmailHasAccount,
        ProviderRefusal::Taken,
    ];

    fn word(self) -> &'static str {
        match self {
            ProviderRefusal::Expired => "expired",
            ProviderRefusal::Cancelled => "cancelled",
            ProviderRefusal::Unavailable => "unavailable",
            ProviderRefusal::Rejected => "rejected",
            ProviderRefusal::NoVerifiedEmail => "no_verified_email",
            ProviderRefusal::EmailHasAccount => "email_has_account",
            ProviderRefusal::Taken => "taken",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ProviderRefusal::Expired | ProviderRefusal::Cancelled => StatusCode::BAD_REQUEST,
            ProviderRefusal::NoVerifiedEmail => StatusCode::UNPROCESSABLE_ENTITY,
            ProviderRefusal::EmailHasAccount | ProviderRefusal::Taken => StatusCode::CONFLICT,
            ProviderRefusal::Unavailable | ProviderRefusal::Rejected => StatusCode::BAD_GATEWAY,
        }
    }
}

impl Refusal {
    /// One of each refusal (and of each field and problem an invalid input names), for a
    /// test that ties the codes to an application's error type.
    pub const ALL: [Refusal; 33] = [
        Refusal::SignedOut,
        Refusal::Forbidden,
        Refusal::Unavailable,
        Refusal::SignInAgain,
        Refusal::TooManyRequests { retry_after: 30 },
        Refusal::BadRequest,
        Refusal::SignedIn,
        Refusal::EmailTaken,
        invalid(AccountField::Email, AccountProblem::Empty),
        invalid(AccountField::Email, AccountProblem::Malformed),
        invalid(AccountField::Email, AccountProblem::Unchanged),
        invalid(AccountField::Email, AccountProblem::TooLong { max: 254 }),
        invalid(AccountField::DisplayName, AccountProblem::Empty),
        invalid(AccountField::DisplayName, AccountProblem::TooLong { max: 80 }),
        invalid(AccountField::DisplayName, AccountProblem::ControlCharacter),
        invalid(AccountField::Password, AccountProblem::TooShort { min: 8 }),
        invalid(AccountField::Password, AccountProblem::TooLong { max: 128 }),
        invalid(AccountField::Password, AccountProblem::Common),
        invalid(AccountField::PasskeyName, AccountProblem::TooLong { max: 50 }),
        invalid(AccountField::PasskeyName, AccountProblem::ControlCharacter),
        Refusal::Passkey(PasskeyRefusal::ALL[0]),
        Refusal::Passkey(PasskeyRefusal::ALL[1]),
        Refusal::Passkey(PasskeyRefusal::ALL[2]),
        Refusal::Passkey(PasskeyRefusal::ALL[3]),
        Refusal::Passkey(PasskeyRefusal::ALL[4]),
        Refusal::Passkey(PasskeyRefusal::ALL[5]),
        Refusal::Provider(ProviderRefusal::ALL[0]),
        Refusal::Provider(ProviderRefusal::ALL[1]),
        Refusal::Provider(ProviderRefusal::ALL[2]),
        Refusal::Provider(ProviderRefusal::ALL[3]),
        Refusal::Provider(ProviderRefusal::ALL[4]),
        Refusal::Provider(ProviderRefusal::ALL[5]),
        Refusal::Provider(ProviderRefusal::ALL[6]),
    ];

    pub fn status(self) -> StatusCode {
        match self {
            Refusal::SignedOut => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden | Refusal::SignInAgain => StatusCode::FORBIDDEN,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Refusal::BadRequest => StatusCode::BAD_REQUEST,
            Refusal::SignedIn | Refusal::EmailTaken => StatusCode::CONFLICT,
            Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::Provider(problem) => problem.status(),
            Refusal::Passkey(problem) => problem.status(),
        }
    }

    /// The stable code a client decides by.
    pub fn code(self) -> String {
        match self {
            Refusal::SignedOut => "signed_out".to_owned(),
            Refusal::Forbidden => "forbidden".to_owned(),
            Refusal::Unavailable => "unavailable".to_owned(),
            Refusal::SignInAgain => "sign_in_again".to_owned(),
            Refusal::TooManyRequests { retry_after } => format!("too_many_requests/{retry_after}"),
            Refusal::BadRequest => "bad_request".to_owned(),
            Refusal::SignedIn => "conflict/signed_in".to_owned(),
            Refusal::EmailTaken => "conflict/email_taken".to_owned(),
            Refusal::Invalid(invalid) => invalid_code(invalid),
            Refusal::Provider(problem) => format!("provider/{}", problem.word()),
            Refusal::Passkey(problem) => problem.code(),
        }
    }

    /// This crate's plain default, for a client that takes no JSON and an application
    /// that says nothing in its own words.
    fn sentence(self) -> &'static str {
        match self {
            Refusal::SignedOut => "Your session has ended. Please sign in again.",
            Refusal::Forbidden => {
                "Cross-site request refused: this action can only be taken from this site's own pages."
            }
            Refusal::Unavailable => "Please try again in a moment.",
            Refusal::SignInAgain => "Please sign in again first.",
            Refusal::TooManyRequests { .. } => "Too many attempts. Please wait and try again.",
            Refusal::BadRequest => "That request could not be read.",
            Refusal::SignedIn => "You are signed in already.",
            Refusal::EmailTaken => "That email already has an account.",
            Refusal::Invalid(_) => "Please check what you typed.",
            Refusal::Provider(_) => "Signing in with the provider did not work. Please try again.",
            Refusal::Passkey(_) => "The passkey did not work. Please try again.",
        }
    }

    /// The response for a request with these headers: JSON when it accepts JSON; the
    /// refusal itself in its extensions (and `Retry-After` when there is a wait).
    pub fn respond(self, request: &HeaderMap) -> Response {
        if accepts_json(request) {
            let json = HeaderValue::from_static("application/json");
            self.answer(([(header::CONTENT_TYPE, json)], format!("\"{}\"", self.code())))
        } else {
            self.answer(self.sentence())
        }
    }

    /// `body` at this refusal's status, with `Retry-After` when there is a wait and the
    /// refusal in the extensions.
    pub(crate) fn answer(self, body: impl IntoResponse) -> Response {
        let mut response = (self.status(), body).into_response();
        if let Refusal::TooManyRequests { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// An invalid input's refusal (for [`Refusal::ALL`]).
const fn invalid(field: AccountField, problem: AccountProblem) -> Refusal {
    Refusal::Invalid(InvalidInput { field, problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &'static str) -> HeaderMap {
        [(header::ACCEPT, HeaderValue::from_static(value))].into_iter().collect()
    }

    #[test]
    fn a_client_that_accepts_json_gets_the_code_as_a_json_string() {
        let response = Refusal::SignedOut.respond(&accept("application/json"));
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    }

    #[test]
    fn a_form_post_gets_a_sentence() {
        let response = Refusal::Forbidden.respond(&accept("text/html,*/*;q=0.8"));
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.extensions().get::<Refusal>(), Some(&Refusal::Forbidden));
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|t| t.starts_with("text/plain"))
        );
    }

    #[test]
    fn a_wait_is_said_in_the_code_and_in_retry_after() {
        let refusal = Refusal::TooManyRequests { retry_after: 30 };
        assert_eq!(refusal.code(), "too_many_requests/30");
        let response = refusal.respond(&accept("application/json"));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
    }

    #[test]
    fn every_provider_and_passkey_refusal_is_in_all_with_its_own_code() {
        let codes: std::collections::HashSet<String> =
            Refusal::ALL.iter().map(|refusal| refusal.code()).collect();
        assert_eq!(codes.len(), Refusal::ALL.len());
        for problem in ProviderRefusal::ALL {
            assert!(Refusal::ALL.contains(&Refusal::Provider(problem)), "{problem:?}");
        }
        for problem in PasskeyRefusal::ALL {
            assert!(Refusal::ALL.contains(&Refusal::Passkey(problem)), "{problem:?}");
        }
    }
}
