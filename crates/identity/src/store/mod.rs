//! The ports: what the identity layer and the upgrade rules need from storage.
//! `identity` knows nothing of databases; the persistence crate implements these for its
//! store, [`crate::testing::MemoryStore`] over a map, and one conformance suite
//! ([`crate::testing::conformance`]) holds every implementation to the same behaviour.

use std::{future::Future, time::Duration};

use uuid::Uuid;

/// Codes that carry a guest to another device.
mod devices;
/// The tokens of links in mail.
mod email;

pub use devices::DeviceStore;
pub use email::{ChangedEmail, EmailTokenStore, FoundEmailToken, NewEmailToken};

use crate::{
    OwnerId, SessionId,
    account::{AttemptCount, Email, Member, MergeReport, NewMember, PasswordHash},
    passkeys::{CredentialId, NewPasskey, Passkey, PasskeyOwner, StoredCredential},
    providers::{Link, LinkedAccount},
};

/// A refusal the account rules act on. Any store error without one is a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRefusal {
    /// No such member (or, for a merge, the "guest" is a member).
    NotFound,
    /// Another member has this (normalised) email.
    EmailTaken,
    /// The guest was already merged into another member.
    GuestMerged,
    /// The provider identity is linked to a member already, the member has a link at
    /// this provider already, or the passkey is registered already.
    LinkTaken,
    /// The member would be left with no way to sign in.
    LastSignInMethod,
    /// The member holds as many passkeys as the rules allow.
    TooManyPasskeys,
}

/// A store's error, as the identity layer reads it.
pub trait StoreFailure: std::error::Error + Send + Sync + 'static {
    /// What the store refused, when it refused rather than failed.
    fn refusal(&self) -> Option<AccountRefusal>;
}

/// What the identity middleware needs from storage: revocation, and that a guest came
/// back.
pub trait IdentityStore: Clone + Send + Sync + 'static {
    type Error: StoreFailure;

    /// A returning guest was seen (called when its token is re-issued: at most once a day
    /// per guest), so a guest who keeps coming back is not swept as stale. A guest the
    /// store has no row for stays without one.
    fn guest_seen(&self, guest: OwnerId) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// The member's current `session_version`, or `None` when there is no such member or
    /// `session` was signed out ([`AccountStore::end_session`]). Consulted on writes and
    /// when a session is refreshed, never on plain reads.
    fn session_version(
        &self,
        member: OwnerId,
        session: Option<SessionId>,
    ) -> impl Future<Output = Result<Option<i32>, Self::Error>> + Send;
}

/// Members and the guest → member upgrade: what sign-up, sign-in and managing an account
/// need. A store that implements neither [`LinkStore`] nor [`PasskeyStore`] is never given a
/// [`NewMember`] with a link or a passkey.
pub trait MemberStore: IdentityStore {
    /// Creates the member `new` describes (its id is fresh: no guest has ever had it),
    /// with its link or passkey when it has one; refuses a taken email
    /// ([`AccountRefusal::EmailTaken`]), link or passkey ([`AccountRefusal::LinkTaken`])
    /// and then stores nothing.
    fn create_member(
        &self,
        new: NewMember,
    ) -> impl Future<Output = Result<Member, Self::Error>> + Send;

    /// The member with this id.
    fn find_member(
        &self,
        member: OwnerId,
    ) -> impl Future<Output = Result<Option<Member>, Self::Error>> + Send;

    /// The member with this (normalised) email.
    fn find_member_by_email(
        &self,
        email: &Email,
    ) -> impl Future<Output = Result<Option<Member>, Self::Error>> + Send;

    /// Replaces the member's password hash and ends every session it holds, in one step;
    /// returns the new session version.
    fn set_password(
        &self,
        member: OwnerId,
        hash: PasswordHash,
    ) -> impl Future<Output = Result<i32, Self::Error>> + Send;

    /// Deletes the member and everything it owns or is linked to (its data, linked
    /// sign-in providers, the retired guests merged into it), in one step.
    fn delete_member(
        &self,
        member: OwnerId,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Moves everything `guest` owns to `member` and retires the guest, atomically and
    /// idempotently: a replay reports `already_merged` and changes nothing; a guest merged
    /// into someone else is refused ([`AccountRefusal::GuestMerged`]), and so is a merge
    /// into a member that does not exist or of a "guest" that is a member
    /// ([`AccountRefusal::NotFound`]).
    fn merge_guest_into_member(
        &self,
        guest: OwnerId,
        member: OwnerId,
    ) -> impl Future<Output = Result<MergeReport, Self::Error>> + Send;

    /// Sign-up: creates the member and merges `guest` into it in one atomic step. A
    /// refusal ([`AccountRefusal::EmailTaken`], [`AccountRefusal::GuestMerged`]) or a
    /// failure creates no member and moves nothing.
    fn create_member_from_guest(
        &self,
        new: NewMember,
        guest: OwnerId,
    ) -> impl Future<Output = Result<(Member, MergeReport), Self::Error>> + Send;
}

/// Ending sessions: a sign-out, and every session at once.
pub trait SessionStore: IdentityStore {
    /// Ends one session of the member (a sign-out): from now on `session_version` answers
    /// `None` for it. Idempotent.
    fn end_session(
        &self,
        member: OwnerId,
        session: SessionId,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Ends every session the member holds; returns the new version.
    fn bump_session_version(
        &self,
        member: OwnerId,
    ) -> impl Future<Output = Result<i32, Self::Error>> + Send;
}

/// Counting attempts, for the attempt limits.
pub trait AttemptStore: IdentityStore {
    /// Counts one attempt under `key` in the current window (windows of `window` length,
    /// aligned to the Unix epoch, by the store's clock), atomically, also when several
    /// instances count at once.
    fn count_attempt(
        &self,
        key: &str,
        window: Duration,
    ) -> impl Future<Output = Result<AttemptCount, Self::Error>> + Send;

    /// Takes one attempt back from `key`'s count in the current window (a successful
    /// sign-in costs no budget); nothing when the window has ended or the count is 0.
    fn take_back_attempt(
        &self,
        key: &str,
        window: Duration,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// Provider links: sign-in with another provider, linking and unlinking.
pub trait LinkStore: MemberStore {
    /// The member a provider identity is linked to.
    fn find_member_by_link(
        &self,
        issuer: &str,
        subject: &str,
    ) -> impl Future<Output = Result<Option<Member>, Self::Error>> + Send;

    /// Links a provider identity to the member; refuses one linked already, to anyone, or
    /// a second link at the same provider ([`AccountRefusal::LinkTaken`]), and a member
    /// that does not exist ([`AccountRefusal::NotFound`]).
    fn link_account(
        &self,
        member: OwnerId,
        link: Link,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Removes the member's link at `provider` in one step that refuses to remove the
    /// last way to sign in (no password, no other link, no passkey:
    /// [`AccountRefusal::LastSignInMethod`]). No such link is not an error.
    fn unlink_account(
        &self,
        member: OwnerId,
        provider: &str,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// The member's links, oldest first.
    fn linked_accounts(
        &self,
        member: OwnerId,
    ) -> impl Future<Output = Result<Vec<LinkedAccount>, Self::Error>> + Send;

    /// A provider vouched for the address of `member`, which the member never confirmed:
    /// the account is the address owner's from now on. In one step, and only while the
    /// address is unconfirmed: removes every way in its unproven holder may have made
    /// (the password, every passkey and provider link), ends every session, marks the
    /// address confirmed and links `link`. Returns the member as it now is; `None` when
    /// there is no such member or its address is confirmed (then nothing changed).
    fn take_unconfirmed_account(
        &self,
        member: OwnerId,
        link: Link,
    ) -> impl Future<Output = Result<Option<Member>, Self::Error>> + Send;
}

/// Passkeys: adding, listing, signing in with and removing them.
pub trait PasskeyStore: MemberStore {
    /// Adds a passkey to the member; refuses a credential registered already, to anyone
    /// ([`AccountRefusal::LinkTaken`]), a member that does not exist
    /// ([`AccountRefusal::NotFound`]), and one past `at_most` passkeys
    /// ([`AccountRefusal::TooManyPasskeys`]) — counted and added in one step, so that
    /// concurrent ceremonies cannot each find room for one more.
    fn add_passkey(
        &self,
        member: OwnerId,
        passkey: NewPasskey,
        at_most: usize,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// The member's passkeys, oldest first.
    fn passkeys(
        &self,
        member: OwnerId,
    ) -> impl Future<Output = Result<Vec<Passkey>, Self::Error>> + Send;

    /// The passkey with this credential id, and whose it is.
    fn find_passkey(
        &self,
        credential_id: &CredentialId,
    ) -> impl Future<Output = Result<Option<PasskeyOwner>, Self::Error>> + Send;

    /// A passkey signed in: keeps its new state (signature counter, backup flags) and
    /// the time; [`AccountRefusal::NotFound`] when it was removed meanwhile.
    fn passkey_used(
        &self,
        credential_id: &CredentialId,
        credential: StoredCredential,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Removes one of the member's passkeys in one step that refuses to remove the last
    /// way to sign in ([`AccountRefusal::LastSignInMethod`]). No such passkey is not an
    /// error.
    fn remove_passkey(
        &self,
        member: OwnerId,
        credential_id: &CredentialId,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Marks the ceremony `id` finished: `true` the first time, `false` ever after (also
    /// when several instances finish it at once), so that a ceremony's answer, replayed,
    /// does nothing. A store may forget a ceremony an hour after it was spent: its
    /// sealed cookie expired long before.
    fn spend_ceremony(&self, id: Uuid) -> impl Future<Output = Result<bool, Self::Error>> + Send;
}

/// What the account rules (sign-up, sign-in, the guest → member upgrade, revocation,
/// managing an account) need from storage: members, sessions and attempts. Providers and
/// passkeys add [`LinkStore`] and [`PasskeyStore`]. Implemented for every store that has
/// the three.
pub trait AccountStore: MemberStore + SessionStore + AttemptStore {}

impl<S: MemberStore + SessionStore + AttemptStore> AccountStore for S {}
