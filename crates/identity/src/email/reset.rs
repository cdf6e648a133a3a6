//! "Forgot password?": a link by mail that sets a new password. Asking answers the same
//! for every address, known or not (the lookup happens after the answer); the link works
//! once, for [`RESET_LIFETIME`], and only until a newer one is asked for. Following it sets
//! the password, verifies the address (the mail reached its owner), and ends every
//! session, in one step — and, when the address was unconfirmed until then, removes every
//! passkey and provider link (whoever made the account with it keeps no way in). The
//! browser that asked is signed in and its guest comes along, as with a sign-in. In any
//! other browser the password is set and nothing else: the person signs in there with it.

use super::{
    Client, EmailAccounts, EmailToken, Links, RESET_LIFETIME, TokenDigest, TokenPurpose,
    request::Asked,
};
use crate::{
    AccountStore, EmailTokenStore, OwnerId,
    account::{AccountError, Member, Password, Upgrade},
    audit,
};

/// What a reset did.
#[derive(Clone, Debug)]
pub enum Reset {
    /// In the browser that asked: the member to sign in, and what came along from its
    /// guest.
    SignedIn(Upgrade),
    /// In another browser: the password is set; nothing else happened here.
    PasswordSet(Member),
}

/// A reset link, as asked for.
const RESET: Asked = Asked {
    purpose: TokenPurpose::ResetPassword,
    lifetime: RESET_LIFETIME,
    mail: Links::reset_mail,
    event: "password_reset_mail",
};

impl<S: AccountStore + EmailTokenStore> EmailAccounts<S> {
    /// Asks for a reset link for `email`, from a browser that holds the secret whose
    /// digest is `asker` (so that following the link there signs in). Answers alike for
    /// every address (`request`).
    pub async fn request_reset(
        &self,
        email: &str,
        client: Client,
        asker: TokenDigest,
    ) -> Result<(), AccountError<S::Error>> {
        self.request_link(RESET, email, client, asker).await
    }

    /// Sets a new password with the token a reset mail carried. `asker` is the digest of
    /// the asking secret this browser holds, if any, and `guest` this browser's guest: in
    /// the browser that asked, the member is signed in and the guest comes along.
    pub async fn reset_password(
        &self,
        token: &str,
        password: &str,
        client: Client,
        asker: Option<TokenDigest>,
        guest: Option<OwnerId>,
    ) -> Result<Reset, AccountError<S::Error>> {
        let reset = self.try_reset_password(token, password, client, asker, guest).await;
        let member = match &reset {
            Ok(Reset::SignedIn(upgrade)) => Some(upgrade.member.id),
            Ok(Reset::PasswordSet(member)) => Some(member.id),
            Err(_) => None,
        };
        let outcome = match &reset {
            Ok(Reset::SignedIn(_)) => "signed_in",
            Ok(Reset::PasswordSet(_)) => "password_set",
            Err(_) => audit::outcome(&reset),
        };
        audit::record("password_reset", outcome, member, client);
        reset
    }

    async fn try_reset_password(
        &self,
        token: &str,
        password: &str,
        client: Client,
        asker: Option<TokenDigest>,
        guest: Option<OwnerId>,
    ) -> Result<Reset, AccountError<S::Error>> {
        let token = EmailToken::parse(token).ok_or(AccountError::BadLink)?;
        let password = Password::parse_new(password).map_err(AccountError::Invalid)?;
        let store = &self.accounts.store;
        let purpose = TokenPurpose::ResetPassword;
        // Only a live token costs a hash: a made-up one is turned away with one read.
        let found = store
            .find_email_token(&token.digest(), purpose, self.clock.now())
            .await
            .map_err(AccountError::Store)?
            .ok_or(AccountError::BadLink)?;
        let hash = self.accounts.off_the_executor(client, move |h| h.hash(&password)).await?;
        let member = store
            .reset_password(&token.digest(), hash, self.clock.now())
            .await
            .map_err(AccountError::Store)?
            .ok_or(AccountError::BadLink)?;
        if asker.is_none() || asker != found.asker {
            return Ok(Reset::PasswordSet(member));
        }
        let upgrade = match guest {
            Some(guest) => self.accounts.bring_guest_along(guest, member).await?,
            None => Upgrade::without_guest(member),
        };
        Ok(Reset::SignedIn(upgrade))
    }
}
