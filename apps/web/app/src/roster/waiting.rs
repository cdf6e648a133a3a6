//! The roster page's line for a member whose sign-in left a guest's avatars waiting (the
//! account had no room for them all), with the way to choose (`account::keep`).

use leptos::prelude::*;

/// For the roster page of a member whose browser holds a waiting guest: how many of its
/// avatars wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub count: usize,
}

/// The roster page's line about the waiting avatars, with the way to choose.
#[component]
pub fn WaitingNote(waiting: Waiting) -> impl IntoView {
    let count = match waiting.count {
        1 => "1 avatar".to_owned(),
        count => format!("{count} avatars"),
    };
    view! {
        <p class="notice waiting">
            {format!(
                "{count} you made before signing in did not come along: your account has no \
                 room for them all. Until you choose, they stay in this browser. "
            )}
            <a href="/keep">"Choose what to keep"</a>
        </p>
    }
}
