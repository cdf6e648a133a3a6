//! The roster: the viewer's avatars, rendered on the server from data loaded before
//! rendering starts, and one island ([`island::Roster`]) that the browser hydrates.
//!
//! In the browser the list lives in the query cache (`queries::roster`), seeded from the
//! server's data (no fetch on hydrate). Every change goes through `Mutation::run`, which
//! updates the cache at once, calls the server function, rolls back on failure and fetches
//! the list again when it settles. Every control is also a plain `<form>` posting to the
//! same server function, so the page works without JavaScript.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Adding an avatar.
mod add;
/// The server functions.
pub mod api;
/// Where focus goes after a change, the live region, the double-click guard.
mod focus;
/// The island: the part of the page compiled to wasm.
mod island;
/// The island's own bookkeeping, outside the reactive graph.
mod kept;
/// The page's loader and the server functions' shared helpers (server only).
#[cfg(feature = "ssr")]
pub mod load;
/// Each change made once, however often it is sent; and only for whose page made it.
pub mod once;
/// The emoji picker and its search.
mod picker;
/// The roster's query in the client cache.
mod queries;
/// One avatar's row: toggle, move, delete, edit.
mod row;
/// The server's rows, written from a template made by rendering the row itself.
#[cfg(feature = "ssr")]
mod row_template;
#[cfg(feature = "ssr")]
pub use row_template::{LIST_HOLE, ListHole, Rows};
/// The island's state and the changes it makes.
mod state;
/// Undo of deletes: the deleted rows kept in place, the toast.
mod undo;
/// The line about a guest's avatars left waiting at a sign-in.
pub mod waiting;

/// One avatar as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvatarView {
    pub id: String,
    pub emoji: String,
    pub name: String,
    pub is_active: bool,
    /// Its place in the roster, from 0 (what undo puts back).
    pub position: i32,
}

/// What the roster page needs before it renders; loaded by the server ([`load::load`])
/// so that nothing on the page suspends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterPageData {
    /// Whose data the page holds, as an opaque tag (`server::cache_owner`): tabs compare
    /// it to tell whether a message from another tab is about their cache.
    pub cache_owner: String,
    pub roster: queries::RosterData,
}

/// A plain form post (JavaScript off) that failed: the server redirected back to the page
/// with the refusal in a cookie (`server::form_failure`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormFailure {
    /// The server function's path: says which form it came from.
    pub action: String,
    pub error: ApiError,
    /// What was typed into the add form or an avatar's editor, to fill it in again
    /// (empty for other forms); `id`, the edited avatar's.
    pub id: String,
    pub emoji: String,
    pub name: String,
}

crate::from_json! {
    AvatarView { id, emoji, name, is_active, position }
    RosterPageData { cache_owner, roster }
    FormFailure { action, error, id, emoji, name }
}

/// What the island starts from: the page's data, and a refused form's when there is one.
/// The server hands it to the island in context, and writes it into the roster's section
/// (`data-roster`, `data-failure`), where the browser reads it back (`island::start`).
/// Not the island's props, which Leptos reads with serde_json: bench/RESULTS.md, "JSON
/// read by the browser".
#[derive(Clone, Debug)]
struct Start {
    data: RosterPageData,
    failure: Option<FormFailure>,
}

#[component]
pub fn RosterPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (data, failure) = (
        crate::server::page_data::<RosterPageData>().unwrap_or_else(|| {
            tracing::error!("the roster page rendered without its data: preload missing");
            RosterPageData { cache_owner: String::new(), roster: Err(ApiError::Unavailable) }
        }),
        crate::server::form_failure().map(|(action, error)| {
            let typed = |field: &str| crate::server::kept(field).unwrap_or_default();
            FormFailure {
                action,
                error,
                id: typed("id"),
                emoji: typed("emoji"),
                name: typed("name"),
            }
        }),
    );
    // The list could not be read: the page says so, and answers 503 so that monitors,
    // proxies and crawlers see a failure, not a page. The next request reads again.
    #[cfg(feature = "ssr")]
    if data.roster.is_err()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from_static("5"));
    }
    // Never rendered in the browser (only islands run there); this keeps the type whole.
    #[cfg(not(feature = "ssr"))]
    let (data, failure) = (
        RosterPageData { cache_owner: String::new(), roster: Err(ApiError::Unavailable) },
        None::<FormFailure>,
    );
    #[cfg(feature = "ssr")]
    let (undo, kept_for, waiting) = (
        load::take_undo().map(|gone| view! { <UndoOffer gone /> }),
        load::guest_kept_for_days().map(|days| view! { <KeptFor days /> }),
        crate::server::page_data::<waiting::Waiting>()
            .map(|waiting| view! { <waiting::WaitingNote waiting /> }),
    );
    #[cfg(not(feature = "ssr"))]
    let (undo, kept_for, waiting) = (None::<()>, None::<()>, None::<()>);
    #[cfg(feature = "ssr")]
    let written = (
        serde_json::to_string(&data).ok(),
        failure.as_ref().and_then(|failure| serde_json::to_string(failure).ok()),
    );
    #[cfg(not(feature = "ssr"))]
    let written = (None::<String>, None::<String>);
    provide_context(Start { data, failure });
    view! {
        <section class="roster" aria-labelledby="roster-title" data-roster=written.0 data-failure=written.1>
            <leptos_meta::Title text="Your avatars" />
            <h1 id="roster-title">"Your avatars"</h1>
            {waiting}
            {undo}
            <island::Roster />
            {kept_for}
        </section>
    }
}

/// For a guest: how long the avatars are kept without a visit, and how to keep them for
/// good. Rendered for every guest and shown by the stylesheet only while the list holds
/// an avatar, so the first one added in the browser brings it without any island code.
#[cfg(feature = "ssr")]
#[component]
fn KeptFor(days: i64) -> impl IntoView {
    let span = if days == 1 { "1 day".to_owned() } else { format!("{days} days") };
    view! {
        <p class="kept-for">
            {format!(
                "Your avatars are kept in this browser for {span} after your last visit, and \
                 each visit starts the {span} again. "
            )}
            <a href="/signup">"Create an account"</a>
            " to keep them for good: clearing this browser's cookies loses them. "
            <a href="/device">"Continue on another device"</a>
            " with a short code."
        </p>
    }
}

/// Without JavaScript, after a delete: the Undo the script's toast offers, as a form that
/// sends the avatar back (`load::offer_undo`), at the top of the page and focused.
#[cfg(feature = "ssr")]
#[component]
fn UndoOffer(gone: AvatarView) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    view! {
        <form method="post" action=api::RestoreAvatar::url() class="notice undo-offer" id="undo">
            <span role="status">{format!("Deleted {}.", gone.name)}</span>
            <input type="hidden" name="emoji" value=gone.emoji />
            <input type="hidden" name="name" value=gone.name />
            <input type="hidden" name="is_active" value=gone.is_active.to_string() />
            <input type="hidden" name="position" value=gone.position.to_string() />
            <input type="hidden" name=once::KEY_FIELD value=once::form_key() />
            <button type="submit" autofocus>"Undo"</button>
        </form>
    }
}
