//! The roster's server side: the page's loader and the helpers its server functions share.

use identity::{
    Viewer,
    http::cookies::{clear_cookie, cookie_values, set_cookie},
};
use persistence::{
    AvatarId, Store,
    domain::{Avatar, AvatarName, AvatarPatch, Emoji},
};

use super::{RosterPageData, api::AvatarView};

use crate::{
    error::{ApiError, answer, from_a_form},
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
/// rides to it in a short-lived cookie (`__Host-undo`), and back in the Undo form's
/// fields, as the script's Undo sends it. Back to the top of the page, where the offer is
/// and takes the focus (a fragment in the URL would keep `autofocus` from acting).
pub fn offer_undo(deleted: &AvatarView) {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if !from_a_form() {
        return;
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("emoji", &deleted.emoji)
        .append_pair("name", &deleted.name)
        .append_pair("is_active", &deleted.is_active.to_string())
        .append_pair("position", &deleted.position.to_string());
    let value = URL_SAFE_NO_PAD.encode(query.finish());
    let cookie = set_cookie(UNDO_COOKIE, &value, chrono::Duration::minutes(5));
    response.append_header(http::header::SET_COOKIE, cookie);
    leptos_axum::redirect("/");
}

/// The avatar a plain delete just removed, if this request carries one (and the cookie
/// cleared: offered once).
pub fn take_undo() -> Option<AvatarView> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let cookie = cookie_values(&parts.headers, UNDO_COOKIE).next()?;
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(http::header::SET_COOKIE, clear_cookie(UNDO_COOKIE));
    }
    let query = URL_SAFE_NO_PAD.decode(cookie).ok()?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&query).into_owned().collect();
    let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, v)| v.clone());
    Some(AvatarView {
        id: String::new(),
        emoji: value("emoji")?,
        name: value("name")?,
        is_active: value("is_active")?.parse().ok()?,
        position: value("position")?.parse().ok()?,
    })
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
