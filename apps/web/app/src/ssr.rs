//! Server-only glue for the server functions: who is asking, the store, and how store
//! errors become [`AppError`]s with an HTTP status.

use http::StatusCode;
use identity::{OwnerId, Viewer};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use persistence::{
    AvatarId, Store, StoreError,
    domain::{Avatar, AvatarPatch, ValidationError},
};

use crate::api::{AppError, AvatarView};

/// The owner to scope by (from the request's verified viewer) and the store.
pub async fn roster() -> Result<(OwnerId, Store), AppError> {
    let viewer: Viewer = leptos_axum::extract().await.map_err(|error| {
        tracing::error!(%error, "no viewer in a server function: identity layer missing");
        fail_with(StatusCode::INTERNAL_SERVER_ERROR, AppError::Unavailable)
    })?;
    let store = use_context::<Store>().ok_or_else(|| {
        tracing::error!("no store in the server function's context");
        fail_with(StatusCode::INTERNAL_SERVER_ERROR, AppError::Unavailable)
    })?;
    Ok((viewer.owner_id(), store))
}

/// An avatar id from a form; a malformed one names nothing, like an unknown one.
pub fn avatar_id(raw: &str) -> Result<AvatarId, AppError> {
    raw.parse().map_err(|_| fail(StoreError::NotFound))
}

/// Applies a validated patch to one of the viewer's avatars.
pub async fn patch(id: &str, patch: AvatarPatch) -> Result<AvatarView, AppError> {
    let id = avatar_id(id)?;
    let (owner, store) = roster().await?;
    store.update_avatar(owner, id, patch).await.map(AvatarView::from).map_err(fail)
}

pub fn invalid(error: ValidationError) -> AppError {
    fail(StoreError::Invalid(error))
}

/// Translates a store error, once, into what the browser sees, and sets the status.
/// Server faults are logged here with their cause and shown as a plain sentence.
pub fn fail(error: StoreError) -> AppError {
    let (status, app_error) = match error {
        StoreError::Invalid(invalid) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Invalid {
                field: invalid.field.as_str().to_owned(),
                message: invalid.to_string(),
            },
        ),
        StoreError::NotFound => (StatusCode::NOT_FOUND, AppError::NotFound),
        StoreError::AvatarLimitReached { .. }
        | StoreError::GuestMerged
        | StoreError::EmailTaken => (StatusCode::CONFLICT, AppError::Conflict(error.to_string())),
        StoreError::Open(_) | StoreError::Migration(_) | StoreError::Database(_) => {
            tracing::error!(error = &error as &dyn std::error::Error, "store failure");
            (StatusCode::SERVICE_UNAVAILABLE, AppError::Unavailable)
        }
    };
    fail_with(status, app_error)
}

/// Sets the status of a failed call, except for a plain form post (which asked for
/// HTML): that one is answered with a redirect back to the page, the error in its URL.
fn fail_with(status: StatusCode, error: AppError) -> AppError {
    let from_a_form = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if !from_a_form && let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(status);
    }
    error
}

impl From<Avatar> for AvatarView {
    fn from(avatar: Avatar) -> Self {
        AvatarView {
            id: avatar.id.to_string(),
            emoji: avatar.emoji.as_str().to_owned(),
            name: avatar.name.as_str().to_owned(),
            is_active: avatar.is_active,
            position: avatar.position,
        }
    }
}
