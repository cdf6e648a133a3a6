//! What changing the address does on the server: ask for the link (answering the same
//! whether or not the new address has an account), and follow it.

use identity::ChangedEmail;

use super::super::{
    actions::recently_signed_in,
    notice::{Notice, done},
};
use crate::{
    error::ApiError,
    server::{Services, account_error, back_with, changed_identity, client_ip, member, services},
};

/// Mails the link to the new address (or, when it has an account, word of the attempt
/// to its owner): the answer is "check that inbox" either way.
pub async fn change_email(form: &str, email: &str, password: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/account", form, &[("email", email)]);
    let (viewer, Services { accounts, mail, identity, .. }) = services()?;
    let user_id = member(viewer).map_err(refused)?;
    let has_password = accounts
        .member(user_id)
        .await
        .map_err(|error| refused(account_error(error)))?
        .password_hash
        .is_some();
    if !has_password {
        recently_signed_in(viewer, &identity).map_err(refused)?;
    }
    mail.request_email_change(user_id, password, email, client_ip())
        .await
        .map_err(|error| refused(account_error(error)))?;
    done("/account", &Notice::EmailChangeSent);
    Ok(())
}

/// Moves the account to the address the link was mailed to. In the member's own browser
/// the session goes on at the new version (every other one has ended); anywhere else the
/// browser stays as it was.
pub async fn confirm_email_change(form: &str, token: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/change-email", form, &[("token", token)]);
    let (viewer, Services { mail, identity, .. }) = services()?;
    let ChangedEmail { member, .. } = mail
        .change_email(token, client_ip())
        .await
        .map_err(|error| refused(account_error(error)))?;
    match identity.renewed_session_cookie(viewer, &member) {
        Some(cookie) => {
            changed_identity(&[cookie]);
            done("/account", &Notice::EmailChanged);
        }
        None => done("/", &Notice::EmailChanged),
    }
    Ok(())
}
