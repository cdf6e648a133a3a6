//! "Continue on another device", no account needed: a guest makes a short code here (10
//! minutes, once), and types it — or scans the QR code of a link carrying it — on the
//! other device, whose browser becomes the same guest; avatars it had come along. The
//! rules are `identity::devices`'. Plain forms, with or without JavaScript; a link with a
//! code fills the form in and continues on a button, never on `GET`.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use super::{
    api::{ContinueHere, MakeDeviceCode},
    failure::failure,
    pages::{AccountForm, kept},
};
use crate::{components::field::Field, error::ApiError};

/// What the two forms do, on the server.
#[cfg(feature = "ssr")]
pub(super) mod actions;

/// Said at the code field when the code works for nobody.
const NO_SUCH_CODE: &str =
    "That code does not work: check it, or make a new one. A code works once, for 10 minutes.";

#[component]
pub fn DevicePage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (member, made) = (
        matches!(
            crate::server::page_data::<super::views::ViewerView>(),
            Some(super::views::ViewerView::Member { .. })
        ),
        actions::made_code(),
    );
    #[cfg(not(feature = "ssr"))]
    let (member, made) = (false, None::<(String, String)>);
    let body = if member {
        view! {
            <p>
                "You are signed in: on the other device, "<a href="/signin">"sign in"</a>
                " to see your avatars there."
            </p>
        }
        .into_any()
    } else {
        view! { <MakeCode made /> <TypeCode /> }.into_any()
    };
    view! {
        <section class="account device" aria-labelledby="device-title">
            <leptos_meta::Title text="Continue on another device" />
            <h1 id="device-title">"Continue on another device"</h1>
            {body}
        </section>
    }
}

/// The code just made (and the QR code of its link), or the button that makes one.
#[component]
fn MakeCode(made: Option<(String, String)>) -> impl IntoView {
    let error = failure(MakeDeviceCode::PATH);
    let shown = made.map(|(code, qr)| {
        view! {
            <p>"On the other device, open this page and type the code, or scan the QR code:"</p>
            <p class="device-code"><strong>{code}</strong></p>
            <div class="device-qr" role="img" aria-label="QR code of a link with the code" inner_html=qr></div>
            <p class="field-hint">
                "It works once, for 10 minutes. Anyone who has it becomes this guest: give it to nobody else."
            </p>
        }
    });
    view! {
        <h2>"Take these avatars with you"</h2>
        {shown}
        <AccountForm action=MakeDeviceCode::url() error=error submit="Make a code" button="secondary">
            <p>"A short code carries this browser's avatars to another device, without an account."</p>
        </AccountForm>
    }
}

/// The code field, filled in from a link's `?code=` (or kept from a refused post).
#[component]
fn TypeCode() -> impl IntoView {
    let typed = failure(ContinueHere::PATH);
    let no_such_code = matches!(typed, Some(ApiError::BadLink));
    let code_error = Signal::stored(no_such_code.then(|| NO_SUCH_CODE.to_owned()));
    let code =
        use_query_map().with_untracked(|query| query.get("code")).unwrap_or_else(|| kept("code"));
    view! {
        <h2>"Continue here with a code"</h2>
        <AccountForm action=ContinueHere::url() error=typed.filter(|_| !no_such_code) submit="Continue here">
            <p>"Made on your other device. The avatars in this browser come along."</p>
            <Field label="Code" id="device_code" name="code" autocomplete="one-time-code" value=code error=code_error />
        </AccountForm>
    }
}
