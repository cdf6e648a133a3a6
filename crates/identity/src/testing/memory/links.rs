//! Provider links in memory.

use super::{MemoryStore, MemoryStoreError, Result};
use crate::{
    AccountRefusal, LinkStore, OwnerId,
    account::Member,
    providers::{Link, LinkedAccount},
};

impl LinkStore for MemoryStore {
    async fn find_member_by_link(&self, issuer: &str, subject: &str) -> Result<Option<Member>> {
        Ok(self.with(|state| {
            let (_, owner, _) = state
                .links
                .iter()
                .find(|(link, _, _)| link.issuer == issuer && link.subject == subject)?;
            state.members.get(owner).cloned()
        }))
    }

    async fn link_account(&self, member: OwnerId, link: Link) -> Result<()> {
        let now = self.clock.now();
        self.with(|state| {
            if !state.members.contains_key(&member) {
                return Err(MemoryStoreError(AccountRefusal::NotFound));
            }
            if state.link_taken(&link, Some(member)) {
                return Err(MemoryStoreError(AccountRefusal::LinkTaken));
            }
            state.links.push((link, member, now));
            Ok(())
        })
    }

    async fn unlink_account(&self, member: OwnerId, provider: &str) -> Result<()> {
        self.with(|state| {
            let mine = |(link, owner, _): &(Link, OwnerId, _)| {
                *owner == member && link.provider == provider
            };
            if !state.links.iter().any(mine) {
                return Ok(());
            }
            if state.ways_to_sign_in(member) == 1 {
                return Err(MemoryStoreError(AccountRefusal::LastSignInMethod));
            }
            state.links.retain(|link| !mine(link));
            Ok(())
        })
    }

    async fn take_unconfirmed_account(
        &self,
        member: OwnerId,
        link: Link,
    ) -> Result<Option<Member>> {
        let now = self.clock.now();
        self.with(|state| {
            if state.members.get(&member).is_none_or(|m| m.email_verified) {
                return Ok(None);
            }
            // Checked before anything changes; the member's own links go below.
            if state.link_taken(&link, None) {
                return Err(MemoryStoreError(AccountRefusal::LinkTaken));
            }
            state.forget_unproven_ways_in(member);
            state.links.push((link, member, now));
            let taken = state.members.get_mut(&member).expect("checked above");
            taken.password_hash = None;
            taken.email_verified = true;
            taken.session_version += 1;
            Ok(Some(taken.clone()))
        })
    }

    async fn linked_accounts(&self, member: OwnerId) -> Result<Vec<LinkedAccount>> {
        Ok(self.with(|state| {
            state
                .links
                .iter()
                .filter(|(_, owner, _)| *owner == member)
                .map(|(link, _, at)| LinkedAccount {
                    provider: link.provider.clone(),
                    linked_at: *at,
                })
                .collect()
        }))
    }
}
