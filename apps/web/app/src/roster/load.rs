//! The roster's server side: the page's loader and the helpers its server functions share.

use identity::Viewer;
use persistence::{
    AvatarId, Store,
    domain::{Avatar, AvatarName, AvatarPatch, Emoji},
};

use super::{RosterPageData, api::AvatarView};
use crate::{
    error::{ApiError, answer},
    server::{cache_owner, invalid, scope, store_error},
};

/// What the roster page needs before it renders. A guest minted by this very request
/// owns nothing yet: its roster is empty without asking the database.
pub async fn load(store: &Store, viewer: Viewer, new_guest: bool) -> RosterPageData {
    let owner = viewer.owner_id();
    let roster = if new_guest {
        Ok(Vec::new())
    } else {
        match store.list_avatars(owner).await {
            Ok(avatars) => Ok(avatars.into_iter().map(AvatarView::from).collect()),
            Err(error) => {
                // The page still renders, with the error in place of the list.
                tracing::error!(error = &error as &dyn std::error::Error, "loading the roster");
                Err(ApiError::Unavailable)
            }
        }
    };
    RosterPageData { cache_owner: cache_owner(owner), roster }
}

/// An avatar id from a form; a malformed one names nothing, like another owner's.
pub fn avatar_id(raw: &str) -> Result<AvatarId, ApiError> {
    raw.parse().map_err(|_| answer(ApiError::NotFound))
}

/// A form's emoji and name, both checked: a form with two mistakes hears about both at
/// once, each next to its field.
pub fn emoji_and_name(emoji: &str, name: &str) -> Result<(Emoji, AvatarName), ApiError> {
    match (Emoji::parse(emoji), AvatarName::parse(name)) {
        (Ok(emoji), Ok(name)) => Ok((emoji, name)),
        (Err(emoji), Ok(_)) => Err(invalid(emoji)),
        (Ok(_), Err(name)) => Err(invalid(name)),
        (Err(emoji), Err(name)) => Err(ApiError::Several(vec![invalid(emoji), invalid(name)])),
    }
}

/// Applies a validated patch to one of the viewer's avatars.
pub async fn patch(id: &str, patch: AvatarPatch) -> Result<AvatarView, ApiError> {
    let id = avatar_id(id)?;
    let (owner, store) = scope()?;
    store.update_avatar(owner, id, patch).await.map(AvatarView::from).map_err(store_error)
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
