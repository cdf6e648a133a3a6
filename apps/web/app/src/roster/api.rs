//! The roster's server functions and the types they exchange with the browser.
//!
//! Every function learns who is asking from the request's `Viewer` (never from its
//! arguments) and calls the owner-scoped store, whose operations are atomic (each one
//! transaction, reading back what it returns). Each one also works as a plain HTML form
//! post, which is what keeps the page usable without JavaScript; the endpoints and their
//! field names are the roster's HTTP interface.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use persistence::{
    Change,
    domain::{AvatarPatch, NewAvatar},
};

use super::AvatarView;
use crate::{
    client::transport::{ApiClient, Json},
    components::form::ToFields,
    error::ApiError,
    form_fields,
};

/// Under an avatar's name field: the rule is `AvatarName::MAX_GRAPHEMES`.
pub const NAME_HINT: &str = "Up to 40 characters.";

/// The viewer's avatars in roster order. A guest whose list is empty may be a copy of a
/// cookie whose guest became a member elsewhere (its avatars moved): it is a new guest
/// from this answer on (`server::retired_guest_starts_anew`), as at a page load.
#[server(endpoint = "roster/list", client = ApiClient, output = Json)]
pub async fn list_avatars() -> Result<Vec<AvatarView>, ApiError> {
    let (owner, store) = crate::server::scope()?;
    let avatars = store.list_avatars(owner).await.map_err(crate::server::store_error)?;
    if avatars.is_empty() {
        crate::server::retired_guest_starts_anew(&store).await;
    }
    Ok(avatars.into_iter().map(AvatarView::from).collect())
}

#[server(endpoint = "roster/create", client = ApiClient, output = Json)]
pub async fn create_avatar(emoji: String, name: String) -> Result<AvatarView, ApiError> {
    let path = <CreateAvatar as leptos::server_fn::ServerFn>::PATH;
    let created = async {
        let (valid_emoji, valid_name) = super::load::emoji_and_name(&emoji, &name)?;
        let new = NewAvatar { emoji: valid_emoji, name: valid_name, is_active: true };
        super::once::make(&[path, &emoji, &name], Change::Create(new)).await
    };
    // Without JavaScript, a refusal goes back with what was typed.
    let typed = [("emoji", emoji.as_str()), ("name", name.as_str())];
    let refused = |error| crate::server::back_with(error, "/", path, &typed);
    created.await.map_err(refused)
}

/// Changes an avatar's emoji and name (the edit form sends both).
#[server(endpoint = "roster/update", client = ApiClient, output = Json)]
pub async fn update_avatar(
    id: String,
    emoji: String,
    name: String,
) -> Result<AvatarView, ApiError> {
    // Without JavaScript, a refusal goes back with what was typed, the editor open.
    let kept = [("id", id.as_str()), ("emoji", emoji.as_str()), ("name", name.as_str())];
    let path = <UpdateAvatar as leptos::server_fn::ServerFn>::PATH;
    let (new_emoji, new_name) = super::load::emoji_and_name(&emoji, &name)
        .map_err(|error| crate::server::back_with(error, "/", path, &kept))?;
    let patch = AvatarPatch { emoji: Some(new_emoji), name: Some(new_name), is_active: None };
    let change = Change::Update { id: super::load::avatar_id(&id)?, patch };
    super::once::make(&[path, &id, &emoji, &name], change).await.inspect(super::load::back_to_row)
}

/// Marks an avatar active or inactive.
#[server(endpoint = "roster/activate", client = ApiClient, output = Json)]
pub async fn set_avatar_active(id: String, is_active: bool) -> Result<AvatarView, ApiError> {
    let path = <SetAvatarActive as leptos::server_fn::ServerFn>::PATH;
    let patch = AvatarPatch { is_active: Some(is_active), ..AvatarPatch::default() };
    let change = Change::Update { id: super::load::avatar_id(&id)?, patch };
    super::once::make(&[path, &id, &is_active.to_string()], change)
        .await
        .inspect(super::load::back_to_row)
}

/// Deletes the avatar and returns it, so the page can offer to undo (without JavaScript,
/// the next page offers it: `load::offer_undo`).
#[server(endpoint = "roster/delete", client = ApiClient, output = Json)]
pub async fn delete_avatar(id: String) -> Result<AvatarView, ApiError> {
    let path = <DeleteAvatar as leptos::server_fn::ServerFn>::PATH;
    let change = Change::Delete(super::load::avatar_id(&id)?);
    let deleted: AvatarView = super::once::make(&[path, &id], change).await?;
    super::load::offer_undo(&deleted);
    Ok(deleted)
}

/// Undo of a delete: the same avatar back in its place (clamped to the roster).
#[server(endpoint = "roster/restore", client = ApiClient, output = Json)]
pub async fn restore_avatar(
    emoji: String,
    name: String,
    is_active: bool,
    position: i32,
) -> Result<AvatarView, ApiError> {
    let path = <RestoreAvatar as leptos::server_fn::ServerFn>::PATH;
    let avatar = NewAvatar::parse(&emoji, &name, is_active).map_err(crate::server::invalid)?;
    let request = [path, &emoji, &name, &is_active.to_string(), &position.to_string()];
    super::once::make(&request, Change::Restore { avatar, position })
        .await
        .inspect(super::load::back_to_row)
}

/// Moves an avatar one place up or down the roster; returns the roster as it now is.
#[server(endpoint = "roster/move", client = ApiClient, output = Json)]
pub async fn move_avatar(id: String, up: bool) -> Result<Vec<AvatarView>, ApiError> {
    use persistence::domain::Direction;
    let path = <MoveAvatar as leptos::server_fn::ServerFn>::PATH;
    let direction = if up { Direction::Up } else { Direction::Down };
    let avatar = super::load::avatar_id(&id)?;
    let change = Change::Move { id: avatar, direction };
    let avatars: Vec<AvatarView> = super::once::make(&[path, &id, &up.to_string()], change).await?;
    if let Some(moved) = avatars.iter().find(|listed| listed.id == avatar.to_string()) {
        super::load::back_to_row(moved);
    }
    Ok(avatars)
}

form_fields! {
    CreateAvatar { emoji: text, name: text }
    UpdateAvatar { id: text, emoji: text, name: text }
    SetAvatarActive { id: text, is_active: parse }
    DeleteAvatar { id: text }
    MoveAvatar { id: text, up: parse }
    RestoreAvatar { emoji: text, name: text, is_active: parse, position: parse }
}

/// The read has no form and no fields.
impl ToFields for ListAvatars {
    fn to_fields(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Swaps the item at `from` with its neighbour above (`up`) or below; at either end it
/// stays. The page's optimistic move; the store makes the same move in one transaction.
pub fn move_one<T>(items: &mut [T], from: usize, up: bool) {
    let to = if up { from.checked_sub(1) } else { Some(from + 1).filter(|to| *to < items.len()) };
    if let Some(to) = to {
        items.swap(from, to);
    }
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

    /// The rule the form states is the one the server enforces.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_name_hint_states_the_rule_enforced() {
        let max = persistence::domain::AvatarName::MAX_GRAPHEMES;
        assert_eq!(super::NAME_HINT, format!("Up to {max} characters."));
    }
}
