//! Keeping an open tab current without a reload, and without web storage:
//! - the roster is fetched again when the window regains focus or the network comes back;
//! - after a change, the other tabs of this browser are told over a `BroadcastChannel`
//!   and fetch it too;
//! - a message from a tab of another identity (the cookies changed under this tab: a
//!   sign-in or sign-out elsewhere) means this tab's cache belongs to someone else: it
//!   is dropped and the page reloaded as the new identity.
//!
//! All of it runs in the browser only; on the server these are no-ops.

use leptos_fetch::QueryClient;

/// The channel every tab of the app listens on.
#[cfg(feature = "hydrate")]
const CHANNEL: &str = "guestroom";

/// Fetches the roster again, even if it is fresh.
pub async fn refresh(client: QueryClient) {
    crate::mutation::refetch(client, &crate::queries::roster(), &()).await;
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use leptos::{ev, prelude::*, wasm_bindgen::JsCast};
    use leptos_fetch::QueryClient;
    use web_sys::{BroadcastChannel, MessageEvent};

    thread_local! {
        /// This tab's end of the channel, and whose cache this tab holds.
        static TAB: RefCell<Option<(BroadcastChannel, String)>> = const { RefCell::new(None) };
    }

    pub fn start(client: QueryClient, cache_owner: String) {
        let refetch = move || leptos::task::spawn_local(super::refresh(client));
        window_event_listener(ev::focus, move |_| refetch());
        window_event_listener(ev::online, move |_| refetch());

        let Ok(channel) = BroadcastChannel::new(super::CHANNEL) else {
            return; // An old browser: the tab still refreshes on focus.
        };
        let mine = cache_owner.clone();
        let on_message = leptos::wasm_bindgen::closure::Closure::<dyn Fn(MessageEvent)>::new(
            move |message: MessageEvent| {
                let Some(owner) = message.data().as_string() else { return };
                if owner == mine {
                    refetch();
                } else {
                    client.clear();
                    let _ = window().location().reload();
                }
            },
        );
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The listener lives as long as the page.
        on_message.forget();
        TAB.with(|tab| *tab.borrow_mut() = Some((channel, cache_owner)));
    }

    pub fn announce_change() {
        TAB.with(|tab| {
            if let Some((channel, owner)) = tab.borrow().as_ref() {
                let _ = channel.post_message(&owner.as_str().into());
            }
        });
    }
}

/// Starts listening for focus, reconnects and other tabs (browser only).
pub fn start(client: QueryClient, cache_owner: String) {
    #[cfg(feature = "hydrate")]
    browser::start(client, cache_owner);
    #[cfg(not(feature = "hydrate"))]
    let _ = (client, cache_owner);
}

/// Tells the other tabs that this viewer's roster changed (browser only).
pub fn announce_change() {
    #[cfg(feature = "hydrate")]
    browser::announce_change();
}
