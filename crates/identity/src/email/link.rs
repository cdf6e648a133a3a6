//! "Email me a sign-in link" (Auth.js's email provider, bound to the browser that asked).
//! Asking answers the same for every address, as "Forgot password?" does. The link signs
//! in only in the browser that asked: it holds the asking secret whose digest the token
//! is stored with, as a provider flow's state is bound to the browser that started it.
//! Opened anywhere else it signs in nobody and shows the mail's short code, to type in
//! the first browser. Either way the token is spent once: the guest's avatars come along
//! once, and a replay does nothing. Following it proves the address, as a reset does.

use super::{
    Client, EmailAccounts, EmailToken, SIGN_IN_LIFETIME, SignInCode, TokenDigest, TokenPurpose,
};
use crate::{
    AccountStore, EmailTokenStore, OwnerId,
    account::{AccountError, Action, Email, Upgrade, nothing_merged},
    audit,
    store::NewEmailToken,
};

/// What following a sign-in link did.
#[derive(Clone, Debug)]
pub enum LinkSignIn {
    /// In the browser that asked: signed in, with what came along from its guest.
    SignedIn(Upgrade),
    /// In another browser: nothing happened; the link's code signs in the browser that
    /// asked.
    AskedElsewhere(SignInCode),
}

impl<S: AccountStore + EmailTokenStore> EmailAccounts<S> {
    /// Asks for a sign-in link for `email`, from the browser whose asking secret has the
    /// digest `asker`. Answers once the request is counted against the mail limits (the
    /// same budget as reset links); the lookup and the mail follow the answer.
    pub async fn request_sign_in_link(
        &self,
        email: &str,
        client: Client,
        asker: TokenDigest,
    ) -> Result<(), AccountError<S::Error>> {
        let email = Email::parse(email).map_err(AccountError::Invalid)?;
        self.accounts.admit_mail(Action::Mail, &email, client, self.limits).await?;
        let this = self.clone();
        tokio::spawn(async move { this.mail_sign_in_link(email, client, asker).await });
        Ok(())
    }

    async fn mail_sign_in_link(&self, email: Email, client: Client, asker: TokenDigest) {
        let store = &self.accounts.store;
        let (member, outcome) = match store.find_member_by_email(&email).await {
            Ok(Some(member)) => {
                let token = EmailToken::random();
                let issued = store
                    .issue_email_token(NewEmailToken {
                        digest: token.digest(),
                        purpose: TokenPurpose::SignIn,
                        member: member.id,
                        email: email.clone(),
                        asker: Some(asker),
                        expires_at: self.clock.now() + SIGN_IN_LIFETIME,
                    })
                    .await;
                let outcome = match issued {
                    Ok(()) => {
                        match self.mailer.send(self.links.sign_in_mail(email.as_str(), &token)) {
                            Ok(()) => "sent",
                            Err(_) => "queue_full",
                        }
                    }
                    Err(error) => {
                        tracing::error!(
                            error = &error as &dyn std::error::Error,
                            "storing a sign-in token"
                        );
                        "store_failure"
                    }
                };
                (Some(member.id), outcome)
            }
            Ok(None) => (None, "no_account"),
            Err(error) => {
                tracing::error!(error = &error as &dyn std::error::Error, "looking up a link");
                (None, "store_failure")
            }
        };
        audit::record("sign_in_link_mail", outcome, member, client);
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
            return Ok(LinkSignIn::AskedElsewhere(SignInCode::of(&digest)));
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
        let code = SignInCode::parse(code).ok_or(AccountError::BadLink)?;
        let asked = self
            .accounts
            .store
            .tokens_asked_by(&asker, TokenPurpose::SignIn, self.clock.now())
            .await
            .map_err(AccountError::Store)?;
        let digest = asked
            .into_iter()
            .find(|digest| SignInCode::of(digest).matches(&code))
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
            None => Ok(Upgrade { member, merge: nothing_merged() }),
        }
    }
}
