//! Codes that carry a guest to another device, on the database: kept by digest, spent
//! in the same transaction that appends the redeeming browser's guest to the code's.

use chrono::Duration;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use identity::{DeviceStore, OwnerId, account::MergeReport, email::TokenDigest};

use crate::{
    Store, StoreError,
    accounts::append,
    entity::{device_code, owner::OwnerKind},
    owners::claim_owner,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl DeviceStore for Store {
    /// Claims the guest's owner row (a guest that never wrote gets one: the code refers
    /// to it) and keeps the code. A guest retired meanwhile makes none.
    #[tracing::instrument(skip_all, fields(%guest))]
    async fn save_device_code(
        &self,
        digest: TokenDigest,
        guest: OwnerId,
        lifetime: Duration,
    ) -> Result<()> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let row = claim_owner(&txn, guest, now).await?;
        if row.kind != OwnerKind::Guest || row.merged_into.is_some() {
            return Err(StoreError::GuestMerged);
        }
        device_code::Entity::insert(device_code::ActiveModel {
            digest: Set(digest.to_hex()),
            guest_id: Set(guest.as_uuid()),
            expires_at: Set(now + lifetime),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Deletes the code first (which locks it: a second redemption at once waits, then
    /// finds none), then claims the code's guest and the redeemer in that order, and
    /// appends the redeemer's avatars to the guest's roster when they fit under the cap.
    #[tracing::instrument(skip_all, fields(%redeemer))]
    async fn redeem_device_code(
        &self,
        digest: TokenDigest,
        redeemer: OwnerId,
    ) -> Result<Option<(OwnerId, MergeReport)>> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let taken = device_code::Entity::delete_many()
            .filter(device_code::Column::Digest.eq(digest.to_hex()))
            .exec_with_returning(&txn)
            .await?
            .into_iter()
            .next()
            .filter(|code| code.expires_at > now);
        let Some(code) = taken else {
            txn.commit().await?;
            return Ok(None);
        };
        let guest = OwnerId::from_uuid(code.guest_id);
        let guest_row = claim_owner(&txn, guest, now).await?;
        if guest_row.kind != OwnerKind::Guest || guest_row.merged_into.is_some() {
            // It became a member (or was retired) since: the code carries nobody.
            txn.commit().await?;
            return Ok(None);
        }
        let redeemer_row = claim_owner(&txn, redeemer, now).await?;
        if redeemer_row.kind != OwnerKind::Guest {
            return Err(StoreError::NotFound);
        }
        // The code's own guest, or a browser whose guest is retired: nothing to bring.
        if redeemer == guest || redeemer_row.merged_into.is_some() {
            txn.commit().await?;
            return Ok(Some((guest, MergeReport::nothing())));
        }
        let merge = append(&txn, redeemer, guest, now, self.avatar_limit).await?;
        if merge.held_back > 0 {
            // Dropped unchanged: the code stays, for a try after some are deleted.
            return Ok(Some((guest, merge)));
        }
        txn.commit().await?;
        Ok(Some((guest, merge)))
    }
}
