use chrono::{DateTime, Duration, Utc};

use crate::{OwnerId, SessionId};

/// Who is asking: the only way handlers and server functions learn it.
///
/// The identity middleware puts one in every request it handles (minting a guest when
/// the request carries no valid identity), so by the time a handler runs there is always
/// a viewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    Guest {
        sid: OwnerId,
    },
    /// `version` is the `session_version` the session was issued with: a page that reads
    /// the member's row anyway compares it, so a revoked session ends at its next page.
    /// `session` names this session, for a sign-out that ends it and no other.
    Member {
        user_id: OwnerId,
        auth_time: DateTime<Utc>,
        version: i32,
        session: Option<SessionId>,
    },
}

/// How long after signing in a member may add a way to sign in (a passkey, a provider
/// link) without signing in again: someone holding a stolen session cookie must not
/// make it into lasting access that outlives "sign out everywhere" or a new password.
pub const RECENT_SIGN_IN: Duration = Duration::minutes(15);

impl Viewer {
    /// A member who signed in (with a password, a provider or a passkey — not a session
    /// refresh) within [`RECENT_SIGN_IN`] of `now`.
    pub fn signed_in_recently(&self, now: DateTime<Utc>) -> bool {
        matches!(self, Viewer::Member { auth_time, .. } if now - *auth_time <= RECENT_SIGN_IN)
    }

    /// The id every owned row is scoped by.
    pub fn owner_id(&self) -> OwnerId {
        match self {
            Viewer::Guest { sid } => *sid,
            Viewer::Member { user_id, .. } => *user_id,
        }
    }
}

#[cfg(feature = "axum")]
mod extractor {
    use axum::{
        extract::FromRequestParts,
        response::{IntoResponse, Response},
    };
    use http::{StatusCode, request::Parts};

    use super::Viewer;

    /// The request reached a handler without passing the identity middleware: a wiring
    /// mistake, so a 500.
    #[derive(Debug, thiserror::Error)]
    #[error("no Viewer in the request: is the identity middleware installed on this route?")]
    pub struct MissingViewer;

    impl IntoResponse for MissingViewer {
        fn into_response(self) -> Response {
            tracing::error!("{self}");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response()
        }
    }

    impl<S: Send + Sync> FromRequestParts<S> for Viewer {
        type Rejection = MissingViewer;

        async fn from_request_parts(
            parts: &mut Parts,
            _state: &S,
        ) -> Result<Self, Self::Rejection> {
            parts.extensions.get::<Viewer>().copied().ok_or(MissingViewer)
        }
    }
}

#[cfg(feature = "axum")]
pub use extractor::MissingViewer;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_is_recent_for_fifteen_minutes_and_a_guest_never_signed_in() {
        let signed_in = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let member = Viewer::Member {
            user_id: OwnerId::random(),
            auth_time: signed_in,
            version: 1,
            session: None,
        };
        assert!(member.signed_in_recently(signed_in + RECENT_SIGN_IN));
        assert!(!member.signed_in_recently(signed_in + RECENT_SIGN_IN + Duration::seconds(1)));
        assert!(!Viewer::Guest { sid: OwnerId::random() }.signed_in_recently(signed_in));
    }

    #[cfg(feature = "axum")]
    #[tokio::test]
    async fn a_route_the_identity_layer_missed_answers_500_and_names_no_viewer() {
        use axum::{extract::FromRequestParts, response::IntoResponse};

        let (mut parts, ()) = http::Request::new(()).into_parts();
        let missing = Viewer::from_request_parts(&mut parts, &()).await.expect_err("no viewer");
        assert_eq!(missing.into_response().status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        let guest = Viewer::Guest { sid: OwnerId::random() };
        parts.extensions.insert(guest);
        assert_eq!(Viewer::from_request_parts(&mut parts, &()).await.expect("a viewer"), guest);
    }
}
