//! What the forgot-password and reset forms do: ask for a link with this browser's asking
//! secret, and set the new password with the link's token.

use identity::email::Reset;

use super::super::{
    actions::{end_previous_session, guest_of, signed_in},
    asking,
    notice::{Notice, done},
};
use crate::{
    error::ApiError,
    server::{Services, account_error, back_with, client_ip, services},
};

/// Asks for a reset link; answers the same whether or not the address has an
/// account (the mail limits' 429 included).
pub async fn forgot_password(form: &str, email: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/forgot", form, &[("email", email)]);
    let (_, Services { mail, .. }) = services()?;
    mail.request_reset(email, client_ip(), asking::ask())
        .await
        .map_err(|error| refused(account_error(error)))?;
    done("/forgot", &Notice::ResetLinkSent);
    Ok(())
}

/// Sets the new password with the link's token: in the browser that asked, signs in
/// and brings its guest along; elsewhere, back to the sign-in page.
pub async fn reset_password(form: &str, token: &str, password: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/reset", form, &[("token", token)]);
    let (viewer, Services { mail, identity, accounts, .. }) = services()?;
    let asker = asking::asker();
    match mail.reset_password(token, password, client_ip(), asker, guest_of(viewer)).await {
        Ok(Reset::SignedIn(upgrade)) => {
            asking::forget();
            end_previous_session(&accounts, viewer).await;
            signed_in(&identity, &upgrade);
        }
        Ok(Reset::PasswordSet(_)) => done("/signin", &Notice::PasswordReset),
        Err(error) => return Err(refused(account_error(error))),
    }
    Ok(())
}
