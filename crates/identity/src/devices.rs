//! Continuing as a guest on another device, without an account: the guest makes a short
//! code (10 minutes, once) and types it — or opens a link carrying it — in the other
//! browser, which becomes the same guest. A browser whose own guest has data appends it
//! to that guest's, as a sign-in appends a guest's roster to a member's, and its own guest
//! is retired. Members sign in instead.
//!
//! The code is random (it says nothing about the guest), stored as its digest only, and
//! both making and typing codes are counted per client network ([`DEVICE_CODE_TRIES`]
//! per 10 minutes, then 429): 40 bits tried ten times per network and window are not
//! guessed.

use std::net::IpAddr;

use chrono::Duration;

use crate::{
    DeviceStore, OwnerId,
    account::{AccountError, Accounts, Action, MergeReport},
    audit,
    email::ShortCode,
};

/// How long a code works.
pub const DEVICE_CODE_LIFETIME: Duration = Duration::minutes(10);

/// Codes a client network may make, and codes it may type, per 10 minutes.
pub const DEVICE_CODE_TRIES: u32 = 10;

/// A code typed in another browser worked: that browser is `guest` from now on, with
/// what its own guest had appended (`merge`). Made only by these rules (hence
/// `non_exhaustive`): it is what `Identity::continued_guest_cookie` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Continued {
    pub guest: OwnerId,
    pub merge: MergeReport,
}

impl<S: DeviceStore> Accounts<S> {
    /// A new code for `guest`, to type on another device.
    pub async fn make_device_code(
        &self,
        guest: OwnerId,
        client: Option<IpAddr>,
    ) -> Result<ShortCode, AccountError<S::Error>> {
        let made = self.try_make_device_code(guest, client).await;
        audit::record("device_code_made", audit::outcome(&made), None, client);
        made
    }

    async fn try_make_device_code(
        &self,
        guest: OwnerId,
        client: Option<IpAddr>,
    ) -> Result<ShortCode, AccountError<S::Error>> {
        self.admit_device(Action::DeviceCode, client).await?;
        let code = ShortCode::random();
        self.store
            .save_device_code(code.digest(), guest, DEVICE_CODE_LIFETIME)
            .await
            .map_err(AccountError::Store)?;
        Ok(code)
    }

    /// Spends `code` in the browser whose guest is `redeemer`: that browser becomes the
    /// code's guest, its own guest's data appended. An unknown, spent or expired code
    /// (or one whose guest became a member) is [`AccountError::BadLink`]; one that
    /// would pass the cap with this browser's data is [`AccountError::NoRoom`] and stays
    /// unspent.
    pub async fn continue_as_guest(
        &self,
        code: &str,
        redeemer: OwnerId,
        client: Option<IpAddr>,
    ) -> Result<Continued, AccountError<S::Error>> {
        let continued = self.try_continue_as_guest(code, redeemer, client).await;
        audit::record("device_code_used", audit::outcome(&continued), None, client);
        continued
    }

    async fn try_continue_as_guest(
        &self,
        code: &str,
        redeemer: OwnerId,
        client: Option<IpAddr>,
    ) -> Result<Continued, AccountError<S::Error>> {
        self.admit_device(Action::DeviceCodeTyped, client).await?;
        let code = ShortCode::parse(code).ok_or(AccountError::BadLink)?;
        let redeemed = self.store.redeem_device_code(code.digest(), redeemer).await;
        match redeemed.map_err(AccountError::Store)? {
            None => Err(AccountError::BadLink),
            Some((_, merge)) if merge.held_back > 0 => Err(AccountError::NoRoom),
            Some((guest, merge)) => Ok(Continued { guest, merge }),
        }
    }
}
