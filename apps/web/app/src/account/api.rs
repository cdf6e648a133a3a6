//! The account server functions. Each works as a plain form post (the pages have no
//! island): a success redirects to `/`, a failure back to the form with the error's code.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use super::views::ViewerView;
use crate::{
    client::transport::{ApiClient, Json},
    error::ApiError,
};

/// Creates an account from the guest's roster and signs in to it.
#[server(endpoint = "account/sign-up", client = ApiClient, output = Json)]
pub async fn sign_up(
    email: String,
    password: String,
    display_name: String,
) -> Result<(), ApiError> {
    let form = <SignUp as leptos::server_fn::ServerFn>::PATH;
    super::actions::sign_up(form, &email, &password, &display_name).await
}

/// Signs in and brings the guest's roster along.
#[server(endpoint = "account/sign-in", client = ApiClient, output = Json)]
pub async fn sign_in(email: String, password: String) -> Result<(), ApiError> {
    super::actions::sign_in(<SignIn as leptos::server_fn::ServerFn>::PATH, &email, &password).await
}

/// Mails a link that sets a new password, if the address has an account; says the same
/// either way.
#[server(endpoint = "account/forgot-password", client = ApiClient, output = Json)]
pub async fn forgot_password(email: String) -> Result<(), ApiError> {
    let form = <ForgotPassword as leptos::server_fn::ServerFn>::PATH;
    super::recovery::actions::forgot_password(form, &email).await
}

/// Sets a new password with a reset link's token.
#[server(endpoint = "account/reset-password", client = ApiClient, output = Json)]
pub async fn reset_password(token: String, password: String) -> Result<(), ApiError> {
    let form = <ResetPassword as leptos::server_fn::ServerFn>::PATH;
    super::recovery::actions::reset_password(form, &token, &password).await
}

/// Mails a link that signs in in this browser, if the address has an account; says the
/// same either way.
#[server(endpoint = "account/email-link", client = ApiClient, output = Json)]
pub async fn email_sign_in_link(email: String) -> Result<(), ApiError> {
    let form = <EmailSignInLink as leptos::server_fn::ServerFn>::PATH;
    super::link::actions::email_link(form, &email).await
}

/// Signs in with a sign-in link's token, in the browser that asked for it.
#[server(endpoint = "account/sign-in-link", client = ApiClient, output = Json)]
pub async fn sign_in_with_link(token: String) -> Result<(), ApiError> {
    let form = <SignInWithLink as leptos::server_fn::ServerFn>::PATH;
    super::link::actions::sign_in_with_link(form, &token).await
}

/// Signs in with the code of a sign-in link asked for in this browser.
#[server(endpoint = "account/sign-in-code", client = ApiClient, output = Json)]
pub async fn sign_in_with_code(code: String) -> Result<(), ApiError> {
    let form = <SignInWithCode as leptos::server_fn::ServerFn>::PATH;
    super::link::actions::sign_in_with_code(form, &code).await
}

/// Confirms the address a confirmation link was mailed to; signs nobody in.
#[server(endpoint = "account/verify-email", client = ApiClient, output = Json)]
pub async fn verify_email(token: String) -> Result<(), ApiError> {
    let form = <VerifyEmail as leptos::server_fn::ServerFn>::PATH;
    super::confirm::actions::verify_email(form, &token).await
}

/// Mails the signed-in member a link that confirms their address, again.
#[server(endpoint = "account/send-confirmation", client = ApiClient, output = Json)]
pub async fn send_confirmation() -> Result<(), ApiError> {
    let form = <SendConfirmation as leptos::server_fn::ServerFn>::PATH;
    super::confirm::actions::send_confirmation(form).await
}

/// Mails a link that moves the account to `email`; answers the same whether or not that
/// address has an account. `password` is empty for an account without one.
#[server(endpoint = "account/change-email", client = ApiClient, output = Json)]
pub async fn change_email(email: String, password: String) -> Result<(), ApiError> {
    let form = <ChangeEmail as leptos::server_fn::ServerFn>::PATH;
    super::change::actions::change_email(form, &email, &password).await
}

/// Moves the account to the address a change link was mailed to.
#[server(endpoint = "account/confirm-email-change", client = ApiClient, output = Json)]
pub async fn confirm_email_change(token: String) -> Result<(), ApiError> {
    let form = <ConfirmEmailChange as leptos::server_fn::ServerFn>::PATH;
    super::change::actions::confirm_email_change(form, &token).await
}

/// After a sign-in that found the roster too full for the guest's avatars: of those
/// `/keep` showed (`shown`, their ids comma-separated), the ones checked (`keep`) stay and
/// the others are deleted; the guest's join the account.
#[server(endpoint = "account/keep", client = ApiClient, output = Json)]
pub async fn keep_avatars(
    shown: String,
    #[server(default)] keep: Vec<String>,
) -> Result<(), ApiError> {
    let form = <KeepAvatars as leptos::server_fn::ServerFn>::PATH;
    super::keep::actions::keep(form, &shown, &keep).await
}

/// Makes a code that carries this guest to another device; the page shows it once.
#[server(endpoint = "account/device-code", client = ApiClient, output = Json)]
pub async fn make_device_code() -> Result<(), ApiError> {
    let form = <MakeDeviceCode as leptos::server_fn::ServerFn>::PATH;
    super::device::actions::make_code(form).await
}

/// Makes this browser the guest a code from another device was made for; the avatars
/// here come along.
#[server(endpoint = "account/continue-here", client = ApiClient, output = Json)]
pub async fn continue_here(code: String) -> Result<(), ApiError> {
    let form = <ContinueHere as leptos::server_fn::ServerFn>::PATH;
    super::device::actions::continue_here(form, &code).await
}

/// Ends this browser's session and starts a brand-new, empty guest (or gives the browser
/// back to a guest whose avatars still wait for a choice).
#[server(endpoint = "account/sign-out", client = ApiClient, output = Json)]
pub async fn sign_out() -> Result<(), ApiError> {
    super::actions::sign_out().await
}

/// Ends every session of the member, this browser's too (which starts a new guest).
#[server(endpoint = "account/sign-out-everywhere", client = ApiClient, output = Json)]
pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    super::actions::sign_out_everywhere().await
}

/// Renames the member; the header and the account page show the new name.
#[server(endpoint = "account/display-name", client = ApiClient, output = Json)]
pub async fn set_display_name(display_name: String) -> Result<(), ApiError> {
    super::actions::set_display_name(&display_name).await
}

/// Changes the password (the current one first); this browser stays signed in, every
/// other session ends.
#[server(endpoint = "account/password", client = ApiClient, output = Json)]
pub async fn change_password(current_password: String, password: String) -> Result<(), ApiError> {
    super::actions::change_password(&current_password, &password).await
}

/// Gives a member who signs in with providers or passkeys a password too (after a recent
/// sign-in); this browser stays signed in, every other session ends.
#[server(endpoint = "account/set-password", client = ApiClient, output = Json)]
pub async fn set_password(password: String) -> Result<(), ApiError> {
    super::actions::set_password(&password).await
}

/// Deletes the account, its avatars and everything linked to it (the password first);
/// this browser goes on as a brand-new guest.
#[server(endpoint = "account/delete", client = ApiClient, output = Json)]
pub async fn delete_account(password: String) -> Result<(), ApiError> {
    super::actions::delete_account(&password).await
}

/// Removes the member's link to `provider`, unless it is their last way to sign in.
#[server(endpoint = "account/unlink", client = ApiClient, output = Json)]
pub async fn unlink_provider(provider: String) -> Result<(), ApiError> {
    super::actions::unlink_provider(
        <UnlinkProvider as leptos::server_fn::ServerFn>::PATH,
        &provider,
    )
    .await
}

/// Removes one of the member's passkeys, unless it is their last way to sign in.
#[server(endpoint = "account/remove-passkey", client = ApiClient, output = Json)]
pub async fn remove_passkey(credential_id: String) -> Result<(), ApiError> {
    let form = <RemovePasskey as leptos::server_fn::ServerFn>::PATH;
    super::actions::remove_passkey(form, &credential_id).await
}

/// `GET /api/viewer`: `{"kind":"guest"}` or `{"kind":"member","name":…}`.
#[server(endpoint = "viewer", input = GetUrl, client = ApiClient, output = Json)]
pub async fn viewer() -> Result<ViewerView, ApiError> {
    let (viewer, services) = crate::server::services()?;
    Ok(super::actions::PageViewer::load(&services.store, viewer).await.view())
}
