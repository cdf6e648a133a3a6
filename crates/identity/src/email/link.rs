//! "Email me a sign-in link" (Auth.js's email provider, bound to the browser that asked).
//! Asking answers the same for every address, as "Forgot password?" does. The link signs
//! in only in the browser that asked: it holds the asking secret whose digest the token
//! is stored with, as a provider flow's state is bound to the browser that started it.
//! Opened anywhere else it signs in nobody and shows the mail's short code, to type in
//! the first browser. Either way the token is spent once: the guest's avatars come along
//! once, and a replay does nothing. Following it proves the address, as a reset does.

use super::{
    Client, EmailAccounts, EmailToken, Links, SIGN_IN_LIFETIME, ShortCode, TokenDigest,
    TokenPurpose, request::Asked,
};
use crate::{
    AccountStore, EmailTokenStore, OwnerId,
    account::{AccountError, Upgrade},
    audit,
};

/// What following a sign-in link did.
#[derive(Clone, Debug)]
pub enum LinkSignIn {
    /// In the browser that asked: signed in, with what came along from its guest.
    SignedIn(Upgrade),
    /// In another browser: nothing happened; the link's code signs in the browser that
    /// asked.
    AskedElsewhere(ShortCode),
}

/// A sign-in link, as asked for.
const SIGN_IN: Asked = Asked {
    purpose: TokenPurpose::SignIn,
    lifetime: SIGN_IN_LIFETIME,
    mail: Links::sign_in_mail,
    event: "sign_in_link_mail",
};

impl<S: AccountStore + EmailTokenStore> EmailAccounts<S> {
    /// Asks for a sign-in link for `email`, from the browser whose asking secret has the
    /// digest `asker`. Answers alike for every address (`request`), counted against the
    /// same budget as reset links.
    pub async fn request_sign_in_link(
        &self,
        email: &str,
        client: Client,
        asker: TokenDigest,
    ) -> Result<(), AccountError<S::Error>> {
        self.request_link(SIGN_IN, email, client, asker).await
    }

    /// Follows a sign-in link. `asker` is the digest of the asking secret this browser
    /// holds, if any, and `guest` this browser's guest.
    pub async fn sign_in_with_link(
        &self,
        token: &str,
        client: Client,
        asker: Option<TokenDigest>,
        guest: Option<OwnerId>,
    ) -> Result<LinkSignIn, AccountError<S::Error>> {
        let followed = self.try_sign_in_with_link(token, asker, guest).await;
        let (outcome, member) = match &followed {
            Ok(LinkSignIn::SignedIn(upgrade)) => ("signed_in", Some(upgrade.member.id)),
            Ok(LinkSignIn::AskedElsewhere(_)) => ("asked_elsewhere", None),
            Err(_) => (audit::outcome(&followed), None),
        };
        audit::record("sign_in_link", outcome, member, client);
        followed
    }

    async fn try_sign_in_with_link(
        &self,
        token: &str,
        asker: Option<TokenDigest>,
        guest: Option<OwnerId>,
    ) -> Result<LinkSignIn, AccountError<S::Error>> {
        let token = EmailToken::parse(token).ok_or(AccountError::BadLink)?;
        let digest = token.digest();
        let found = self
            .accounts
            .store
            .find_email_token(&digest, TokenPurpose::SignIn, self.clock.now())
            .await
            .map_err(AccountError::Store)?
            .ok_or(AccountError::BadLink)?;
        if asker.is_none() || asker != found.asker {
            return Ok(LinkSignIn::AskedElsewhere(ShortCode::of(&digest)));
        }
        self.spend(digest, guest).await.map(LinkSignIn::SignedIn)
    }

    /// Signs in with the code of a link asked for in this browser (`asker`), read on
    /// another device. A few tries per window ([`crate::account::CODE_TRIES`]); a code
    /// that matches no live link asked for here is [`AccountError::BadLink`].
    pub async fn sign_in_with_code(
        &self,
        code: &str,
        client: Client,
        asker: Option<TokenDigest>,
        guest: Option<OwnerId>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let signed_in = self.try_sign_in_with_code(code, asker, guest).await;
        let member = signed_in.as_ref().ok().map(|upgrade| upgrade.member.id);
        audit::record("sign_in_code", audit::outcome(&signed_in), member, client);
        signed_in
    }

    async fn try_sign_in_with_code(
        &self,
        code: &str,
        asker: Option<TokenDigest>,
        guest: Option<OwnerId>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let asker = asker.ok_or(AccountError::BadLink)?;
        self.accounts.admit_code(&asker).await?;
        let code = ShortCode::parse(code).ok_or(AccountError::BadLink)?;
        let asked = self
            .accounts
            .store
            .tokens_asked_by(&asker, TokenPurpose::SignIn, self.clock.now())
            .await
            .map_err(AccountError::Store)?;
        let digest = asked
            .into_iter()
            .find(|digest| ShortCode::of(digest).matches(&code))
            .ok_or(AccountError::BadLink)?;
        self.spend(digest, guest).await
    }

    /// Spends the token (proving the address) and brings the guest along.
    async fn spend(
        &self,
        digest: TokenDigest,
        guest: Option<OwnerId>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let member = self
            .accounts
            .store
            .sign_in_with_token(&digest, self.clock.now())
            .await
            .map_err(AccountError::Store)?
            .ok_or(AccountError::BadLink)?;
        match guest {
            Some(guest) => self.accounts.bring_guest_along(guest, member).await,
            None => Ok(Upgrade::without_guest(member)),
        }
    }
}
