//! Server-only glue: who is asking, the store, the page's data loaded before rendering,
//! and how store errors become [`AppError`]s with an HTTP status.

use http::StatusCode;
use identity::{OwnerId, Viewer};
use leptos::{prelude::*, server_fn};
use leptos_axum::ResponseOptions;
use persistence::{
    AvatarId, Store, StoreError,
    domain::{Avatar, AvatarPatch, ValidationError},
};

use crate::{
    api::{AppError, AvatarView, EmojiChoice},
    roster::{FormFailure, PageData},
};

/// The owner to scope by (from the request's verified viewer) and the store.
pub fn roster() -> Result<(OwnerId, Store), AppError> {
    let viewer = viewer().ok_or_else(|| {
        tracing::error!("no viewer in a server function: identity layer missing");
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
    let (owner, store) = roster()?;
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

/// The verified viewer of the request being rendered (put there by the identity layer).
pub fn viewer() -> Option<Viewer> {
    use_context::<http::request::Parts>()?.extensions.get::<Viewer>().copied()
}

/// Loads what the page needs before it renders: the server calls this for every page
/// request (see the server's `startup::preload_page`) and puts it in the request.
pub async fn load_page(store: &Store, viewer: &Viewer) -> PageData {
    let owner = viewer.owner_id();
    let roster = match store.list_avatars(owner).await {
        Ok(avatars) => Ok(avatars.into_iter().map(AvatarView::from).collect()),
        Err(error) => {
            // A page still renders (with the error in place of the list); no status to set.
            tracing::error!(error = &error as &dyn std::error::Error, "loading the roster");
            Err(AppError::Unavailable)
        }
    };
    PageData { cache_owner: cache_owner(owner), roster }
}

/// The data `load_page` put in the request being rendered.
pub fn page_data() -> PageData {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageData>().cloned())
        .unwrap_or_else(|| {
            tracing::error!("a page rendered without its data: preload layer missing");
            PageData { cache_owner: String::new(), roster: Err(AppError::Unavailable) }
        })
}

/// The failure of a plain form post, which the server function's redirect put in the URL.
pub fn form_failure() -> Option<FormFailure> {
    use server_fn::error::ServerFnUrlError;
    let failure = use_context::<leptos::server::ServerActionError>()?;
    Some(FormFailure {
        action: failure.path().to_owned(),
        error: ServerFnUrlError::<AppError>::decode_err(failure.err()),
    })
}

/// An opaque tag for an owner, the same for every page of theirs: lets tabs tell whose
/// cache they hold without the page carrying the owner id itself.
fn cache_owner(owner: OwnerId) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(owner.to_string().as_bytes());
    digest[..8].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// How many emoji one search returns: a few rows of the picker.
const EMOJI_RESULTS: usize = 48;

/// Emoji search over the Unicode table: an exact name first, then names that start with
/// the query, then names with a word that does, then shortcodes and names containing it.
pub fn search_emoji(query: &str) -> Vec<EmojiChoice> {
    let query: String = query.trim().to_lowercase().chars().take(40).collect();
    let choice = |emoji: &emojis::Emoji| EmojiChoice {
        emoji: emoji.as_str().to_owned(),
        name: emoji.name().to_owned(),
    };
    if query.is_empty() {
        return emojis::Group::AnimalsAndNature.emojis().take(EMOJI_RESULTS).map(choice).collect();
    }
    let rank = |emoji: &emojis::Emoji| {
        let name = emoji.name();
        if name == query {
            Some(0)
        } else if name.starts_with(&query) {
            Some(1)
        } else if name.split([' ', '-']).any(|word| word.starts_with(&query)) {
            Some(2)
        } else if emoji.shortcodes().any(|code| code.contains(&query)) {
            Some(3)
        } else if name.contains(&query) {
            Some(4)
        } else {
            None
        }
    };
    let mut found: Vec<_> =
        emojis::iter().filter_map(|emoji| rank(emoji).map(|r| (r, emoji))).collect();
    // Stable: within a rank, the table's own order (which groups like with like).
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().take(EMOJI_RESULTS).map(|(_, emoji)| choice(emoji)).collect()
}

#[cfg(test)]
mod tests {
    use super::search_emoji;

    fn names(query: &str) -> Vec<String> {
        search_emoji(query).into_iter().map(|choice| choice.name).collect()
    }

    #[test]
    fn an_exact_name_comes_first_then_names_that_start_with_the_query() {
        let found = names("cat");
        assert_eq!(found[0], "cat");
        assert!(found.contains(&"cat face".to_owned()), "{found:?}");
    }

    #[test]
    fn a_word_inside_the_name_matches() {
        let found = search_emoji("party");
        assert!(found.iter().any(|c| c.emoji == "🎉"), "party popper: {found:?}");
        assert!(found.iter().any(|c| c.emoji == "🥳"), "partying face: {found:?}");
    }

    #[test]
    fn the_search_ignores_case_and_surrounding_space() {
        assert_eq!(search_emoji("  CAT "), search_emoji("cat"));
    }

    #[test]
    fn an_empty_query_offers_animals_and_nonsense_finds_nothing() {
        let offered = search_emoji("");
        assert_eq!(offered.len(), super::EMOJI_RESULTS);
        assert!(offered.iter().all(|c| {
            emojis::get(&c.emoji).is_some_and(|e| e.group() == emojis::Group::AnimalsAndNature)
        }));
        assert!(search_emoji("qqqzzz").is_empty());
    }

    #[test]
    fn results_are_capped() {
        assert_eq!(search_emoji("face").len(), super::EMOJI_RESULTS);
    }
}
