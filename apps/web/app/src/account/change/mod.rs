//! Changing the address: the account page's form (the new address, and the password when
//! the account has one), and the page the link mailed to the new address opens. The
//! link's page is a form, not an action on `GET`: a mail scanner that opens every link
//! must not move an account. Until the link is followed nothing changes; following it
//! ends every other session (this browser stays signed in if it is the member's) and
//! the old address is told.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use super::{
    api::{ChangeEmail, ConfirmEmailChange},
    failure::failure,
    pages::{AccountForm, SecretField, at, kept, wrong_password},
};
use crate::{components::field::Field, error::Field as Name};

/// What the two forms do, on the server.
#[cfg(feature = "ssr")]
pub(super) mod actions;

/// The page a change link opens.
#[component]
pub fn ChangeEmailPage() -> impl IntoView {
    let error = failure(ConfirmEmailChange::PATH);
    // From the link, or kept from a refused post of this form.
    let token =
        use_query_map().with_untracked(|query| query.get("token")).unwrap_or_else(|| kept("token"));
    view! {
        <section class="account" aria-labelledby="change-title">
            <leptos_meta::Title text="Use your new email" />
            <h1 id="change-title">"Use your new email"</h1>
            <p>
                "Move your account to the address this link was mailed to. Every session on "
                "other devices ends, and the old address is told."
            </p>
            <AccountForm action=ConfirmEmailChange::url() error=error submit="Use this email">
                <input type="hidden" name="token" value=token />
            </AccountForm>
        </section>
    }
}

/// On the account page: the new address and, when the account has a password, the
/// password. Without one, a recent sign-in stands in for it, as for the account's other
/// changes.
#[component]
pub(super) fn ChangeEmailForm(has_password: bool, recent: bool) -> impl IntoView {
    let error = failure(ChangeEmail::PATH);
    let typed = if error.is_some() { kept("email") } else { String::new() };
    let proof = if has_password {
        view! {
            <SecretField
                label="Your password"
                id="change_email_password"
                name="password"
                autocomplete="current-password"
                error=wrong_password(&error, "That is not your password.")
            />
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="password" value="" /> }.into_any()
    };
    view! {
        <h2>"Change email"</h2>
        {if has_password || recent {
            view! {
                <AccountForm action=ChangeEmail::url() error=error.clone() submit="Send a link to the new address">
                    <p>"We mail a link to the new address; your email changes when you open it."</p>
                    <Field
                        label="New email"
                        id="new_email"
                        name="email"
                        value=typed
                        kind="email"
                        autocomplete="email"
                        error=at(&error, Name::Email)
                    />
                    {proof}
                </AccountForm>
            }
            .into_any()
        } else {
            view! {
                <p>"To change your email, sign in again first."</p>
                <p class="field-hint">{crate::error::ApiError::SignInAgain.to_string()}</p>
            }
            .into_any()
        }}
    }
}
