//! A full roster at sign-in: when the guest's avatars and the member's would pass the
//! cap together, nothing moves (`persistence::Store::keep_waiting`); the guest's avatars
//! stay the guest's, and this browser keeps the guest's cookie beside the session
//! (`identity::WaitingGuest`). The roster page says so (`roster::waiting`), and `/keep` lists both sets for
//! the member to choose what stays: a plain form, with or without JavaScript. Until the
//! choice, signing out gives the browser back to the guest, avatars and all.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{api::KeepAvatars, failure::failure, pages::AccountForm, views::KeepView};
use crate::roster::AvatarView;

/// What the server side does: the pages' data, and the choice.
#[cfg(feature = "ssr")]
pub mod actions;

/// The choice: every avatar of both sets, checked, to uncheck down to the cap.
#[component]
pub fn KeepPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let view = crate::server::page_data::<KeepView>();
    #[cfg(not(feature = "ssr"))]
    let view = None::<KeepView>;
    let body = match view {
        Some(view) => view! { <KeepForm view /> }.into_any(),
        None => view! {
            <p>"Nothing is waiting to be kept. " <a href="/">"Back to your avatars"</a></p>
        }
        .into_any(),
    };
    view! {
        <section class="account keep" aria-labelledby="keep-title">
            <leptos_meta::Title text="Choose what to keep" />
            <h1 id="keep-title">"Choose what to keep"</h1>
            {body}
        </section>
    }
}

#[component]
fn KeepForm(view: KeepView) -> impl IntoView {
    let KeepView { mine, theirs, cap } = view;
    let total = mine.len() + theirs.len();
    let shown = theirs.iter().chain(&mine).map(|a| a.id.as_str()).collect::<Vec<_>>().join(",");
    let explained = format!(
        "Your account holds at most {cap} avatars. It has {}, and {} you made before signing \
         in are waiting: keep at most {cap} of these {total}. Unchecked avatars are deleted.",
        mine.len(),
        theirs.len()
    );
    // The waiting set first: it is what the choice is about.
    let offset = theirs.len();
    view! {
        <p>{explained}</p>
        <AccountForm action=KeepAvatars::url() error=failure(KeepAvatars::PATH) submit="Keep the checked avatars">
            <input type="hidden" name="shown" value=shown />
            <Choices legend=format!("Made before you signed in ({})", theirs.len()) avatars=theirs first=0 />
            <Choices legend=format!("In your account ({})", mine.len()) avatars=mine first=offset />
            <p class="keep-count" aria-hidden="true">{format!(" of at most {cap}")}</p>
        </AccountForm>
    }
}

/// One set, each avatar a checkbox; `first`, the index of its first field name (the
/// names run on across both sets: `keep[0]`, `keep[1]`, …).
#[component]
fn Choices(legend: String, avatars: Vec<AvatarView>, first: usize) -> impl IntoView {
    let items = avatars
        .into_iter()
        .enumerate()
        .map(|(at, avatar)| {
            let name = format!("keep[{}]", first + at);
            view! {
                <li>
                    <label>
                        <input type="checkbox" name=name value=avatar.id checked />
                        <span class="avatar-emoji">{avatar.emoji}</span>
                        " "
                        {avatar.name}
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset class="keep-set">
            <legend>{legend}</legend>
            <ul>{items}</ul>
        </fieldset>
    }
}
