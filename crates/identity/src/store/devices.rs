//! The port of codes that carry a guest to another device (`crate::devices`).

use std::future::Future;

use chrono::Duration;

use crate::{AttemptStore, OwnerId, account::MergeReport, email::TokenDigest};

/// Codes to continue as a guest on another device: kept by digest only, each for one
/// guest, for a short while, spent once.
pub trait DeviceStore: AttemptStore {
    /// Keeps `digest` as a code for `guest` for `lifetime` (by the store's clock).
    fn save_device_code(
        &self,
        digest: TokenDigest,
        guest: OwnerId,
        lifetime: Duration,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Spends the code `digest` for the browser whose guest is `redeemer`, in one step:
    /// the code is deleted, `redeemer`'s data is appended to the code's guest's (in
    /// order, as a merge into a member appends it), and `redeemer` is retired, merged into
    /// the code's guest. Returns the code's guest and what moved.
    ///
    /// `None`, with nothing changed but an expired code's deletion, when no unexpired
    /// code has this digest or its guest is not an unmerged guest any more (it became a
    /// member). When the two together would pass the store's cap, nothing changes at all
    /// (the code stays): the report says what was `held_back`. A redeemer that is the
    /// code's guest itself spends the code and moves nothing.
    fn redeem_device_code(
        &self,
        digest: TokenDigest,
        redeemer: OwnerId,
    ) -> impl Future<Output = Result<Option<(OwnerId, MergeReport)>, Self::Error>> + Send;
}
