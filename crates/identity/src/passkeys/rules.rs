//! Passkeys on the account side: what a stored passkey is, and the rules for adding,
//! removing and signing in with one. The WebAuthn ceremonies that prove a passkey are
//! [`crate::passkeys`]'s (feature `passkeys`); by the time these rules run, the
//! credential has been verified, so they are about accounts only — the same rules, and
//! the same guest → member upgrade, as every other way to sign in.

use std::{fmt, net::IpAddr};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};

use crate::{
    AccountStore, OwnerId, PasskeyStore,
    account::{
        AccountError, AccountField, AccountProblem, Accounts, Action, Email, InvalidInput,
        LinkProblem, NewMember, Upgrade, record_upgrade, refused,
    },
    audit,
    text::normalise_name,
};

/// The most passkeys one member may hold; a sign-in ceremony lists them all.
pub const MAX_PASSKEYS: usize = 10;

/// A credential's id, as the authenticator made it (WebAuthn allows up to 1,023 bytes).
/// Written as unpadded base64url in forms and URLs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CredentialId(Vec<u8>);

impl CredentialId {
    pub const MAX_LEN: usize = 1023;

    /// The id from its bytes; `None` when empty or longer than WebAuthn allows.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        (!bytes.is_empty() && bytes.len() <= Self::MAX_LEN).then(|| Self(bytes.to_vec()))
    }

    /// The id from its base64url text (a form field).
    pub fn parse(text: &str) -> Option<Self> {
        URL_SAFE_NO_PAD.decode(text.trim()).ok().and_then(|bytes| Self::from_bytes(&bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(&self.0))
    }
}

impl fmt::Debug for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialId({self})")
    }
}

/// What the member calls a passkey ("Laptop", "Phone"): a name under the name rules,
/// 1–50 grapheme clusters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    pub const MAX_GRAPHEMES: usize = 50;

    /// `input` under the name rules; empty input is "Passkey".
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let input = if input.trim().is_empty() { "Passkey" } else { input };
        normalise_name(input, Self::MAX_GRAPHEMES).map(Self).map_err(|problem| InvalidInput {
            field: AccountField::PasskeyName,
            problem: AccountProblem::from(problem),
        })
    }

    /// A name read back from a store (written under the rules above).
    pub fn from_stored(text: &str) -> Self {
        Self(text.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The verified credential as the WebAuthn library keeps it (public key, signature
/// counter, backup state), serialised. Opaque to stores: they keep it and hand it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCredential(pub String);

/// A passkey to add: to a member, or with a new member ([`NewMember::passkey`]).
#[derive(Clone, Debug)]
pub struct NewPasskey {
    pub credential_id: CredentialId,
    pub name: PasskeyName,
    pub credential: StoredCredential,
}

/// One of a member's passkeys, as the account page lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passkey {
    pub credential_id: CredentialId,
    pub name: PasskeyName,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A passkey found by its credential id at sign-in: whose it is, and what to verify the
/// assertion against.
#[derive(Clone, Debug)]
pub struct PasskeyOwner {
    pub member: OwnerId,
    pub credential: StoredCredential,
}

impl<S: AccountStore + PasskeyStore> Accounts<S> {
    /// Adds a verified passkey to the signed-in `member`, up to [`MAX_PASSKEYS`].
    pub async fn add_passkey(
        &self,
        member: OwnerId,
        passkey: NewPasskey,
    ) -> Result<(), AccountError<S::Error>> {
        let added = self.try_add_passkey(member, passkey).await;
        audit::record("passkey_add", audit::outcome(&added), Some(member), None);
        added
    }

    async fn try_add_passkey(
        &self,
        member: OwnerId,
        passkey: NewPasskey,
    ) -> Result<(), AccountError<S::Error>> {
        self.store.add_passkey(member, passkey, MAX_PASSKEYS).await.map_err(refused)
    }

    /// The member's passkeys, oldest first.
    pub async fn passkeys(&self, member: OwnerId) -> Result<Vec<Passkey>, AccountError<S::Error>> {
        self.store.passkeys(member).await.map_err(AccountError::Store)
    }

    /// Removes one of the member's passkeys, unless it is their last way to sign in.
    /// Removing one that is not there is done already.
    pub async fn remove_passkey(
        &self,
        member: OwnerId,
        credential_id: &CredentialId,
    ) -> Result<(), AccountError<S::Error>> {
        let removed = self.store.remove_passkey(member, credential_id).await.map_err(refused);
        audit::record("passkey_remove", audit::outcome(&removed), Some(member), None);
        removed
    }

    /// Marks a ceremony finished: `false` when it had finished already (a replay).
    pub async fn spend_ceremony(&self, id: uuid::Uuid) -> Result<bool, AccountError<S::Error>> {
        self.store.spend_ceremony(id).await.map_err(AccountError::Store)
    }

    /// Whose passkey this is, for a sign-in to verify against.
    pub async fn find_passkey(
        &self,
        credential_id: &CredentialId,
    ) -> Result<Option<PasskeyOwner>, AccountError<S::Error>> {
        self.store.find_passkey(credential_id).await.map_err(AccountError::Store)
    }

    /// Signs in to `member` with a passkey that was just verified, storing its new state
    /// (the signature counter), and brings `guest`'s roster along.
    pub async fn sign_in_with_passkey(
        &self,
        guest: OwnerId,
        member: OwnerId,
        used: (CredentialId, StoredCredential),
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let upgrade = self.try_sign_in_with_passkey(guest, member, used).await;
        record_upgrade("passkey_sign_in", &upgrade, client);
        upgrade
    }

    async fn try_sign_in_with_passkey(
        &self,
        guest: OwnerId,
        member: OwnerId,
        (credential_id, credential): (CredentialId, StoredCredential),
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let store = &self.store;
        store.passkey_used(&credential_id, credential).await.map_err(refused)?;
        let member = store.find_member(member).await.map_err(AccountError::Store)?;
        self.bring_guest_along(guest, member.ok_or(AccountError::NoSuchMember)?).await
    }

    /// A passkey-only sign-up may begin: the email is free (asked before the browser
    /// makes a passkey, so none is made for an account that cannot be created) and the
    /// client has attempts left.
    pub async fn may_sign_up(
        &self,
        email: &Email,
        client: Option<IpAddr>,
    ) -> Result<(), AccountError<S::Error>> {
        let _counted = self.admit(Action::SignUp, client, Some(email)).await?;
        match self.store.find_member_by_email(email).await.map_err(AccountError::Store)? {
            Some(_) => Err(AccountError::EmailTaken),
            None => Ok(()),
        }
    }

    /// Creates a member whose only way to sign in is the passkey in `new`, bringing
    /// `guest`'s roster along.
    pub async fn sign_up_with_passkey(
        &self,
        guest: OwnerId,
        new: NewMember,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let upgrade =
            self.create_from_guest(new, guest).await.map_err(|error| match refused(error) {
                AccountError::Link(LinkProblem::EmailHasAccount) => AccountError::EmailTaken,
                other => other,
            });
        record_upgrade("passkey_sign_up", &upgrade, client);
        upgrade
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_id_round_trips_through_base64url_and_is_bounded() {
        let id = CredentialId::from_bytes(&[0xfb, 0xff, 0x01]).expect("valid");
        assert_eq!(id.to_string(), "-_8B");
        assert_eq!(id.as_bytes(), [0xfb, 0xff, 0x01]);
        assert_eq!(format!("{id:?}"), "CredentialId(-_8B)");
        assert_eq!(CredentialId::parse("-_8B"), Some(id));
        assert_eq!(CredentialId::parse(""), None);
        assert_eq!(CredentialId::parse("not base64!"), None);
        assert!(CredentialId::from_bytes(&[7; CredentialId::MAX_LEN]).is_some());
        assert!(CredentialId::from_bytes(&[7; CredentialId::MAX_LEN + 1]).is_none());
    }

    #[test]
    fn a_passkey_name_follows_the_name_rules_and_defaults() {
        assert_eq!(PasskeyName::parse("  Laptop ").map(|n| n.0), Ok("Laptop".to_owned()));
        assert_eq!(PasskeyName::parse(" ").map(|n| n.0), Ok("Passkey".to_owned()));
        let error = PasskeyName::parse(&"a".repeat(51)).expect_err("too long");
        assert_eq!(
            (error.field, error.problem),
            (AccountField::PasskeyName, AccountProblem::TooLong { max: 50 })
        );
        assert!(PasskeyName::parse(&"a".repeat(50)).is_ok());
    }
}
