//! The crate's axum side: the identity cookies, the identity middleware, the cross-site
//! write guard, and the one shape in which they refuse a request.

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// The cookies, their names and attributes.
pub mod cookies;
/// The cross-site write guard.
pub(crate) mod cross_site;
/// The identity middleware.
pub(crate) mod middleware;

/// Why a layer of this crate refused a request before any handler ran.
///
/// A client that accepts JSON gets the refusal's code as a JSON string (`"signed_out"`):
/// the shape an application's typed errors take on the wire (a stable code), so the same
/// error type reads it whatever layer refused.
/// Anyone else (a form post, curl) gets a plain English sentence, this crate's default.
/// The response carries the `Refusal` in its extensions, so an application's own layer
/// around these can say it in the application's words instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: the member session was revoked ("sign out everywhere", a password change).
    SignedOut,
    /// 403: a state-changing request made on behalf of another site.
    Forbidden,
    /// 503: the store could not be asked whether the session is current.
    Unavailable,
}

impl Refusal {
    /// Every refusal, for a test that ties the codes to an application's error type.
    pub const ALL: [Refusal; 3] = [Refusal::SignedOut, Refusal::Forbidden, Refusal::Unavailable];

    pub fn status(self) -> StatusCode {
        match self {
            Refusal::SignedOut => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden => StatusCode::FORBIDDEN,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable code a client decides by.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::SignedOut => "signed_out",
            Refusal::Forbidden => "forbidden",
            Refusal::Unavailable => "unavailable",
        }
    }

    fn sentence(self) -> &'static str {
        match self {
            Refusal::SignedOut => "Your session has ended. Please sign in again.",
            Refusal::Forbidden => {
                "Cross-site request refused: this action can only be taken from this site's own pages."
            }
            Refusal::Unavailable => "Please try again in a moment.",
        }
    }

    /// The response for a request with these headers: JSON when it accepts JSON; the
    /// refusal itself in its extensions.
    pub fn respond(self, request: &HeaderMap) -> Response {
        let mut response = if accepts_json(request) {
            let body = format!("\"{}\"", self.code());
            let json = HeaderValue::from_static("application/json");
            (self.status(), [(header::CONTENT_TYPE, json)], body).into_response()
        } else {
            (self.status(), self.sentence()).into_response()
        };
        response.extensions_mut().insert(self);
        response
    }
}

/// Whether the request's `Accept` names JSON (`application/json`, `*/json`, `+json`).
pub fn accepts_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains("json"))
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
}
