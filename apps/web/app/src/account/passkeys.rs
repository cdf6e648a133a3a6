//! Passkeys as the pages show them: "Sign in with a passkey", "Create account with a
//! passkey", and the account page's list with its add and remove. The ceremonies run in
//! the browser's `navigator.credentials` and on the server's `/auth/passkey/…`
//! endpoints; the script between them (`passkeys.js`) is inline ([`PasskeyScript`]), so
//! the pages cost the wasm bundle nothing. Without JavaScript (or where the browser has
//! no passkeys) the buttons never appear, and removing a passkey is a plain form.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{api::RemovePasskey, buttons::SignInButtons, failure::failure, views::PasskeyView};
use crate::{
    components::{alert::Alert, field::Field},
    error::ApiError,
};

/// The relying party id when this deployment offers passkeys.
fn relying_party() -> Option<std::sync::Arc<str>> {
    use_context::<SignInButtons>().and_then(|buttons| buttons.passkeys)
}

/// A button that runs a passkey ceremony (`kind`: `signin`, `signup`, `add`), hidden
/// until the script finds passkeys work here, with the place its refusals are said.
#[component]
pub fn PasskeyButton(kind: &'static str, label: &'static str) -> impl IntoView {
    relying_party().map(|party| {
        view! {
            <div class="passkey" data-passkey-rp=party.to_string() data-passkey-sentences=browser_sentences()>
                <button type="button" data-passkey=kind hidden>{label}</button>
                <p id="passkey-error" class="field-error" role="alert"></p>
            </div>
        }
    })
}

/// The account page's passkeys: each with its dates and a Remove button (disabled for
/// the last way to sign in), and a named new one; removing and adding after a recent
/// sign-in only (`recent`). The server refuses each of these too.
#[component]
pub fn Passkeys(passkeys: Vec<PasskeyView>, recent: bool, other_ways: usize) -> impl IntoView {
    relying_party()?;
    let refused = failure(RemovePasskey::PATH).map(|e| view! { <Alert message=e.to_string() /> });
    let last = passkeys.len() + other_ways <= 1;
    let rows = passkeys
        .into_iter()
        .map(|PasskeyView { id, name, added, last_used }| {
            let used = last_used.map_or_else(|| "never used".to_owned(), |at| format!("last used {at}"));
            view! {
                <li class="method passkey-row">
                    <span class="method-name">{name.clone()}</span>
                    <span class="method-state">{format!("Added {added}, {used}")}</span>
                    <form method="post" action=RemovePasskey::url()>
                        <input type="hidden" name="credential_id" value=id />
                        <button type="submit" disabled=last || !recent>{format!("Remove {name}")}</button>
                    </form>
                    {last.then(|| view! { <span class="method-note">"Your only way to sign in: it stays."</span> })}
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <h2>"Passkeys"</h2>
        <div class="account-form">
            {refused}
            <p>"Sign in with your fingerprint, face or device PIN instead of a password."</p>
            <ul class="methods">{rows}</ul>
            {if recent {
                view! {
                    <Field
                        label="Name of a new passkey (optional)"
                        id="passkey_name"
                        name="passkey_name"
                        placeholder="Phone"
                        hint=super::PASSKEY_NAME_HINT
                        error=Signal::stored(None)
                    />
                    <PasskeyButton kind="add" label="Add a passkey" />
                    <noscript><p class="field-hint">"Adding a passkey needs JavaScript."</p></noscript>
                }
                .into_any()
            } else {
                view! { <p class="field-hint">{ApiError::SignInAgain.to_string()}</p> }.into_any()
            }}
        </div>
        <PasskeyScript />
    })
}

/// The sentences of the refusals the script finds without a readable answer from the
/// server (no connection, a proxy's error page, the browser's own refusals), by code, as
/// JSON: every sentence is the app's ([`ApiError`]'s), none is written in the script.
fn browser_sentences() -> String {
    use crate::error::PasskeyProblem;
    let refusals = [
        ApiError::Unreachable,
        ApiError::SignedOut,
        ApiError::Forbidden,
        ApiError::TooLarge,
        ApiError::TooManyRequests { retry_after: None },
        ApiError::Unavailable,
        ApiError::BadRequest,
    ]
    .into_iter()
    .chain(PasskeyProblem::IN_THE_BROWSER.map(ApiError::Passkey));
    let sentences: serde_json::Map<String, serde_json::Value> = refusals
        .map(|refusal| {
            let sentence = refusal.to_string();
            (String::from(refusal), sentence.into())
        })
        .collect();
    serde_json::Value::Object(sentences).to_string()
}

/// Runs the passkey buttons (`passkeys.js`). Plain script with the page's nonce, like
/// `RevealScript`.
#[component]
pub fn PasskeyScript() -> impl IntoView {
    relying_party().map(
        |_| view! { <script nonce=leptos::nonce::use_nonce() inner_html=include_str!("passkeys.js")></script> },
    )
}
