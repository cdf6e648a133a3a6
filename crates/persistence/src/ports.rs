//! `identity`'s ports on the store: what the identity middleware and the account rules
//! ask of storage, each answered by the store method of the same name.

use std::time::Duration;

use identity::{
    AccountStore, OwnerId, SessionId,
    account::{
        AttemptCount, CredentialId, Email, Link, LinkedAccount, Member, MergeReport, NewMember,
        NewPasskey, Passkey, PasskeyOwner, PasswordHash, StoredCredential,
    },
};

use crate::{Store, StoreError};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The identity middleware asks the store about revocation, and marks returning guests.
impl identity::IdentityStore for Store {
    type Error = StoreError;

    async fn guest_seen(&self, guest: OwnerId) -> Result<()> {
        Store::touch_last_seen(self, guest).await
    }

    async fn session_version(
        &self,
        member: OwnerId,
        session: Option<SessionId>,
    ) -> Result<Option<i32>> {
        Store::session_version(self, member, session).await
    }
}

impl AccountStore for Store {
    async fn create_member(&self, new: NewMember) -> Result<Member> {
        Store::create_member(self, new).await
    }

    async fn find_member(&self, member: OwnerId) -> Result<Option<Member>> {
        Store::find_member(self, member).await
    }

    async fn set_password(&self, member: OwnerId, hash: PasswordHash) -> Result<i32> {
        Store::set_password(self, member, hash).await
    }

    async fn delete_member(&self, member: OwnerId) -> Result<()> {
        Store::delete_member(self, member).await
    }

    async fn count_attempt(&self, key: &str, window: Duration) -> Result<AttemptCount> {
        Store::count_attempt(self, key, window).await
    }

    async fn find_member_by_email(&self, email: &Email) -> Result<Option<Member>> {
        Store::find_member_by_email(self, email).await
    }

    async fn end_session(&self, member: OwnerId, session: SessionId) -> Result<()> {
        Store::end_session(self, member, session).await
    }

    async fn bump_session_version(&self, member: OwnerId) -> Result<i32> {
        Store::bump_session_version(self, member).await
    }

    async fn merge_guest_into_member(
        &self,
        guest: OwnerId,
        member: OwnerId,
    ) -> Result<MergeReport> {
        Store::merge_guest_into_member(self, guest, member).await
    }

    async fn create_member_from_guest(
        &self,
        new: NewMember,
        guest: OwnerId,
    ) -> Result<(Member, MergeReport)> {
        Store::create_member_from_guest(self, new, guest).await
    }

    async fn find_member_by_link(&self, issuer: &str, subject: &str) -> Result<Option<Member>> {
        Store::find_member_by_link(self, issuer, subject).await
    }

    async fn link_account(&self, member: OwnerId, link: Link) -> Result<()> {
        Store::link_account(self, member, link).await
    }

    async fn unlink_account(&self, member: OwnerId, provider: &str) -> Result<()> {
        Store::unlink_account(self, member, provider).await
    }

    async fn linked_accounts(&self, member: OwnerId) -> Result<Vec<LinkedAccount>> {
        Store::linked_accounts(self, member).await
    }

    async fn add_passkey(&self, member: OwnerId, passkey: NewPasskey) -> Result<()> {
        Store::add_passkey(self, member, passkey).await
    }

    async fn passkeys(&self, member: OwnerId) -> Result<Vec<Passkey>> {
        Store::passkeys(self, member).await
    }

    async fn find_passkey(&self, id: &CredentialId) -> Result<Option<PasskeyOwner>> {
        Store::find_passkey(self, id).await
    }

    async fn passkey_used(&self, id: &CredentialId, credential: StoredCredential) -> Result<()> {
        Store::passkey_used(self, id, credential).await
    }

    async fn remove_passkey(&self, member: OwnerId, id: &CredentialId) -> Result<()> {
        Store::remove_passkey(self, member, id).await
    }
}
