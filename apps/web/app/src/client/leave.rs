//! Leaving the page waits for the changes on their way. A link followed or a form sent
//! (another page's, "Sign out") while a change has no answer yet would abort its request
//! — an avatar added a moment before "Create account" was lost, or came along only on a
//! fast server. Here the navigation is held until every change has its answer, then
//! made; when one of them failed, the page stays, with its error shown where the change
//! was made. A tab closed, a reload or a URL typed cannot be held: while changes wait
//! for the connection (offline), the browser asks first (`beforeunload`), since leaving
//! loses them. (They are not kept in web storage: the roster never is.)
//!
//! All of it runs in the browser only; on the server this is a no-op.

use super::mutation::Activity;

/// Holds a link followed or a form sent while changes are not yet answered, and makes it
/// once they are, if `all_saved` says nothing failed meanwhile; asks before the page is
/// left while changes wait for the connection. Call it once the page is hydrated (in an
/// effect): its listeners must come after the page's own, which take their forms'
/// submits.
pub fn wait_for_changes(activity: Activity, all_saved: impl Fn() -> bool + 'static) {
    #[cfg(feature = "hydrate")]
    browser::start(activity, all_saved);
    #[cfg(not(feature = "hydrate"))]
    let _ = (activity, all_saved);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use leptos::{ev, prelude::*, wasm_bindgen::JsCast};
    use web_sys::{Element, HtmlAnchorElement, HtmlElement, HtmlFormElement};

    /// A navigation held until the changes have their answers.
    enum Held {
        Link(String),
        Form(HtmlFormElement, Option<HtmlElement>),
    }

    thread_local! {
        static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
    }

    pub fn start(activity: super::Activity, all_saved: impl Fn() -> bool + 'static) {
        let in_flight = activity.in_flight;
        window_event_listener(ev::beforeunload, move |event| {
            if activity.retrying.get_untracked() > 0 {
                event.prevent_default();
            }
        });
        // On the window, so after the page's own handlers: a click or submit they took
        // (`default_prevented`) is not a navigation.
        window_event_listener(ev::click, move |event| {
            let plain = event.button() == 0
                && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key());
            if event.default_prevented() || !plain || in_flight.get_untracked() == 0 {
                return;
            }
            let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
            let link = target.and_then(|t| t.closest("a[href]:not([target]):not([download])").ok());
            if let Some(link) = link.flatten().and_then(|l| l.dyn_into::<HtmlAnchorElement>().ok())
            {
                event.prevent_default();
                HELD.set(Some(Held::Link(link.href())));
            }
        });
        window_event_listener(ev::submit, move |event| {
            if event.default_prevented() || in_flight.get_untracked() == 0 {
                return;
            }
            if let Some(form) = event.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) {
                event.prevent_default();
                HELD.set(Some(Held::Form(form, event.submitter())));
            }
        });
        Effect::new(move |_| {
            if in_flight.get() > 0 {
                return;
            }
            match HELD.take() {
                Some(_) if !all_saved() => {}
                Some(Held::Link(href)) => {
                    let _ = window().location().assign(&href);
                }
                // Sent again as the person sent it, with the button they pressed.
                Some(Held::Form(form, submitter)) => {
                    let _ = form.request_submit_with_submitter(submitter.as_ref());
                }
                None => {}
            }
        });
    }
}
