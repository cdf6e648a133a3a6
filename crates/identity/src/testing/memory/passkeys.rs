use chrono::{DateTime, Utc};

use super::{MemoryStoreError, Result, State};
use crate::{
    AccountRefusal, OwnerId,
    passkeys::{CredentialId, NewPasskey, Passkey, PasskeyOwner, StoredCredential},
};

/// A passkey with its owner and stored state.
#[derive(Debug)]
pub(super) struct Stored {
    pub(super) owner: OwnerId,
    listed: Passkey,
    credential: StoredCredential,
}

impl Stored {
    pub(super) fn new(owner: OwnerId, new: NewPasskey, at: DateTime<Utc>) -> Self {
        let listed = Passkey {
            credential_id: new.credential_id,
            name: new.name,
            created_at: at,
            last_used_at: None,
        };
        Self { owner, listed, credential: new.credential }
    }

    fn is(&self, id: &CredentialId) -> bool {
        self.listed.credential_id == *id
    }
}

impl State {
    pub(super) fn passkey_taken(&self, id: &CredentialId) -> bool {
        self.passkeys.iter().any(|key| key.is(id))
    }

    pub(super) fn add_passkey(
        &mut self,
        member: OwnerId,
        new: NewPasskey,
        at_most: usize,
        at: DateTime<Utc>,
    ) -> Result<()> {
        if !self.members.contains_key(&member) {
            return Err(MemoryStoreError(AccountRefusal::NotFound));
        }
        if self.passkeys.iter().filter(|key| key.owner == member).count() >= at_most {
            return Err(MemoryStoreError(AccountRefusal::TooManyPasskeys));
        }
        if self.passkey_taken(&new.credential_id) {
            return Err(MemoryStoreError(AccountRefusal::LinkTaken));
        }
        self.passkeys.push(Stored::new(member, new, at));
        Ok(())
    }

    pub(super) fn passkeys_of(&self, member: OwnerId) -> Vec<Passkey> {
        self.passkeys
            .iter()
            .filter(|key| key.owner == member)
            .map(|key| key.listed.clone())
            .collect()
    }

    pub(super) fn find_passkey(&self, id: &CredentialId) -> Option<PasskeyOwner> {
        let key = self.passkeys.iter().find(|key| key.is(id))?;
        Some(PasskeyOwner { member: key.owner, credential: key.credential.clone() })
    }

    pub(super) fn passkey_used(
        &mut self,
        id: &CredentialId,
        credential: StoredCredential,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let key = self
            .passkeys
            .iter_mut()
            .find(|key| key.is(id))
            .ok_or(MemoryStoreError(AccountRefusal::NotFound))?;
        key.credential = credential;
        key.listed.last_used_at = Some(at);
        Ok(())
    }

    pub(super) fn remove_passkey(&mut self, member: OwnerId, id: &CredentialId) -> Result<()> {
        let mine = |key: &Stored| key.owner == member && key.is(id);
        if !self.passkeys.iter().any(mine) {
            return Ok(());
        }
        if self.ways_to_sign_in(member) == 1 {
            return Err(MemoryStoreError(AccountRefusal::LastSignInMethod));
        }
        self.passkeys.retain(|key| !mine(key));
        Ok(())
    }
}
