//! What the forgot-password and reset forms do: ask for a link with this browser's asking
//! secret, and set the new password with the link's token.

use identity::{
    Viewer,
    email::{EmailToken, Reset},
};

use super::super::{
    actions::{end_previous_session, signed_in},
    notice::{Notice, done},
};
use crate::{
    error::ApiError,
    server::{Services, account_error, back_with, client_ip, flash, services},
};

/// The cookie that marks the browser that asked for a link: a random secret, whose
/// digest the link's token is stored with. As long as a link works.
const ASKED_COOKIE: &str = "__Host-mail-asked";

/// Asks for a reset link; answers the same whether or not the address has an
/// account (the mail limits' 429 included).
pub async fn forgot_password(form: &str, email: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/forgot", form, &[("email", email)]);
    let (_, Services { mail, .. }) = services()?;
    let secret = EmailToken::random();
    mail.request_reset(email, client_ip(), secret.digest())
        .await
        .map_err(|error| refused(account_error(error)))?;
    flash::set(ASKED_COOKIE, secret.expose(), identity::email::RESET_LIFETIME);
    done("/forgot", &Notice::ResetLinkSent);
    Ok(())
}

/// Sets the new password with the link's token: in the browser that asked, signs in
/// and brings its guest along; elsewhere, back to the sign-in page.
pub async fn reset_password(form: &str, token: &str, password: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/reset", form, &[("token", token)]);
    let (viewer, Services { mail, identity, accounts, .. }) = services()?;
    let asker = flash::peek(ASKED_COOKIE)
        .and_then(|secret| EmailToken::parse(&secret))
        .map(|secret| secret.digest());
    let guest = match viewer {
        Viewer::Guest { sid } => Some(sid),
        Viewer::Member { .. } => None,
    };
    match mail.reset_password(token, password, client_ip(), asker, guest).await {
        Ok(Reset::SignedIn(upgrade)) => {
            flash::take(ASKED_COOKIE);
            end_previous_session(&accounts, viewer).await;
            signed_in(&identity, &upgrade);
        }
        Ok(Reset::PasswordSet(_)) => done("/signin", &Notice::PasswordReset),
        Err(error) => return Err(refused(account_error(error))),
    }
    Ok(())
}
