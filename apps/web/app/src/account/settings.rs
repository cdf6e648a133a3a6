//! `/account`: who the member is, the display name, the password, ending sessions here
//! or everywhere, and deleting the account.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    api::{ChangePassword, DeleteAccount, SetDisplayName, SetPassword, SignOut, SignOutEverywhere},
    change::ChangeEmailForm,
    confirm::ConfirmYourEmail,
    export::EXPORT_PATH,
    failure::failure,
    pages::{AccountForm, RevealScript, SecretField, at, wrong_password},
    passkeys::Passkeys,
    providers::SignInMethods,
    views::AccountView,
};
use crate::{components::field::Field, error::Field as Name};

#[component]
pub fn AccountPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let account = crate::server::page_data::<AccountView>();
    #[cfg(not(feature = "ssr"))]
    let account = None::<AccountView>;
    let Some(AccountView {
        email,
        email_confirmed,
        display_name,
        has_password,
        recent,
        linked,
        passkeys,
        avatars,
    }) = account
    else {
        return view! {
            <section class="account" aria-labelledby="account-title">
                <leptos_meta::Title text="Your account" />
                <h1 id="account-title">"Your account"</h1>
                <p>"You are a guest. "<a href="/signin">"Sign in"</a>" or "<a href="/signup">"create an account"</a>" to keep your avatars."</p>
                <YourData />
            </section>
        }
        .into_any();
    };
    let renamed = failure(SetDisplayName::PATH);
    let password = failure(ChangePassword::PATH);
    let password_set = failure(SetPassword::PATH);
    let deleting = failure(DeleteAccount::PATH);
    view! {
        <section class="account" aria-labelledby="account-title">
            <leptos_meta::Title text="Your account" />
            <h1 id="account-title">"Your account"</h1>
            <dl class="account-facts">
                <dt>"Email"</dt>
                <dd>{email.clone()}{email_confirmed.then_some(" (confirmed)")}</dd>
            </dl>
            {(!email_confirmed).then(|| view! { <ConfirmYourEmail email=email /> })}
            <AccountForm action=SetDisplayName::url() error=renamed.clone() submit="Save name">
                <Field
                    label="Display name"
                    id="display_name"
                    name="display_name"
                    value=display_name
                    autocomplete="nickname"
                    hint=super::DISPLAY_NAME_HINT
                    error=at(&renamed, Name::DisplayName)
                />
            </AccountForm>

            <ChangeEmailForm has_password recent />

            <h2>"Password"</h2>
            {if has_password {
                view! {
                    <AccountForm action=ChangePassword::url() error=password.clone() submit="Change password">
                        <SecretField
                            label="Current password"
                            id="current_password"
                            name="current_password"
                            autocomplete="current-password"
                            error=wrong_password(&password, "That is not your current password.")
                        />
                        <NewPassword error=at(&password, Name::Password) />
                    </AccountForm>
                }
                .into_any()
            } else if recent {
                view! {
                    <AccountForm action=SetPassword::url() error=password_set.clone() submit="Set password">
                        <p>"This account has no password: you sign in with a passkey or a linked provider. Set one to sign in with it too."</p>
                        <NewPassword error=at(&password_set, Name::Password) />
                    </AccountForm>
                }
                .into_any()
            } else {
                view! {
                    <p>"This account has no password: you sign in with a passkey or a linked provider."</p>
                    <p class="field-hint">{crate::error::ApiError::SignInAgain.to_string()}</p>
                }
                .into_any()
            }}

            <SignInMethods has_password recent linked=linked.clone() passkeys=passkeys.len() />
            <Passkeys passkeys recent other_ways=usize::from(has_password) + linked.len() />

            <h2>"Sessions"</h2>
            <div class="account-form">
                <p>"Signed in on a device you no longer have? End every session, this one too."</p>
                <div class="actions">
                    <form method="post" action=SignOut::url()>
                        <button type="submit">"Sign out"</button>
                    </form>
                    <form method="post" action=SignOutEverywhere::url()>
                        <button type="submit" class="danger">"Sign out everywhere"</button>
                    </form>
                </div>
            </div>

            <YourData />

            <h2>"Delete account"</h2>
            <AccountForm
                action=DeleteAccount::url()
                error=deleting.clone()
                submit="Delete account"
                button="danger"
                disabled=!has_password && !recent
            >
                <p>{what_deleting_takes(avatars)}" This browser goes on as a new guest."</p>
                <p><a href=EXPORT_PATH download>"Download your data first"</a>" to keep a copy."</p>
                {if has_password {
                    view! {
                        <SecretField
                            label="Password"
                            id="delete_password"
                            name="password"
                            autocomplete="current-password"
                            error=wrong_password(&deleting, "That is not your password.")
                        />
                    }
                    .into_any()
                } else if !recent {
                    // Without a password, only a recent sign-in proves it is the owner.
                    view! { <p class="field-hint">{crate::error::ApiError::SignInAgain.to_string()}</p> }
                        .into_any()
                } else {
                    // Without a password, the email typed again confirms it.
                    view! {
                        <Field
                            label="Your email, to confirm"
                            id="delete_email"
                            name="password"
                            kind="email"
                            autocomplete="off"
                            error=wrong_password(&deleting, "That is not this account's email.")
                        />
                    }
                    .into_any()
                }}
            </AccountForm>
            <RevealScript />
        </section>
    }
    .into_any()
}

/// "Download your data", for a guest as for a member.
#[component]
fn YourData() -> impl IntoView {
    view! {
        <h2>"Your data"</h2>
        <p>
            <a href=EXPORT_PATH download>"Download your data"</a>
            " (JSON): your avatars and, for an account, its email, name and ways to sign in."
        </p>
    }
}

/// What deleting the account takes with it, counted when the count is known.
fn what_deleting_takes(avatars: Option<usize>) -> String {
    match avatars {
        Some(0) => "Deletes your account for good.".to_owned(),
        Some(1) => "Deletes your account and its avatar for good.".to_owned(),
        Some(n) => format!("Deletes your account and its {n} avatars for good."),
        None => "Deletes your account and all its avatars for good.".to_owned(),
    }
}

/// The new password of a change or a first password, and what saving it does.
#[component]
fn NewPassword(error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <SecretField label="New password" id="new_password" name="password" autocomplete="new-password" error />
        <p class="field-hint">{super::pages::PASSWORD_RULE}" Other devices are signed out; this one stays signed in."</p>
    }
}
