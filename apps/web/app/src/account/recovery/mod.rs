//! "Forgot password?": the page that asks for a link by mail, and the page the link opens,
//! which sets a new password. Plain forms, like every account page. Asking says the same
//! whether or not the address has an account; the link signs in only in the browser that
//! asked (it holds the asking secret, a `__Host-` cookie), with its guest's avatars
//! brought along; anywhere else it sets the password and the person signs in with it.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use super::{
    api::{ForgotPassword, ResetPassword},
    failure::failure,
    pages::{AccountForm, PASSWORD_RULE, RevealScript, SecretField, at, kept},
};
use crate::{components::field::Field, error::Field as Name};

/// What the two forms do, on the server.
#[cfg(feature = "ssr")]
pub(super) mod actions;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let error = failure(ForgotPassword::PATH);
    view! {
        <section class="account" aria-labelledby="forgot-title">
            <leptos_meta::Title text="Forgot your password?" />
            <h1 id="forgot-title">"Forgot your password?"</h1>
            <p>
                "We mail you a link to set a new one. Open it in this browser and your "
                "avatars here come along. "<a href="/signin">"Back to sign in"</a>
            </p>
            <AccountForm action=ForgotPassword::url() error=error.clone() submit="Email me a link">
                <Field label="Email" id="email" name="email" kind="email" autocomplete="email" value=kept("email") error=at(&error, Name::Email) />
            </AccountForm>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let error = failure(ResetPassword::PATH);
    // From the link, or kept from a refused post of this form.
    let token =
        use_query_map().with_untracked(|query| query.get("token")).unwrap_or_else(|| kept("token"));
    view! {
        <section class="account" aria-labelledby="reset-title">
            <leptos_meta::Title text="Set a new password" />
            <h1 id="reset-title">"Set a new password"</h1>
            <p>"Every other session of your account ends. "<a href="/forgot">"Ask for a new link"</a></p>
            <AccountForm action=ResetPassword::url() error=error.clone() submit="Set password">
                <input type="hidden" name="token" value=token />
                <SecretField label="New password" id="password" name="password" autocomplete="new-password" error=at(&error, Name::Password) />
                <p class="field-hint">{PASSWORD_RULE}</p>
            </AccountForm>
            <RevealScript />
        </section>
    }
}
