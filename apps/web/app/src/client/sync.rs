//! Keeping an open tab current without a reload, and without web storage:
//! - the page's data is fetched again when the window regains focus or the network
//!   comes back (not while changes wait to be sent, nor offline); the network back
//!   also sends the changes waiting for it at once;
//! - after a change, the other tabs of this browser are told over a `BroadcastChannel`
//!   and fetch theirs too;
//! - every tab says whose data it holds when it starts; a message from a tab of another
//!   identity (the cookies changed under this tab: a sign-in or sign-out elsewhere)
//!   means this tab's cache belongs to someone else: it is dropped and the page
//!   reloaded as the new identity, once the changes this tab made have been answered;
//! - when a request finds this tab's identity over (a revoked session), the tab stops
//!   fetching (it would fetch someone else's data into a page that says it is yours)
//!   and tells the other tabs, which reload.
//!
//! All of it runs in the browser only; on the server these are no-ops.

/// The channel every tab of the app listens on.
#[cfg(feature = "hydrate")]
const CHANNEL: &str = "guestroom";

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};

    use leptos::{ev, prelude::*, wasm_bindgen::JsCast};
    use web_sys::{BroadcastChannel, MessageEvent};

    thread_local! {
        /// This tab's end of the channel, and whose cache this tab holds.
        static TAB: RefCell<Option<(BroadcastChannel, String)>> = const { RefCell::new(None) };
        /// Set once this tab's identity is over: nothing more is fetched.
        static ENDED: Cell<bool> = const { Cell::new(false) };
        /// Another identity took the cookies while changes of this tab's waited: the tab
        /// is reloaded once they are answered (made for the member this tab's guest
        /// became, or refused: then the tab's identity is over and it stays, saying so).
        static ELSEWHERE: Cell<bool> = const { Cell::new(false) };
        /// Whose data this tab holds: who its changes are made by.
        static OWNER: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    pub fn owner() -> Option<String> {
        OWNER.with_borrow(Clone::clone)
    }

    pub fn start(
        cache_owner: String,
        waiting: RwSignal<usize>,
        refresh: impl Fn() + Clone + 'static,
    ) {
        OWNER.set(Some(cache_owner.clone()));
        // Not while changes wait (the cache holds them, the server not yet), nor offline.
        let refresh = move || {
            if !ENDED.get() && waiting.get_untracked() == 0 && window().navigator().on_line() {
                refresh();
            }
        };
        let on_focus = refresh.clone();
        window_event_listener(ev::focus, move |_| on_focus());
        let on_online = refresh.clone();
        window_event_listener(ev::online, move |_| {
            crate::client::retry::wake();
            on_online();
        });

        let Ok(channel) = BroadcastChannel::new(super::CHANNEL) else {
            return; // An old browser: the tab still refreshes on focus.
        };
        let mine = cache_owner.clone();
        let on_message = leptos::wasm_bindgen::closure::Closure::<dyn Fn(MessageEvent)>::new(
            move |message: MessageEvent| {
                let Some(owner) = message.data().as_string() else { return };
                if owner == mine {
                    refresh();
                } else if ENDED.get() {
                    // Over already: the tab stays, saying why, until its "Reload".
                } else if waiting.get_untracked() == 0 {
                    reload();
                } else {
                    // Once this tab's changes are answered (`changes_settled`).
                    ELSEWHERE.set(true);
                }
            },
        );
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The listener lives as long as the page.
        on_message.forget();
        // Say who this tab is: after a sign-in or sign-out here, the other tabs hold
        // someone else's data and reload within a moment.
        let _ = channel.post_message(&cache_owner.as_str().into());
        TAB.with(|tab| *tab.borrow_mut() = Some((channel, cache_owner)));
    }

    /// The page is fetched again as the identity the cookies now name; its cache, someone
    /// else's data, goes with the old page.
    fn reload() {
        let _ = window().location().reload();
    }

    pub fn changes_settled() {
        if ELSEWHERE.take() && !ENDED.get() {
            reload();
        }
    }

    pub fn announce_change() {
        TAB.with(|tab| {
            if let Some((channel, owner)) = tab.borrow().as_ref() {
                let _ = channel.post_message(&owner.as_str().into());
            }
        });
    }

    pub fn identity_is_over() -> bool {
        ENDED.get()
    }

    pub fn identity_ended() {
        ENDED.set(true);
        TAB.with(|tab| {
            if let Some((channel, _)) = tab.borrow().as_ref() {
                // No owner's tag: every other tab reads it as "another identity".
                let _ = channel.post_message(&"".into());
            }
        });
    }
}

/// Starts listening for focus, reconnects and other tabs (browser only). `cache_owner`
/// is the opaque tag of whose data the page's cache holds, and who the tab's changes are
/// made by; `waiting` counts the changes not yet answered; `refresh` fetches the page's
/// data.
pub fn start(
    cache_owner: String,
    waiting: leptos::prelude::RwSignal<usize>,
    refresh: impl Fn() + Clone + 'static,
) {
    #[cfg(feature = "hydrate")]
    browser::start(cache_owner, waiting, refresh);
    #[cfg(not(feature = "hydrate"))]
    let _ = (cache_owner, waiting, refresh);
}

/// Whose data this tab holds, which its changes say they were made by (browser only).
pub fn owner() -> Option<String> {
    #[cfg(feature = "hydrate")]
    return browser::owner();
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Every change of this tab has its answer: if another identity took the cookies
/// meanwhile, the tab is reloaded as that identity now (browser only).
pub fn changes_settled() {
    #[cfg(feature = "hydrate")]
    browser::changes_settled();
}

/// Tells the other tabs that this viewer's data changed (browser only).
pub fn announce_change() {
    #[cfg(feature = "hydrate")]
    browser::announce_change();
}

/// Whether this tab's identity is over ([`identity_ended`]; browser only).
pub fn identity_is_over() -> bool {
    #[cfg(feature = "hydrate")]
    return browser::identity_is_over();
    #[cfg(not(feature = "hydrate"))]
    false
}

/// This tab's identity is over (its session was revoked): it stops fetching, and the
/// other tabs, whose cookies changed too, reload (browser only).
pub fn identity_ended() {
    #[cfg(feature = "hydrate")]
    browser::identity_ended();
}
