use chrono::{DateTime, Utc};

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

impl Viewer {
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
