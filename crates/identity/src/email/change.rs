//! Changing the address: the member asks (with the password, when the account has one),
//! a link goes to the new address, and following it — in any browser — moves the account
//! there, confirmed, ends every session and tells the old address.
//!
//! The answer to the asking says nothing about the new address: when another account
//! holds it, that address's owner gets a mail saying so and nothing changes, and the one
//! who asked hears only "check that inbox" — as for an address that is free. Someone who
//! can read that inbox learns it has an account, which they could learn anyway by asking
//! for a reset link there.

use super::{Client, EmailAccounts, EmailToken, TokenPurpose, VERIFY_LIFETIME};
use crate::{
    AccountRefusal, AccountStore, ChangedEmail, EmailTokenStore, OwnerId, StoreFailure,
    account::{AccountError, AccountField, AccountProblem, Action, Email, InvalidInput, Member},
    audit,
    store::NewEmailToken,
};

impl<S: AccountStore + EmailTokenStore> EmailAccounts<S> {
    /// Asks to move `member`'s account to the address `new`. A member with a password
    /// gives it (under the attempt limits, as a password change does); one without has
    /// signed in recently, which the caller checks. Answers once the request is counted
    /// against the new address's mail limits; which mail goes there follows the answer.
    pub async fn request_email_change(
        &self,
        member: OwnerId,
        password: &str,
        new: &str,
        client: Client,
    ) -> Result<(), AccountError<S::Error>> {
        let asked = self.try_request_email_change(member, password, new, client).await;
        audit::record("email_change_request", audit::outcome(&asked), Some(member), client);
        asked
    }

    async fn try_request_email_change(
        &self,
        member: OwnerId,
        password: &str,
        new: &str,
        client: Client,
    ) -> Result<(), AccountError<S::Error>> {
        let new = Email::parse(new).map_err(AccountError::Invalid)?;
        let mut member = self.accounts.member(member).await?;
        if member.email == new {
            let unchanged =
                InvalidInput { field: AccountField::Email, problem: AccountProblem::Unchanged };
            return Err(AccountError::Invalid(unchanged));
        }
        if member.password_hash.is_some() {
            member = self.accounts.confirm_password(member.id, password, client, false).await?;
        }
        self.accounts.admit_mail(Action::Mail, &new, Some(client), self.limits).await?;
        let this = self.clone();
        tokio::spawn(async move { this.mail_email_change(member, new, client).await });
        Ok(())
    }

    /// The part that depends on whether the new address has an account.
    async fn mail_email_change(&self, member: Member, new: Email, client: Client) {
        let store = &self.accounts.store;
        let outcome = match store.find_member_by_email(&new).await {
            Ok(Some(_)) => {
                self.hand_over(self.links.change_email_taken_mail(new.as_str()), "taken")
            }
            Ok(None) => {
                let token = EmailToken::random();
                let issued = store
                    .issue_email_token(NewEmailToken {
                        digest: token.digest(),
                        purpose: TokenPurpose::ChangeEmail,
                        member: member.id,
                        email: new.clone(),
                        asker: None,
                        expires_at: self.clock.now() + VERIFY_LIFETIME,
                    })
                    .await;
                match issued {
                    Ok(()) => {
                        self.hand_over(self.links.change_email_mail(new.as_str(), &token), "sent")
                    }
                    Err(error) => {
                        tracing::error!(
                            error = &error as &dyn std::error::Error,
                            "storing a change-of-address token"
                        );
                        "store_failure"
                    }
                }
            }
            Err(error) => {
                tracing::error!(error = &error as &dyn std::error::Error, "looking up an address");
                "store_failure"
            }
        };
        audit::record("email_change_mail", outcome, Some(member.id), client);
    }

    /// Follows a change-of-address link: the account moves to the address it was mailed
    /// to, every session ends (the caller issues the member's own browser a new one) and
    /// the old address is told. [`AccountError::EmailTaken`] when another account took
    /// the address meanwhile: the person proved they read it, so saying so tells them
    /// nothing new.
    pub async fn change_email(
        &self,
        token: &str,
        client: Client,
    ) -> Result<ChangedEmail, AccountError<S::Error>> {
        let changed = match EmailToken::parse(token) {
            Some(token) => {
                let changed =
                    self.accounts.store.change_email(&token.digest(), self.clock.now()).await;
                changed
                    .map_err(|error| match error.refusal() {
                        Some(AccountRefusal::EmailTaken) => AccountError::EmailTaken,
                        _ => AccountError::Store(error),
                    })
                    .and_then(|changed| changed.ok_or(AccountError::BadLink))
            }
            None => Err(AccountError::BadLink),
        };
        if let Ok(ChangedEmail { member, old }) = &changed {
            let told = self.links.email_changed_mail(old.as_str(), member.email.as_str());
            audit::record(
                "email_changed_mail",
                self.hand_over(told, "sent"),
                Some(member.id),
                client,
            );
        }
        let member = changed.as_ref().ok().map(|changed| changed.member.id);
        audit::record("email_change", audit::outcome(&changed), member, client);
        changed
    }
}
