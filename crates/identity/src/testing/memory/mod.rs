use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use chrono::{DateTime, Utc};

use crate::{
    AccountRefusal, AttemptStore, Clock, IdentityStore, MemberStore, OwnerId, PasskeyStore,
    SessionId, SessionStore, StoreFailure,
    account::{AttemptCount, Email, Member, MergeReport, NewMember, PasswordHash},
    passkeys::{CredentialId, NewPasskey, Passkey, PasskeyOwner, StoredCredential},
    providers::Link,
};

/// Codes that carry a guest to another device.
mod devices;
/// Tokens of links in mail.
mod email;
/// Provider links.
mod links;
/// Passkeys: their part of the state.
mod passkeys;

/// Every store port ([`crate::AccountStore`], links, passkeys) over maps in memory. Of an app's data it keeps only how many rows
/// each owner has ([`MemoryStore::give`]), enough for a merge to move them as a store
/// moves avatars and for a test to see where they went.
#[derive(Clone, Debug)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Default)]
struct State {
    members: HashMap<OwnerId, Member>,
    /// Guests that were merged, and into whom.
    merged: HashMap<OwnerId, OwnerId>,
    /// How many of the app's rows each owner has.
    owned: HashMap<OwnerId, u32>,
    /// The most rows a member may hold after a merge ([`MemoryStore::with_cap`]).
    cap: Option<u32>,
    /// Attempts per key: the window's start and the count in it.
    attempts: HashMap<String, (i64, u32)>,
    /// Sessions signed out.
    ended: HashSet<SessionId>,
    /// Provider links, oldest first, with their member and when they were made.
    links: Vec<(Link, OwnerId, DateTime<Utc>)>,
    /// Passkeys, oldest first.
    passkeys: Vec<passkeys::Stored>,
    /// Passkey ceremonies finished.
    spent: HashSet<uuid::Uuid>,
    /// Tokens of links in mail.
    email_tokens: Vec<crate::NewEmailToken>,
    /// Device codes: digest, guest, expiry.
    device_codes: Vec<(crate::email::TokenDigest, OwnerId, DateTime<Utc>)>,
}

/// The memory store only ever refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("refused: {0:?}")]
pub struct MemoryStoreError(pub AccountRefusal);

impl StoreFailure for MemoryStoreError {
    fn refusal(&self) -> Option<AccountRefusal> {
        Some(self.0)
    }
}

impl MemoryStore {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { state: Arc::default(), clock }
    }

    /// A store whose merges hold a guest's rows back, as a store holds avatars back at
    /// the roster's cap, when the member would have more than `cap`.
    pub fn with_cap(self, cap: u32) -> Self {
        self.with(|state| state.cap = Some(cap));
        self
    }

    /// `owner` gets `rows` more of the app's rows (a guest's avatars, say).
    pub fn give(&self, owner: OwnerId, rows: u32) {
        self.with(|state| *state.owned.entry(owner).or_default() += rows);
    }

    /// How many of the app's rows `owner` has.
    pub fn owned(&self, owner: OwnerId) -> u32 {
        self.with(|state| state.owned(owner))
    }

    fn with<T>(&self, change: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut state)
    }
}

type Result<T> = std::result::Result<T, MemoryStoreError>;

impl IdentityStore for MemoryStore {
    type Error = MemoryStoreError;

    /// The memory store keeps no guests.
    async fn guest_seen(&self, _guest: OwnerId) -> Result<()> {
        Ok(())
    }

    async fn session_version(
        &self,
        member: OwnerId,
        session: Option<SessionId>,
    ) -> Result<Option<i32>> {
        Ok(self.with(|state| {
            let ended = session.is_some_and(|session| state.ended.contains(&session));
            state.members.get(&member).filter(|_| !ended).map(|m| m.session_version)
        }))
    }
}

impl State {
    fn create(&mut self, new: NewMember, created_at: DateTime<Utc>) -> Result<Member> {
        if self.members.values().any(|member| member.email == new.email) {
            return Err(MemoryStoreError(AccountRefusal::EmailTaken));
        }
        let link_taken = new.link.as_ref().is_some_and(|link| self.link_taken(link, None));
        let passkey_taken =
            new.passkey.as_ref().is_some_and(|key| self.passkey_taken(&key.credential_id));
        if link_taken || passkey_taken {
            return Err(MemoryStoreError(AccountRefusal::LinkTaken));
        }
        let member = Member {
            id: new.id,
            email: new.email,
            display_name: new.display_name,
            password_hash: new.password_hash,
            session_version: 1,
            // A provider vouched for the address of a member made from its link.
            email_verified: new.link.is_some(),
            created_at,
        };
        self.members.insert(member.id, member.clone());
        if let Some(link) = new.link {
            self.links.push((link, member.id, created_at));
        }
        if let Some(passkey) = new.passkey {
            self.passkeys.push(passkeys::Stored::new(member.id, passkey, created_at));
        }
        Ok(member)
    }

    /// How many ways `member` has to sign in: a password, links, passkeys.
    fn ways_to_sign_in(&self, member: OwnerId) -> usize {
        let password = self.members.get(&member).is_some_and(|m| m.password_hash.is_some());
        let links = self.links.iter().filter(|(_, owner, _)| *owner == member).count();
        usize::from(password) + links + self.passkeys.iter().filter(|k| k.owner == member).count()
    }

    /// Whether `link` is linked to anyone, or `member` has a link at its provider.
    fn link_taken(&self, link: &Link, member: Option<OwnerId>) -> bool {
        self.links.iter().any(|(taken, owner, _)| {
            (taken.issuer == link.issuer && taken.subject == link.subject)
                || (Some(*owner) == member && taken.provider == link.provider)
        })
    }

    fn owned(&self, owner: OwnerId) -> u32 {
        self.owned.get(&owner).copied().unwrap_or_default()
    }

    fn merge(&mut self, guest: OwnerId, member: OwnerId) -> Result<MergeReport> {
        if self.members.contains_key(&guest) {
            return Err(MemoryStoreError(AccountRefusal::NotFound));
        }
        match self.merged.get(&guest) {
            Some(into) if *into == member => {
                return Ok(MergeReport { already_merged: true, ..MergeReport::nothing() });
            }
            Some(_) => return Err(MemoryStoreError(AccountRefusal::GuestMerged)),
            None => {}
        }
        if !self.members.contains_key(&member) {
            return Err(MemoryStoreError(AccountRefusal::NotFound));
        }
        Ok(self.append(guest, member))
    }

    /// Moves `from`'s rows to `into` and retires `from`, merged into it — unless together
    /// they would pass the cap: then nothing changes, and the report says what was held
    /// back. (A sign-in's merge and a device code's share it.)
    fn append(&mut self, from: OwnerId, into: OwnerId) -> MergeReport {
        let (theirs, mine) = (self.owned(from), self.owned(into));
        if theirs > 0 && self.cap.is_some_and(|cap| mine + theirs > cap) {
            return MergeReport { held_back: theirs.into(), ..MergeReport::nothing() };
        }
        self.merged.insert(from, into);
        self.owned.remove(&from);
        *self.owned.entry(into).or_default() += theirs;
        MergeReport { moved_avatars: theirs.into(), ..MergeReport::nothing() }
    }
}

impl MemberStore for MemoryStore {
    async fn create_member(&self, new: NewMember) -> Result<Member> {
        let now = self.clock.now();
        self.with(|state| state.create(new, now))
    }

    async fn create_member_from_guest(
        &self,
        new: NewMember,
        guest: OwnerId,
    ) -> Result<(Member, MergeReport)> {
        let now = self.clock.now();
        self.with(|state| {
            // Refusals are checked before anything is written: the lock makes the two
            // steps one, and a refusal leaves nothing behind.
            if state.merged.contains_key(&guest) {
                return Err(MemoryStoreError(AccountRefusal::GuestMerged));
            }
            let member = state.create(new, now)?;
            let report = state.merge(guest, member.id)?;
            Ok((member, report))
        })
    }

    async fn find_member(&self, member: OwnerId) -> Result<Option<Member>> {
        Ok(self.with(|state| state.members.get(&member).cloned()))
    }

    async fn find_member_by_email(&self, email: &Email) -> Result<Option<Member>> {
        Ok(self.with(|state| state.members.values().find(|m| m.email == *email).cloned()))
    }

    async fn set_password(&self, member: OwnerId, hash: PasswordHash) -> Result<i32> {
        self.with(|state| {
            let member =
                state.members.get_mut(&member).ok_or(MemoryStoreError(AccountRefusal::NotFound))?;
            member.password_hash = Some(hash);
            member.session_version += 1;
            Ok(member.session_version)
        })
    }

    async fn delete_member(&self, member: OwnerId) -> Result<()> {
        self.with(|state| {
            state.members.remove(&member).ok_or(MemoryStoreError(AccountRefusal::NotFound))?;
            // Its merged guests stay retired, merged into themselves: their tokens never
            // write again.
            for (guest, into) in &mut state.merged {
                if *into == member {
                    *into = *guest;
                }
            }
            state.owned.remove(&member);
            state.links.retain(|(_, owner, _)| *owner != member);
            state.passkeys.retain(|key| key.owner != member);
            state.email_tokens.retain(|token| token.member != member);
            Ok(())
        })
    }

    async fn merge_guest_into_member(
        &self,
        guest: OwnerId,
        member: OwnerId,
    ) -> Result<MergeReport> {
        self.with(|state| state.merge(guest, member))
    }
}

impl SessionStore for MemoryStore {
    async fn end_session(&self, member: OwnerId, session: SessionId) -> Result<()> {
        self.with(|state| {
            if !state.members.contains_key(&member) {
                return Err(MemoryStoreError(AccountRefusal::NotFound));
            }
            state.ended.insert(session);
            Ok(())
        })
    }

    async fn bump_session_version(&self, member: OwnerId) -> Result<i32> {
        self.with(|state| {
            let member =
                state.members.get_mut(&member).ok_or(MemoryStoreError(AccountRefusal::NotFound))?;
            member.session_version += 1;
            Ok(member.session_version)
        })
    }
}

impl AttemptStore for MemoryStore {
    async fn count_attempt(&self, key: &str, window: Duration) -> Result<AttemptCount> {
        let (start, retry_after) = AttemptCount::window(self.clock.now(), window);
        let count = self.with(|state| {
            let entry = state.attempts.entry(key.to_owned()).or_insert((start, 0));
            if entry.0 != start {
                *entry = (start, 0);
            }
            entry.1 += 1;
            entry.1
        });
        Ok(AttemptCount { count, retry_after })
    }

    async fn take_back_attempt(&self, key: &str, window: Duration) -> Result<()> {
        let (start, _) = AttemptCount::window(self.clock.now(), window);
        self.with(|state| {
            if let Some(entry) = state.attempts.get_mut(key).filter(|entry| entry.0 == start) {
                entry.1 = entry.1.saturating_sub(1);
            }
        });
        Ok(())
    }
}

impl PasskeyStore for MemoryStore {
    async fn add_passkey(
        &self,
        member: OwnerId,
        passkey: NewPasskey,
        at_most: usize,
    ) -> Result<()> {
        let now = self.clock.now();
        self.with(|state| state.add_passkey(member, passkey, at_most, now))
    }

    async fn passkeys(&self, member: OwnerId) -> Result<Vec<Passkey>> {
        Ok(self.with(|state| state.passkeys_of(member)))
    }

    async fn find_passkey(&self, credential_id: &CredentialId) -> Result<Option<PasskeyOwner>> {
        Ok(self.with(|state| state.find_passkey(credential_id)))
    }

    async fn passkey_used(&self, id: &CredentialId, credential: StoredCredential) -> Result<()> {
        let now = self.clock.now();
        self.with(|state| state.passkey_used(id, credential, now))
    }

    async fn remove_passkey(&self, member: OwnerId, credential_id: &CredentialId) -> Result<()> {
        self.with(|state| state.remove_passkey(member, credential_id))
    }

    async fn spend_ceremony(&self, id: uuid::Uuid) -> Result<bool> {
        Ok(self.with(|state| state.spent.insert(id)))
    }
}
