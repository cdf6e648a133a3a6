//! The port of the tokens that links in mail carry.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::MemberStore;
use crate::{
    OwnerId,
    account::{Email, Member, PasswordHash},
    email::{TokenDigest, TokenPurpose},
};

/// A token to store for a mail's link.
#[derive(Clone, Debug)]
pub struct NewEmailToken {
    pub digest: TokenDigest,
    pub purpose: TokenPurpose,
    pub member: OwnerId,
    /// The address the mail went to: a link confirms that address and no other.
    pub email: Email,
    /// The digest of the secret the asking browser holds (its `__Host-` cookie), for a
    /// link that does more in the browser that asked; `None` for one that does the same
    /// anywhere.
    pub asker: Option<TokenDigest>,
    pub expires_at: DateTime<Utc>,
}

/// A live token, as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundEmailToken {
    pub member: OwnerId,
    pub asker: Option<TokenDigest>,
}

/// An address changed by its link: the member as it now is, and the address it had.
#[derive(Clone, Debug)]
pub struct ChangedEmail {
    pub member: Member,
    pub old: Email,
}

/// The tokens links in mail carry: stored as digests, single use, one live token per
/// member and purpose.
pub trait EmailTokenStore: MemberStore {
    /// Stores a token, replacing the member's earlier token of the same purpose (only the
    /// newest link works).
    fn issue_email_token(
        &self,
        token: NewEmailToken,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// The token with this digest, when it is for `purpose` and not expired at `now`.
    fn find_email_token(
        &self,
        digest: &TokenDigest,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<FoundEmailToken>, Self::Error>> + Send;

    /// Spends a live password-reset token and, in the same step, sets the member's
    /// password hash, marks the email verified and ends every session (the version
    /// bumped). When the address was unconfirmed until now, every passkey and provider
    /// link goes too: whoever made the account with someone else's address may have
    /// added them, and the address's owner now holds it. Returns the member as it now
    /// is; `None` when the token is not live (used meanwhile, expired, replaced) or the
    /// member's address is no longer the one it was mailed to: then nothing changed.
    fn reset_password(
        &self,
        digest: &TokenDigest,
        hash: PasswordHash,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<Member>, Self::Error>> + Send;

    /// The live tokens of `purpose` asked for by the browser whose asking secret has the
    /// digest `asker`, for a code typed there to be matched against.
    fn tokens_asked_by(
        &self,
        asker: &TokenDigest,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<TokenDigest>, Self::Error>> + Send;

    /// Spends a live sign-in token: the mail reached the address, so the address is
    /// confirmed; when it was unconfirmed until now, whoever made the account with it
    /// loses every way in, in the same step (the password, every passkey and provider
    /// link; every session ends), as with [`super::LinkStore::take_unconfirmed_account`].
    /// Returns the member as it now is; `None` when the token is not live or the member's
    /// address is no longer the one it was mailed to.
    fn sign_in_with_token(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<Member>, Self::Error>> + Send;

    /// Spends a live address-confirming token and, in the same step, marks the member's
    /// address confirmed — if it is still the address the token was mailed to. Returns
    /// the member as it now is; `None` when the token is not live or the address changed
    /// since (the token is spent either way).
    fn verify_email(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<Member>, Self::Error>> + Send;

    /// Spends a live change-of-address token and, in the same step, gives the member the
    /// address it was mailed to (confirmed: the link proved it), ends every session (the
    /// version bumped) and drops the member's other tokens, whose links went to the old
    /// address. Returns the member as it now is and its old address; `None` when the
    /// token is not live. When another account holds the address by now, refuses with
    /// [`crate::AccountRefusal::EmailTaken`] and changes nothing.
    fn change_email(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<ChangedEmail>, Self::Error>> + Send;
}
