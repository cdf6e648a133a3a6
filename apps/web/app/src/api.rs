//! The roster's server functions and the types they exchange with the browser.
//!
//! Every function learns who is asking from the request's `Viewer` (never from its
//! arguments) and calls the owner-scoped store. Each one also works as a plain HTML form
//! post, which is what keeps the page usable without JavaScript.

use leptos::{prelude::*, server_fn, server_fn::codec::JsonEncoding};
use serde::{Deserialize, Serialize};

/// One avatar as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvatarView {
    pub id: String,
    pub emoji: String,
    pub name: String,
    pub is_active: bool,
    pub position: i32,
}

/// What a roster call can fail with, as the browser sees it. The server maps each store
/// error to one of these (and to an HTTP status); the page shows the message next to the
/// field named by `Invalid`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; `field` is the form field's name.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("That avatar no longer exists. The list has been refreshed.")]
    NotFound,
    /// The request conflicts with the state of things (the avatar cap, a retired guest).
    #[error("{0}")]
    Conflict(String),
    /// A fault on our side; details are in the server log, never here.
    #[error("Something went wrong on our side. Please try again.")]
    Unavailable,
    /// The request did not get an answer (network, or an unreadable reply).
    #[error("Could not reach Guestroom. Check your connection and try again.")]
    Unreachable(String),
}

impl AppError {
    /// Worth retrying: the same request may well succeed in a moment.
    pub fn is_transient(&self) -> bool {
        matches!(self, AppError::Unavailable | AppError::Unreachable(_))
    }

    /// The message for `field`, when this error is about it.
    pub fn for_field(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        AppError::Unreachable(error.to_string())
    }
}

/// The viewer's avatars in roster order.
#[server(endpoint = "roster/list")]
pub async fn list_avatars() -> Result<Vec<AvatarView>, AppError> {
    let (owner, store) = crate::ssr::roster()?;
    let avatars = store.list_avatars(owner).await.map_err(crate::ssr::fail)?;
    Ok(avatars.into_iter().map(AvatarView::from).collect())
}

#[server(endpoint = "roster/create")]
pub async fn create_avatar(emoji: String, name: String) -> Result<AvatarView, AppError> {
    use persistence::domain::NewAvatar;
    let new = NewAvatar::parse(&emoji, &name, true).map_err(crate::ssr::invalid)?;
    let (owner, store) = crate::ssr::roster()?;
    store.create_avatar(owner, new).await.map(AvatarView::from).map_err(crate::ssr::fail)
}

/// Changes an avatar's emoji and name (the edit form sends both).
#[server(endpoint = "roster/update")]
pub async fn update_avatar(
    id: String,
    emoji: String,
    name: String,
) -> Result<AvatarView, AppError> {
    use persistence::domain::{AvatarName, AvatarPatch, Emoji};
    let patch = AvatarPatch {
        emoji: Some(Emoji::parse(&emoji).map_err(crate::ssr::invalid)?),
        name: Some(AvatarName::parse(&name).map_err(crate::ssr::invalid)?),
        is_active: None,
    };
    crate::ssr::patch(&id, patch).await
}

/// Marks an avatar active or inactive.
#[server(endpoint = "roster/activate")]
pub async fn set_avatar_active(id: String, is_active: bool) -> Result<AvatarView, AppError> {
    use persistence::domain::AvatarPatch;
    crate::ssr::patch(&id, AvatarPatch { is_active: Some(is_active), ..AvatarPatch::default() })
        .await
}

/// Deletes the avatar and returns it, so the page can offer to undo.
#[server(endpoint = "roster/delete")]
pub async fn delete_avatar(id: String) -> Result<AvatarView, AppError> {
    let id = crate::ssr::avatar_id(&id)?;
    let (owner, store) = crate::ssr::roster()?;
    let avatars = store.list_avatars(owner).await.map_err(crate::ssr::fail)?;
    let deleted = avatars
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| crate::ssr::fail(persistence::StoreError::NotFound))?;
    store.delete_avatar(owner, id).await.map_err(crate::ssr::fail)?;
    Ok(AvatarView::from(deleted))
}

/// Undo of a delete: the same avatar back in its place.
#[server(endpoint = "roster/restore")]
pub async fn restore_avatar(
    emoji: String,
    name: String,
    is_active: bool,
    position: i32,
) -> Result<AvatarView, AppError> {
    use persistence::domain::NewAvatar;
    let new = NewAvatar::parse(&emoji, &name, is_active).map_err(crate::ssr::invalid)?;
    let (owner, store) = crate::ssr::roster()?;
    store.restore_avatar(owner, new, position).await.map(AvatarView::from).map_err(crate::ssr::fail)
}

/// Swaps the item at `from` with its neighbour above (`up`) or below; at either end it stays.
/// The server's move and the page's optimistic one both go through here, so they agree.
pub fn move_one<T>(items: &mut [T], from: usize, up: bool) {
    let to = if up { from.checked_sub(1) } else { Some(from + 1).filter(|to| *to < items.len()) };
    if let Some(to) = to {
        items.swap(from, to);
    }
}

/// Moves an avatar one place up or down the roster.
#[server(endpoint = "roster/move")]
pub async fn move_avatar(id: String, up: bool) -> Result<Vec<AvatarView>, AppError> {
    let id = crate::ssr::avatar_id(&id)?;
    let (owner, store) = crate::ssr::roster()?;
    let mut order: Vec<_> =
        store.list_avatars(owner).await.map_err(crate::ssr::fail)?.iter().map(|a| a.id).collect();
    let from = order
        .iter()
        .position(|candidate| *candidate == id)
        .ok_or_else(|| crate::ssr::fail(persistence::StoreError::NotFound))?;
    move_one(&mut order, from, up);
    let avatars = store.reorder_avatars(owner, &order).await.map_err(crate::ssr::fail)?;
    Ok(avatars.into_iter().map(AvatarView::from).collect())
}

/// One emoji the picker offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmojiChoice {
    pub emoji: String,
    pub name: String,
}

/// The emoji whose names match `query` ("cat", "party"), best matches first; a few
/// animals for an empty query. The emoji table stays on the server: compiled into the
/// wasm it would weigh more than the whole budget leaves (see docs/architecture.md).
/// A GET, cacheable for a day: the answers change only with a new server build.
#[server(endpoint = "emoji/search", input = server_fn::codec::GetUrl)]
pub async fn search_emoji(query: String) -> Result<Vec<EmojiChoice>, AppError> {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("public, max-age=86400"),
        );
    }
    Ok(crate::ssr::search_emoji(&query))
}

#[cfg(test)]
mod tests {
    use super::move_one;

    #[test]
    fn move_one_swaps_with_the_neighbour_and_stops_at_the_ends() {
        let mut items = ['a', 'b', 'c'];
        move_one(&mut items, 1, true);
        assert_eq!(items, ['b', 'a', 'c']);
        move_one(&mut items, 1, false);
        assert_eq!(items, ['b', 'c', 'a']);
        move_one(&mut items, 0, true);
        assert_eq!(items, ['b', 'c', 'a']);
        move_one(&mut items, 2, false);
        assert_eq!(items, ['b', 'c', 'a']);
    }
}
