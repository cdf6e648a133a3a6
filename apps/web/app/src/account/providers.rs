//! Signing in with another provider, as the pages show it: the "Continue with …" buttons,
//! the account page's sign-in methods (link, unlink), and a flow that came back refused,
//! said from the cookie the identity crate's endpoints leave (the sentences are the error
//! table's: `crate::error`). The flow
//! itself is the server's (`/auth/{provider}/…`); these pages have no island, so none of
//! this reaches the wasm bundle.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    api::UnlinkProvider,
    buttons::{ProviderButton, providers},
};
use crate::{components::alert::Alert, error::ApiError};

/// The refusal a flow came back with, as a sentence; the cookie is cleared. Only a known
/// code is said, naming a configured provider (or "the provider").
#[cfg(feature = "ssr")]
fn problem_sentence() -> Option<String> {
    let refusal = crate::server::flash::take(identity::http::cookies::PROVIDER_REFUSAL_COOKIE)?;
    let (provider, code) = refusal.split_once('/')?;
    let refusal = ApiError::try_from(code.to_owned()).ok()?;
    let name = providers().into_iter().find(|p| p.id == provider).map(|p| p.name);
    Some(match (refusal, name) {
        (ApiError::Provider(problem), Some(name)) => problem.sentence(&name),
        (refusal, _) => refusal.to_string(),
    })
}

#[cfg(not(feature = "ssr"))]
fn problem_sentence() -> Option<String> {
    None
}

/// The refusal of a flow that came back to this page, if any.
#[component]
pub fn ProviderProblemAlert() -> impl IntoView {
    problem_sentence().map(|message| view! { <Alert message /> })
}

/// One button per provider, each a form that starts its flow (a form, not a link: a page
/// on another site cannot start one).
#[component]
pub fn ProviderButtons() -> impl IntoView {
    let providers = providers();
    (!providers.is_empty()).then(|| {
        view! {
            <div class="providers" role="group" aria-label="Other ways to continue">
                {providers
                    .into_iter()
                    .map(|ProviderButton { id, name }| view! {
                        <form method="post" action=format!("/auth/{id}/start")>
                            <button type="submit" class="provider">{format!("Continue with {name}")}</button>
                        </form>
                    })
                    .collect_view()}
            </div>
        }
    })
}

/// The account page's sign-in methods: the password, and each provider linked or not.
/// The last way to sign in (counting `passkeys`) cannot be unlinked (the server refuses
/// it too).
#[component]
pub fn SignInMethods(
    has_password: bool,
    /// Signed in recently enough to link or unlink a provider (else the buttons are
    /// disabled).
    recent: bool,
    linked: Vec<String>,
    passkeys: usize,
) -> impl IntoView {
    let providers = providers();
    if providers.is_empty() {
        return None;
    }
    let unlink_refused = super::failure::failure(UnlinkProvider::PATH)
        .map(|error| view! { <Alert message=error.to_string() /> });
    let ways = usize::from(has_password) + linked.len() + passkeys;
    let rows = providers
        .into_iter()
        .map(|ProviderButton { id, name }| {
            let action = if linked.contains(&id) {
                let last = ways <= 1;
                view! {
                    <span class="method-state">"Linked"</span>
                    <form method="post" action=UnlinkProvider::url()>
                        <input type="hidden" name="provider" value=id.clone() />
                        <button type="submit" disabled=last || !recent>{format!("Unlink {name}")}</button>
                    </form>
                    {last.then(|| view! { <span class="method-note">"Your only way to sign in: it stays."</span> })}
                }
                .into_any()
            } else {
                view! {
                    <span class="method-state">"Not linked"</span>
                    <form method="post" action=format!("/auth/{id}/start")>
                        <button type="submit" disabled=!recent>{format!("Link {name}")}</button>
                    </form>
                }
                .into_any()
            };
            view! { <li class="method"><span class="method-name">{name.clone()}</span>{action}</li> }
        })
        .collect_view();
    Some(view! {
        <h2>"Sign-in methods"</h2>
        <div class="account-form">
            <ProviderProblemAlert />
            {unlink_refused}
            {(!recent).then(|| view! { <p class="field-hint">{ApiError::SignInAgain.to_string()}</p> })}
            <ul class="methods">
                <li class="method">
                    <span class="method-name">"Password"</span>
                    <span class="method-state">{if has_password { "Set" } else { "Not set" }}</span>
                </li>
                {rows}
            </ul>
        </div>
    })
}
