use chrono::{DateTime, Utc};

use super::{MemoryStore, MemoryStoreError, Result, State};
use crate::{
    AccountRefusal, ChangedEmail, EmailTokenStore, FoundEmailToken, NewEmailToken, OwnerId,
    account::{Member, PasswordHash},
    email::{TokenDigest, TokenPurpose},
};

impl EmailTokenStore for MemoryStore {
    async fn issue_email_token(&self, token: NewEmailToken) -> Result<()> {
        self.with(|state| {
            state.email_tokens.retain(|t| (t.member, t.purpose) != (token.member, token.purpose));
            state.email_tokens.push(token);
        });
        Ok(())
    }

    async fn find_email_token(
        &self,
        digest: &TokenDigest,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<FoundEmailToken>> {
        Ok(self.with(|state| {
            state
                .email_tokens
                .iter()
                .find(|t| t.digest == *digest && t.purpose == purpose && t.expires_at > now)
                .map(|t| FoundEmailToken { member: t.member, asker: t.asker })
        }))
    }

    async fn reset_password(
        &self,
        digest: &TokenDigest,
        hash: PasswordHash,
        now: DateTime<Utc>,
    ) -> Result<Option<Member>> {
        Ok(self.with(|state| {
            let token = state.spend(digest, TokenPurpose::ResetPassword, now)?;
            if !state.holder(&token)?.email_verified {
                state.forget_unproven_ways_in(token.member);
            }
            let member = state.members.get_mut(&token.member)?;
            member.password_hash = Some(hash);
            member.email_verified = true;
            member.session_version += 1;
            Some(member.clone())
        }))
    }

    async fn tokens_asked_by(
        &self,
        asker: &TokenDigest,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> Result<Vec<TokenDigest>> {
        Ok(self.with(|state| {
            state
                .email_tokens
                .iter()
                .filter(|t| t.asker == Some(*asker) && t.purpose == purpose && t.expires_at > now)
                .map(|t| t.digest)
                .collect()
        }))
    }

    async fn sign_in_with_token(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> Result<Option<Member>> {
        Ok(self.with(|state| {
            let token = state.spend(digest, TokenPurpose::SignIn, now)?;
            if !state.holder(&token)?.email_verified {
                state.forget_unproven_ways_in(token.member);
                let member = state.members.get_mut(&token.member)?;
                member.password_hash = None;
                member.session_version += 1;
            }
            let member = state.members.get_mut(&token.member)?;
            member.email_verified = true;
            Some(member.clone())
        }))
    }

    async fn verify_email(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> Result<Option<Member>> {
        Ok(self.with(|state| {
            let token = state.spend(digest, TokenPurpose::VerifyEmail, now)?;
            state.holder(&token)?;
            let member = state.members.get_mut(&token.member)?;
            member.email_verified = true;
            Some(member.clone())
        }))
    }

    async fn change_email(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> Result<Option<ChangedEmail>> {
        self.with(|state| {
            let live = |t: &&NewEmailToken| {
                t.digest == *digest && t.purpose == TokenPurpose::ChangeEmail && t.expires_at > now
            };
            let Some(token) = state.email_tokens.iter().find(live).cloned() else {
                return Ok(None);
            };
            if state.members.values().any(|m| m.email == token.email && m.id != token.member) {
                return Err(MemoryStoreError(AccountRefusal::EmailTaken));
            }
            state.email_tokens.retain(|t| t.member != token.member);
            let Some(member) = state.members.get_mut(&token.member) else { return Ok(None) };
            let old = std::mem::replace(&mut member.email, token.email);
            member.email_verified = true;
            member.session_version += 1;
            Ok(Some(ChangedEmail { member: member.clone(), old }))
        })
    }
}

impl State {
    /// The token's member, if it still has the address the token was mailed to.
    fn holder(&self, token: &NewEmailToken) -> Option<&Member> {
        self.members.get(&token.member).filter(|m| m.email == token.email)
    }

    /// Removes and returns the live token with `digest`, when it is for `purpose`.
    fn spend(
        &mut self,
        digest: &TokenDigest,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> Option<NewEmailToken> {
        let live = self
            .email_tokens
            .iter()
            .position(|t| t.digest == *digest && t.purpose == purpose && t.expires_at > now)?;
        Some(self.email_tokens.remove(live))
    }

    /// Removes the passkeys and provider links of a member whose address was unconfirmed
    /// until now.
    pub(super) fn forget_unproven_ways_in(&mut self, member: OwnerId) {
        self.links.retain(|(_, owner, _)| *owner != member);
        self.passkeys.retain(|key| key.owner != member);
    }
}
