//! What asking for a sign-in link, following one and typing its code do on the server.

use identity::email::LinkSignIn;

use super::super::{
    actions::{end_previous_session, guest_of, signed_in},
    asking,
    notice::{Notice, done},
};
use crate::{
    error::{ApiError, Conflict, answer},
    server::{Services, account_error, back_with, client_ip, services},
};

/// Asks for a sign-in link; answers the same whether or not the address has an account
/// (the mail limits' 429 included).
pub async fn email_link(form: &str, email: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/email-link", form, &[("email", email)]);
    let (_, Services { mail, .. }) = services()?;
    mail.request_sign_in_link(email, client_ip(), asking::ask())
        .await
        .map_err(|error| refused(account_error(error)))?;
    done("/email-link", &Notice::SignInLinkSent);
    Ok(())
}

/// Follows a link: in the browser that asked, signs in and brings its guest along;
/// anywhere else, back to the link's page, which shows the code.
pub async fn sign_in_with_link(form: &str, token: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/signin-link", form, &[("token", token)]);
    let (viewer, Services { mail, identity, accounts, .. }) = services()?;
    let followed = mail.sign_in_with_link(token, client_ip(), asking::asker(), guest_of(viewer));
    match followed.await {
        Ok(LinkSignIn::SignedIn(upgrade)) => {
            asking::forget();
            end_previous_session(&accounts, viewer).await;
            signed_in(&identity, &upgrade);
            Ok(())
        }
        Ok(LinkSignIn::AskedElsewhere(_)) => {
            Err(refused(answer(ApiError::Conflict(Conflict::AskedElsewhere))))
        }
        Err(error) => Err(refused(account_error(error))),
    }
}

/// Signs in with the code of a link asked for in this browser and read elsewhere.
pub async fn sign_in_with_code(form: &str, code: &str) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/email-link", form, &[("code", code)]);
    let (viewer, Services { mail, identity, accounts, .. }) = services()?;
    let upgrade = mail
        .sign_in_with_code(code, client_ip(), asking::asker(), guest_of(viewer))
        .await
        .map_err(|error| refused(account_error(error)))?;
    asking::forget();
    end_previous_session(&accounts, viewer).await;
    signed_in(&identity, &upgrade);
    Ok(())
}
