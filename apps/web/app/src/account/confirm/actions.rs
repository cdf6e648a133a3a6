//! What confirming an address does on the server: mail the link (after sign-up, and
//! again on request) and confirm with its token.

use identity::{OwnerId, Viewer};
use persistence::Store;

use super::super::notice::{Notice, done};
use crate::{
    error::ApiError,
    server::{Services, account_error, back_with, client_ip, member, services},
};

/// After a sign-up with a password: the link, mailed. Best effort, since the account
/// works without it: over the mail limits, or with the store failing, the account page
/// offers to send it again.
pub(in crate::account) async fn mail_link(
    mail: &identity::email::EmailAccounts<Store>,
    member: OwnerId,
) {
    if let Err(error) = mail.verify_after_sign_up(member, client_ip()).await {
        tracing::warn!(error = %error, "mailing a confirmation link after sign-up");
    }
}

/// Mails the signed-in member the link again.
pub async fn send_confirmation(form: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/account", form, &[]);
    let (viewer, Services { mail, .. }) = services()?;
    let user_id = member(viewer).map_err(refused)?;
    mail.request_verification(user_id, client_ip())
        .await
        .map_err(|error| refused(account_error(error)))?;
    done("/account", &Notice::ConfirmationSent);
    Ok(())
}

/// Confirms the address the link's token was mailed to. The member it belongs to goes
/// on to the account page; anyone else (the link opened in another browser) to the
/// start page, as they were.
pub async fn verify_email(form: &str, token: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/verify", form, &[("token", token)]);
    let (viewer, Services { mail, .. }) = services()?;
    let confirmed = mail
        .verify_email(token, client_ip())
        .await
        .map_err(|error| refused(account_error(error)))?;
    let to = match viewer {
        Viewer::Member { user_id, .. } if user_id == confirmed.id => "/account",
        _ => "/",
    };
    done(to, &Notice::EmailConfirmed);
    Ok(())
}
