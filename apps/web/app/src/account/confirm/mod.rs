//! Confirming an address: the page a confirmation link opens, and what the account page
//! says until the address is confirmed. The link's page is a form, not an action on
//! `GET`: a mail scanner that opens every link must not confirm an account that someone
//! made with another person's address (their owner takes such an account by proving the
//! address; see `identity::email`). Confirming signs nobody in or out and merges nothing.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use super::{
    api::{SendConfirmation, VerifyEmail},
    failure::failure,
    pages::{AccountForm, kept},
};
use crate::components::alert::Alert;

/// What the two forms do, on the server.
#[cfg(feature = "ssr")]
pub(super) mod actions;

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let error = failure(VerifyEmail::PATH);
    // From the link, or kept from a refused post of this form.
    let token =
        use_query_map().with_untracked(|query| query.get("token")).unwrap_or_else(|| kept("token"));
    view! {
        <section class="account" aria-labelledby="verify-title">
            <leptos_meta::Title text="Confirm your email" />
            <h1 id="verify-title">"Confirm your email"</h1>
            <p>"Confirm that the address this link was mailed to is yours. Nobody is signed in or out."</p>
            <AccountForm action=VerifyEmail::url() error=error submit="Confirm my email">
                <input type="hidden" name="token" value=token />
            </AccountForm>
        </section>
    }
}

/// On the account page while the address is unconfirmed: what that means, and a link
/// mailed again on request.
#[component]
pub(super) fn ConfirmYourEmail(email: String) -> impl IntoView {
    let error = failure(SendConfirmation::PATH);
    view! {
        <section class="confirm-email" aria-labelledby="confirm-title">
            <h2 id="confirm-title">"Confirm your email"</h2>
            <p>
                "We mailed a link to "<strong>{email}</strong>". Until you follow it, whoever "
                "proves they receive mail there can take this account."
            </p>
            <form method="post" action=SendConfirmation::url() class="account-form">
                {error.map(|error| view! { <Alert message=error.to_string() /> })}
                <button type="submit" class="secondary">"Send the link again"</button>
            </form>
        </section>
    }
}
