//! "Email me a sign-in link": the page that asks for a link (and takes the code of a link
//! read on another device), and the page a link opens. The link signs in only in the
//! browser that asked (it holds the asking secret, a `__Host-` cookie); anywhere else the
//! page says so and shows the mail's code, to type in that browser. Plain forms: the link's
//! page signs in on a button, not on `GET`, so a mail scanner that opens links spends
//! nothing.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use super::{
    api::{EmailSignInLink, SignInWithCode, SignInWithLink},
    failure::failure,
    pages::{AccountForm, at, kept},
};
use crate::{
    components::field::Field,
    error::{ApiError, Field as Name},
};

/// What the three forms do, on the server.
#[cfg(feature = "ssr")]
pub(super) mod actions;

/// Said at the code field when the code matches no live link asked for here.
const NO_SUCH_CODE: &str =
    "That code matches no link asked for in this browser in the last 15 minutes.";

#[component]
pub fn EmailLinkPage() -> impl IntoView {
    let asking = failure(EmailSignInLink::PATH);
    let typed = failure(SignInWithCode::PATH);
    let no_such_code = matches!(typed, Some(ApiError::BadLink));
    let code_error = Signal::stored(no_such_code.then(|| NO_SUCH_CODE.to_owned()));
    view! {
        <section class="account" aria-labelledby="link-title">
            <leptos_meta::Title text="Sign in with a link" />
            <h1 id="link-title">"Sign in with a link"</h1>
            <p>
                "We mail you a link that signs you in, in this browser; your avatars here come "
                "along. "<a href="/signin">"Back to sign in"</a>
            </p>
            <AccountForm action=EmailSignInLink::url() error=asking.clone() submit="Email me a link">
                <Field label="Email" id="email" name="email" kind="email" autocomplete="email" value=kept("email") error=at(&asking, Name::Email) />
            </AccountForm>
            <h2>"Reading the mail on another device?"</h2>
            <AccountForm action=SignInWithCode::url() error=typed.filter(|_| !no_such_code) submit="Sign in with the code" button="secondary">
                <Field label="Code from the mail" id="code" name="code" autocomplete="one-time-code" value=kept("code") error=code_error />
            </AccountForm>
        </section>
    }
}

#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let error = failure(SignInWithLink::PATH);
    // From the link, or kept from a refused post of this form.
    let token =
        use_query_map().with_untracked(|query| query.get("token")).unwrap_or_else(|| kept("token"));
    // Opened in another browser: the code of the link's token, computed where the page is
    // rendered (the server).
    #[cfg(feature = "ssr")]
    let code = matches!(error, Some(ApiError::Conflict(crate::error::Conflict::AskedElsewhere)))
        .then(|| identity::email::EmailToken::parse(&token))
        .flatten()
        .map(|token| identity::email::ShortCode::of(&token.digest()).to_string());
    #[cfg(not(feature = "ssr"))]
    let code = None::<String>;
    let body = match code {
        Some(code) => view! {
            <p>"This link was asked for in another browser, and signs in only there. Type this code on that browser's “Sign in with a link” page:"</p>
            <p class="sign-in-code"><strong>{code}</strong></p>
            <p>"Never give it to anyone: it signs in whoever asked for the link."</p>
        }
        .into_any(),
        None => view! {
            <p>"Sign in here; the avatars in this browser come along."</p>
            <AccountForm action=SignInWithLink::url() error=error submit="Sign in">
                <input type="hidden" name="token" value=token />
            </AccountForm>
        }
        .into_any(),
    };
    view! {
        <section class="account" aria-labelledby="signin-link-title">
            <leptos_meta::Title text="Sign in with your link" />
            <h1 id="signin-link-title">"Sign in with your link"</h1>
            {body}
        </section>
    }
}
