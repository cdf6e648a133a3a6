//! Device codes in memory.

use chrono::Duration;

use super::{MemoryStore, Result};
use crate::{
    AccountRefusal, DeviceStore, OwnerId, account::MergeReport, email::TokenDigest,
    testing::MemoryStoreError,
};

impl DeviceStore for MemoryStore {
    async fn save_device_code(
        &self,
        digest: TokenDigest,
        guest: OwnerId,
        lifetime: Duration,
    ) -> Result<()> {
        let expires = self.clock.now() + lifetime;
        self.with(|state| {
            if state.members.contains_key(&guest) || state.merged.contains_key(&guest) {
                return Err(MemoryStoreError(AccountRefusal::GuestMerged));
            }
            state.device_codes.push((digest, guest, expires));
            Ok(())
        })
    }

    async fn redeem_device_code(
        &self,
        digest: TokenDigest,
        redeemer: OwnerId,
    ) -> Result<Option<(OwnerId, MergeReport)>> {
        let now = self.clock.now();
        self.with(|state| {
            if state.members.contains_key(&redeemer) {
                return Err(MemoryStoreError(AccountRefusal::NotFound));
            }
            state.device_codes.retain(|(_, _, expires)| *expires > now);
            let Some(at) = state.device_codes.iter().position(|(code, ..)| *code == digest) else {
                return Ok(None);
            };
            let guest = state.device_codes[at].1;
            if state.members.contains_key(&guest) || state.merged.contains_key(&guest) {
                state.device_codes.remove(at);
                return Ok(None);
            }
            if redeemer == guest || state.merged.contains_key(&redeemer) {
                state.device_codes.remove(at);
                return Ok(Some((guest, MergeReport::nothing())));
            }
            let merge = state.append(redeemer, guest);
            // Held back, nothing changed: the code stays for another try.
            if merge.held_back == 0 {
                state.device_codes.remove(at);
            }
            Ok(Some((guest, merge)))
        })
    }
}
