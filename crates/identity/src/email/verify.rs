//! Confirming an address: after sign-up a link is mailed to it; following it, in any
//! browser, marks the address confirmed and does nothing else (no sign-in, no merge).
//! Until then the account works as any other, but holds its address on trust: whoever
//! proves they receive its mail (a reset link, a provider that vouches for it) takes the
//! account, and its unproven holder keeps no way in (see [`crate::LinkStore`] and
//! [`crate::EmailTokenStore::reset_password`]).

use super::{Client, EmailAccounts, EmailToken, TokenPurpose, VERIFY_LIFETIME};
use crate::{
    AccountStore, EmailTokenStore, OwnerId,
    account::{AccountError, Action, Member},
    audit,
    store::NewEmailToken,
};

impl<S: AccountStore + EmailTokenStore> EmailAccounts<S> {
    /// Mails `member` a link that confirms its address, unless it is confirmed already,
    /// on request (the account page's "Send the link again"): counted against the mail
    /// limits per address and per network. The token is stored and the mail handed over
    /// after the answer, so a slow store or a full queue costs the request nothing (the
    /// person asks again).
    pub async fn request_verification(
        &self,
        member: OwnerId,
        client: Client,
    ) -> Result<(), AccountError<S::Error>> {
        self.verification(member, client, Some(client)).await
    }

    /// The same right after a sign-up, counted per address only: the sign-up was counted
    /// per network already, and a network's mail budget must not decide whether the 21st
    /// person to sign up from one office in an hour gets the link.
    pub async fn verify_after_sign_up(
        &self,
        member: OwnerId,
        client: Client,
    ) -> Result<(), AccountError<S::Error>> {
        self.verification(member, client, None).await
    }

    async fn verification(
        &self,
        member: OwnerId,
        client: Client,
        counted_per_network: Option<Client>,
    ) -> Result<(), AccountError<S::Error>> {
        let store = &self.accounts.store;
        let member = store
            .find_member(member)
            .await
            .map_err(AccountError::Store)?
            .ok_or(AccountError::NoSuchMember)?;
        if member.email_verified {
            return Ok(());
        }
        let limits = self.limits;
        let email = &member.email;
        self.accounts
            .admit_mail(Action::ConfirmationMail, email, counted_per_network, limits)
            .await?;
        let this = self.clone();
        tokio::spawn(async move { this.mail_verification(member, client).await });
        Ok(())
    }

    async fn mail_verification(&self, member: Member, client: Client) {
        let token = EmailToken::random();
        let issued = self
            .accounts
            .store
            .issue_email_token(NewEmailToken {
                digest: token.digest(),
                purpose: TokenPurpose::VerifyEmail,
                member: member.id,
                email: member.email.clone(),
                asker: None,
                expires_at: self.clock.now() + VERIFY_LIFETIME,
            })
            .await;
        let outcome = match issued {
            Ok(()) => self.hand_over(self.links.verify_mail(member.email.as_str(), &token), "sent"),
            Err(error) => {
                tracing::error!(error = &error as &dyn std::error::Error, "storing a verify token");
                "store_failure"
            }
        };
        audit::record("email_verification_mail", outcome, Some(member.id), client);
    }

    /// Confirms the address the link's token was mailed to: once, while the token lives,
    /// and only if the member still has that address.
    pub async fn verify_email(
        &self,
        token: &str,
        client: Client,
    ) -> Result<Member, AccountError<S::Error>> {
        let verified = match EmailToken::parse(token) {
            Some(token) => self
                .accounts
                .store
                .verify_email(&token.digest(), self.clock.now())
                .await
                .map_err(AccountError::Store)
                .and_then(|member| member.ok_or(AccountError::BadLink)),
            None => Err(AccountError::BadLink),
        };
        let member = verified.as_ref().ok().map(|member| member.id);
        audit::record("email_verified", audit::outcome(&verified), member, client);
        verified
    }
}
