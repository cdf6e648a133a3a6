//! Asking for a link that does more in the browser that asked (a reset link, a sign-in
//! link): one way for both. The answer says nothing about whether the address has an
//! account, in what it says or in how long it takes: it comes once the request is counted
//! against the mail limits, and looking the address up, storing the token and handing the
//! mail over happen after, in a task of their own, with an audit line either way.

use chrono::Duration;

use super::{Client, EmailAccounts, EmailToken, Links, Mail, TokenDigest, TokenPurpose};
use crate::{
    AccountStore, EmailTokenStore,
    account::{AccountError, Action, Email},
    audit,
    store::NewEmailToken,
};

/// A kind of link asked for by address.
#[derive(Clone, Copy, Debug)]
pub(super) struct Asked {
    pub purpose: TokenPurpose,
    pub lifetime: Duration,
    /// The mail that carries it.
    pub mail: fn(&Links, &str, &EmailToken) -> Mail,
    /// The audit line's event: `sent`, `no_account`, `queue_full` or `store_failure`.
    pub event: &'static str,
}

impl<S: AccountStore + EmailTokenStore> EmailAccounts<S> {
    /// Asks for a link of kind `asked` for `email`, from the browser whose asking secret
    /// has the digest `asker`.
    pub(super) async fn request_link(
        &self,
        asked: Asked,
        email: &str,
        client: Client,
        asker: TokenDigest,
    ) -> Result<(), AccountError<S::Error>> {
        let email = Email::parse(email).map_err(AccountError::Invalid)?;
        self.accounts.admit_mail(Action::Mail, &email, Some(client), self.limits).await?;
        let this = self.clone();
        tokio::spawn(async move { this.mail_link(asked, email, client, asker).await });
        Ok(())
    }

    /// The part of a request that depends on the account.
    async fn mail_link(&self, asked: Asked, email: Email, client: Client, asker: TokenDigest) {
        let store = &self.accounts.store;
        let (member, outcome) = match store.find_member_by_email(&email).await {
            Ok(Some(member)) => {
                let token = EmailToken::random();
                let issued = store
                    .issue_email_token(NewEmailToken {
                        digest: token.digest(),
                        purpose: asked.purpose,
                        member: member.id,
                        email: email.clone(),
                        asker: Some(asker),
                        expires_at: self.clock.now() + asked.lifetime,
                    })
                    .await;
                let outcome = match issued {
                    Ok(()) => {
                        self.hand_over((asked.mail)(&self.links, email.as_str(), &token), "sent")
                    }
                    Err(error) => {
                        tracing::error!(
                            error = &error as &dyn std::error::Error,
                            purpose = asked.purpose.as_str(),
                            "storing a token"
                        );
                        "store_failure"
                    }
                };
                (Some(member.id), outcome)
            }
            Ok(None) => (None, "no_account"),
            Err(error) => {
                tracing::error!(error = &error as &dyn std::error::Error, "looking up an address");
                (None, "store_failure")
            }
        };
        audit::record(asked.event, outcome, member, client);
    }
}
