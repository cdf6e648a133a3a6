//! The roster's server side: the page's loader and the helpers its server functions share.

use identity::Viewer;
use persistence::{
    AvatarId, Store,
    domain::{Avatar, AvatarName, Emoji},
};

use super::{AvatarView, RosterPageData};

use crate::{
    error::{ApiError, answer, from_a_form},
    server::{cache_owner, flash, invalid},
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

/// For a guest's page: how many days without a visit its avatars are kept. That is its
/// cookie's lifetime, which the server sets to `GUEST_RETENTION_DAYS`, the sweep's bar:
/// the first visit of each day renews both. `None` for a member.
pub fn guest_kept_for_days() -> Option<i64> {
    let (viewer, services) = crate::server::shared().ok()?;
    matches!(viewer, Viewer::Guest { .. }).then(|| services.identity.guests().lifetime().num_days())
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

/// Without JavaScript, back to the row the post was about (`/#avatar-{id}`), not to the
/// top of a long roster.
pub fn back_to_row(avatar: &AvatarView) {
    if from_a_form() {
        leptos_axum::redirect(&format!("/#avatar-{}", avatar.id));
    }
}

/// The cookie that carries a deleted avatar to the next page, for its Undo without
/// JavaScript ([`offer_undo`], [`UndoOffer`]).
const UNDO_COOKIE: &str = "__Host-undo";

/// Without JavaScript, the next page offers to undo the delete of `deleted`: the avatar
/// rides to it in a short-lived cookie (`__Host-undo`, a [`flash`]), and back in the Undo
/// form's fields, as the script's Undo sends it. Back to the top of the page, where the
/// offer is and takes the focus (a fragment in the URL would keep `autofocus` from
/// acting).
pub fn offer_undo(deleted: &AvatarView) {
    if !from_a_form() {
        return;
    }
    let (is_active, position) = (deleted.is_active.to_string(), deleted.position.to_string());
    let pairs = [
        ("emoji", deleted.emoji.as_str()),
        ("name", deleted.name.as_str()),
        ("is_active", is_active.as_str()),
        ("position", position.as_str()),
    ];
    flash::set(UNDO_COOKIE, &flash::encode(pairs), chrono::Duration::minutes(5));
    leptos_axum::redirect("/");
}

/// The avatar a plain delete just removed, if this request carries one (offered once).
pub fn take_undo() -> Option<AvatarView> {
    let pairs = flash::decode(&flash::take(UNDO_COOKIE)?)?;
    let value = |name: &str| flash::field(&pairs, name);
    Some(AvatarView {
        id: String::new(),
        emoji: value("emoji")?.to_owned(),
        name: value("name")?.to_owned(),
        is_active: value("is_active")?.parse().ok()?,
        position: value("position")?.parse().ok()?,
    })
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
