use leptos::prelude::*;

use crate::error::{ApiError, Conflict};

/// A message about the page as a whole (not one field), announced to screen readers.
#[component]
pub fn Alert(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="error" role="alert">{message}</p> }
}

/// A refusal of a change as a whole (not one field), on a page that hydrates. One that
/// only a new page can get past — the session ended, the guest's avatars moved into an
/// account, the changes were made for an identity the browser no longer has — offers the reload it asks for, rather than leaving the page as it was (the
/// member's name in the header, say).
#[component]
pub fn Refusal(error: ApiError) -> impl IntoView {
    let reload = matches!(
        error,
        ApiError::SignedOut | ApiError::Conflict(Conflict::GuestMerged | Conflict::MadeByAnother)
    );
    view! {
        <div class="error" role="alert">
            <p>{error.to_string()}</p>
            {reload.then(|| view! {
                <button type="button" on:click=|_| { let _ = window().location().reload(); }>"Reload"</button>
            })}
        </div>
    }
}
