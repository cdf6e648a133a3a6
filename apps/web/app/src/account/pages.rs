//! The sign-up and sign-in pages, and what every account form shares: plain forms,
//! rendered on the server, each error next to the field it is about (after a post, the
//! error's code comes back in the URL, with the email typed).

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    api::{SignIn, SignUp},
    failure::failure,
    passkeys::{PasskeyButton, PasskeyScript},
    providers::{ProviderButtons, ProviderProblemAlert},
    views::ViewerView,
};
use crate::{
    components::{alert::Alert, field::Field},
    error::{ApiError, Conflict, Field as Name},
};

/// What the last failed post kept of the field `name`, to fill it in again.
pub(super) fn kept(name: &str) -> String {
    #[cfg(feature = "ssr")]
    return crate::server::kept(name).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    {
        let _ = name;
        String::new()
    }
}

/// The message for `field`: an input error about it, or a taken email at the email.
pub(super) fn at(error: &Option<ApiError>, field: Name) -> Signal<Option<String>> {
    let message = error.as_ref().and_then(|error| match (error, field) {
        (ApiError::Conflict(Conflict::EmailTaken), Name::Email) => Some(error.to_string()),
        _ => error.for_field(field),
    });
    Signal::stored(message)
}

/// At the field that asked for a password: `message` when the password was wrong.
pub(super) fn wrong_password(
    error: &Option<ApiError>,
    message: &'static str,
) -> Signal<Option<String>> {
    Signal::stored(matches!(error, Some(ApiError::WrongCredentials)).then(|| message.to_owned()))
}

/// A form of these pages: its fields, then any refusal that no field shows (too many
/// attempts, a fault), then the button.
#[component]
pub(super) fn AccountForm(
    action: &'static str,
    error: Option<ApiError>,
    submit: &'static str,
    #[prop(default = "primary")] button: &'static str,
    /// The submit button is disabled: the form cannot succeed now (its hint says why).
    #[prop(optional)]
    disabled: bool,
    children: Children,
) -> impl IntoView {
    let elsewhere = error
        .filter(|e| {
            !matches!(
                e,
                ApiError::Invalid { .. }
                    | ApiError::WrongCredentials
                    | ApiError::Conflict(Conflict::EmailTaken)
            )
        })
        .map(|e| view! { <Alert message=e.to_string() /> });
    view! {
        <form method="post" action=action class="account-form">
            {children()}
            {elsewhere}
            <button type="submit" class=button disabled=disabled>{submit}</button>
        </form>
    }
}

/// A password input with a Show/Hide button. The button works once [`RevealScript`]
/// has run; until then it holds its place invisibly, so nothing moves, and without
/// JavaScript it never appears.
#[component]
pub(super) fn SecretField(
    label: &'static str,
    id: &'static str,
    name: &'static str,
    /// `new-password` or `current-password`, so password managers generate or fill.
    autocomplete: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Field label id name kind="password" autocomplete error class="secret-field">
            <button type="button" class="reveal" aria-controls=id>"Show"</button>
        </Field>
    }
}

/// Wires every [`SecretField`]'s button: a few lines of plain script instead of an
/// island, so the pages cost the shared wasm bundle nothing. It carries the response's
/// nonce, which the page's Content-Security-Policy asks of inline scripts. A password shown is hidden
/// again before its form is sent (password managers only save hidden ones).
#[component]
pub(super) fn RevealScript() -> impl IntoView {
    const SCRIPT: &str = "for(const b of document.querySelectorAll('.reveal')){\
const i=document.getElementById(b.getAttribute('aria-controls')),\
set=s=>{i.type=s?'text':'password';b.textContent=s?'Hide':'Show'};\
b.classList.add('ready');b.onclick=()=>set(i.type==='password');\
i.form.addEventListener('submit',()=>set(false))}";
    view! { <script nonce=leptos::nonce::use_nonce() inner_html=SCRIPT></script> }
}

/// Under the sign-up form's display name (which may be left empty).
pub(super) const SIGN_UP_NAME_HINT: &str =
    "Up to 80 characters. Without one, the part of your email before the @.";

/// The rule a new password must meet, said under every new-password field.
pub(super) const PASSWORD_RULE: &str =
    "At least 10 characters; a long phrase is easiest to remember.";

/// The email and password fields both forms start with; the email as typed before a
/// refusal. `new`: a sign-up's new password, with the password rules' errors; otherwise a
/// sign-in's, where the only error is a wrong email or password.
#[component]
fn Credentials(error: Option<ApiError>, new: bool) -> impl IntoView {
    let password = if new {
        view! {
            <SecretField label="Password" id="password" name="password" autocomplete="new-password" error=at(&error, Name::Password) />
            <p class="field-hint">{PASSWORD_RULE}</p>
        }
        .into_any()
    } else {
        let wrong = wrong_password(&error, "Wrong email or password.");
        view! { <SecretField label="Password" id="password" name="password" autocomplete="current-password" error=wrong /> }
        .into_any()
    };
    // At sign-in the browser may offer passkeys in the email field's autofill.
    let autocomplete = if new { "email" } else { "username webauthn" };
    view! {
        <Field label="Email" id="email" name="email" kind="email" autocomplete value=kept("email") error=at(&error, Name::Email) />
        {password}
    }
}

/// On the sign-up and sign-in pages of a member: who is signed in already, before they
/// fill in a form the server would refuse.
#[component]
fn SignedInAlready(
    /// What the page's form does for them.
    then: &'static str,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let viewer = crate::server::page_data::<ViewerView>();
    #[cfg(not(feature = "ssr"))]
    let viewer = None::<ViewerView>;
    let Some(ViewerView::Member { name }) = viewer else { return None };
    Some(view! {
        <p class="notice" role="status">
            "You are signed in as "<strong>{name}</strong>". "{then}" "
            <a href="/">"Back to your avatars"</a>
        </p>
    })
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let error = failure(SignUp::PATH);
    // A taken email: the way to the account that has it, as a link.
    let taken = matches!(error, Some(ApiError::Conflict(Conflict::EmailTaken))).then(|| {
        view! { <p class="field-hint"><a href="/signin">"Sign in to that account instead"</a></p> }
    });
    view! {
        <section class="account" aria-labelledby="sign-up-title">
            <leptos_meta::Title text="Create your account" />
            <h1 id="sign-up-title">"Create your account"</h1>
            <SignedInAlready then="Sign out first to create another account." />
            <p>"Your avatars come along. Already have an account? "<a href="/signin">"Sign in"</a></p>
            <ProviderButtons />
            <AccountForm action=SignUp::url() error=error.clone() submit="Create account">
                <Credentials error=error.clone() new=true />
                {taken}
                <Field
                    label="Display name (optional)"
                    id="display_name"
                    name="display_name"
                    value=kept("display_name")
                    autocomplete="nickname"
                    hint=SIGN_UP_NAME_HINT
                    error=at(&error, Name::DisplayName)
                />
            </AccountForm>
            <PasskeyButton kind="signup" label="Create account with a passkey instead" />
            <RevealScript />
            <PasskeyScript />
        </section>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let error = failure(SignIn::PATH);
    view! {
        <section class="account" aria-labelledby="sign-in-title">
            <leptos_meta::Title text="Sign in" />
            <h1 id="sign-in-title">"Sign in"</h1>
            <SignedInAlready then="Signing in here switches to another account." />
            <p>"Your avatars come along. New here? "<a href="/signup">"Create an account"</a></p>
            <ProviderProblemAlert />
            <ProviderButtons />
            <PasskeyButton kind="signin" label="Sign in with a passkey" />
            <AccountForm action=SignIn::url() error=error.clone() submit="Sign in">
                <Credentials error=error.clone() new=false />
                <p class="field-hint"><a href="/forgot">"Forgot password?"</a></p>
            </AccountForm>
            <p><a href="/email-link">"Email me a sign-in link"</a></p>
            <RevealScript />
            <PasskeyScript />
        </section>
    }
}
