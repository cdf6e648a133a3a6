//! The sign-up, sign-in and account pages: plain forms, rendered on the server, each
//! error next to the field it is about (after a no-JavaScript post, the error's code
//! comes back in the URL).

use leptos::{prelude::*, server_fn::ServerFn};

use super::api::{AccountView, SetDisplayName, SignIn, SignOut, SignOutEverywhere, SignUp};
use crate::{
    components::{alert::Alert, field::Field},
    error::{ApiError, Conflict, Field as Name},
};

/// The refusal of this page's last post, if the URL carries one for `action`.
fn failure(action: &str) -> Option<ApiError> {
    #[cfg(feature = "ssr")]
    return crate::server::form_failure().filter(|(path, _)| path == action).map(|(_, e)| e);
    #[cfg(not(feature = "ssr"))]
    {
        let _ = action;
        None
    }
}

/// Where an account error shows: next to its field, or (any other) above the button.
fn at(error: &Option<ApiError>, field: Name) -> Signal<Option<String>> {
    let message = error.as_ref().and_then(|error| match (error, field) {
        (ApiError::Conflict(Conflict::EmailTaken), Name::Email)
        | (ApiError::WrongCredentials, Name::Password) => Some(error.to_string()),
        _ => error.for_field(field),
    });
    Signal::stored(message)
}

/// A form of these pages: its fields, then any refusal that no field shows, then the
/// button.
#[component]
fn AccountForm(
    action: &'static str,
    error: Option<ApiError>,
    submit: &'static str,
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
            <button type="submit" class="primary">{submit}</button>
        </form>
    }
}

/// The email and password fields both forms start with. `password` is the field's
/// `autocomplete`: `new-password` (sign-up) or `current-password` (sign-in), so password
/// managers offer to generate or to fill.
#[component]
fn Credentials(error: Option<ApiError>, password: &'static str) -> impl IntoView {
    view! {
        <Field label="Email" id="email" name="email" kind="email" autocomplete="email" error=at(&error, Name::Email) />
        <Field
            label="Password"
            id="password"
            name="password"
            kind="password"
            autocomplete=password
            error=at(&error, Name::Password)
        />
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let error = failure(SignUp::PATH);
    view! {
        <section class="account" aria-labelledby="sign-up-title">
            <h1 id="sign-up-title">"Create your account"</h1>
            <p>"Your avatars come along. Already have an account? "<a href="/signin">"Sign in"</a></p>
            <p class="field-hint">
                "A password of at least 10 characters; a long phrase is easiest to remember. "
                "The display name is optional: without one, the part of your email before the @."
            </p>
            <AccountForm action=SignUp::url() error=error.clone() submit="Create account">
                <Credentials error=error.clone() password="new-password" />
                <Field
                    label="Display name (optional)"
                    id="display_name"
                    name="display_name"
                    autocomplete="nickname"
                    error=at(&error, Name::DisplayName)
                />
            </AccountForm>
        </section>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let error = failure(SignIn::PATH);
    view! {
        <section class="account" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            <p>"Your avatars come along. New here? "<a href="/signup">"Create an account"</a></p>
            <AccountForm action=SignIn::url() error=error.clone() submit="Sign in">
                <Credentials error=error.clone() password="current-password" />
            </AccountForm>
        </section>
    }
}

/// `/account`: who the member is, and ending sessions — here or everywhere.
#[component]
pub fn AccountPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let account = crate::server::page_data::<AccountView>();
    #[cfg(not(feature = "ssr"))]
    let account = None::<AccountView>;
    let error = failure(SetDisplayName::PATH);
    let Some(AccountView { email, display_name }) = account else {
        return view! {
            <section class="account" aria-labelledby="account-title">
                <h1 id="account-title">"Your account"</h1>
                <p>"You are a guest. "<a href="/signin">"Sign in"</a>" or "<a href="/signup">"create an account"</a>" to keep your avatars."</p>
            </section>
        }
        .into_any();
    };
    view! {
        <section class="account" aria-labelledby="account-title">
            <h1 id="account-title">"Your account"</h1>
            <dl class="account-facts">
                <dt>"Email"</dt>
                <dd>{email}</dd>
            </dl>
            <AccountForm action=SetDisplayName::url() error=error.clone() submit="Save name">
                <Field
                    label="Display name"
                    id="display_name"
                    name="display_name"
                    value=display_name
                    autocomplete="nickname"
                    error=at(&error, Name::DisplayName)
                />
            </AccountForm>
            <form method="post" action=SignOut::url() class="inline">
                <button type="submit">"Sign out"</button>
            </form>
            <form method="post" action=SignOutEverywhere::url() class="account-form">
                <p>"Signed in on a device you no longer have? End every session, this one too."</p>
                <button type="submit" class="danger">"Sign out everywhere"</button>
            </form>
        </section>
    }
    .into_any()
}
