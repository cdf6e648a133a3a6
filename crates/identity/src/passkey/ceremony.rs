//! The state of one passkey ceremony while the browser asks the authenticator: the
//! WebAuthn challenge state and who started it, sealed into a short-lived `__Host-`
//! cookie ([`CEREMONY_COOKIE`]) like a provider sign-in's flow. The server keeps nothing;
//! the finish step accepts only the ceremony this browser started, as the viewer that
//! started it, and every answer clears the cookie.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use webauthn_rs::prelude::{DiscoverableAuthentication, PasskeyRegistration};

use crate::{
    Keyring, OwnerId, Viewer,
    account::{DisplayName, Email, PasskeyName},
    token::{
        TokenError, from_timestamp,
        sealed::{open, seal},
        timestamp,
    },
};

/// The cookie a ceremony lives in.
pub const CEREMONY_COOKIE: &str = "__Host-passkey";

/// How long the browser may take: the authenticator's own timeout is 5 minutes.
pub const CEREMONY_LIFETIME: Duration = Duration::minutes(5);

/// What a ceremony is for, with its WebAuthn state.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "for", rename_all = "snake_case")]
pub enum Ceremony {
    /// A signed-in member adds a passkey (the account page).
    Add { member: Uuid, name: String, state: PasskeyRegistration },
    /// A guest creates an account whose only way to sign in is the passkey; `member` is
    /// the new account's id, which the passkey carries as its user handle.
    SignUp {
        guest: Uuid,
        member: Uuid,
        email: String,
        display_name: String,
        state: PasskeyRegistration,
    },
    /// A guest signs in with a passkey the browser offers (discoverable credentials).
    SignIn { guest: Uuid, state: DiscoverableAuthentication },
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    ceremony: Ceremony,
    exp: i64,
}

/// Why a ceremony cookie was not accepted: all mean "this browser did not start this,
/// or took too long".
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CeremonyRefusal {
    #[error("no ceremony cookie")]
    Missing,
    #[error("ceremony cookie does not open: {0}")]
    Unreadable(TokenError),
    #[error("ceremony has expired")]
    Expired,
    #[error("ceremony was started by another viewer")]
    OtherViewer,
}

impl Ceremony {
    pub fn add(member: OwnerId, name: &PasskeyName, state: PasskeyRegistration) -> Self {
        Ceremony::Add { member: member.as_uuid(), name: name.as_str().to_owned(), state }
    }

    pub fn sign_up(
        guest: OwnerId,
        member: OwnerId,
        email: &Email,
        display_name: &DisplayName,
        state: PasskeyRegistration,
    ) -> Self {
        Ceremony::SignUp {
            guest: guest.as_uuid(),
            member: member.as_uuid(),
            email: email.as_str().to_owned(),
            display_name: display_name.as_str().to_owned(),
            state,
        }
    }

    pub fn sign_in(guest: OwnerId, state: DiscoverableAuthentication) -> Self {
        Ceremony::SignIn { guest: guest.as_uuid(), state }
    }

    /// The cookie value: the ceremony and its expiry, sealed with the flow key.
    pub fn seal(&self, keys: &Keyring, now: DateTime<Utc>) -> String {
        let sealed = Sealed { ceremony: self.clone(), exp: timestamp(now + CEREMONY_LIFETIME) };
        seal(&keys.flow[0], &sealed)
    }

    /// The ceremony sealed in `cookie`, when it has not expired and `viewer` started it:
    /// the same member (adding), or the same guest (signing up or in — whose roster is
    /// the one that comes along).
    pub fn open(
        keys: &Keyring,
        cookie: Option<&str>,
        viewer: Viewer,
        now: DateTime<Utc>,
    ) -> Result<Ceremony, CeremonyRefusal> {
        let cookie = cookie.ok_or(CeremonyRefusal::Missing)?;
        let sealed: Sealed = open(&keys.flow, cookie).map_err(CeremonyRefusal::Unreadable)?;
        if from_timestamp(sealed.exp).map_err(CeremonyRefusal::Unreadable)? <= now {
            return Err(CeremonyRefusal::Expired);
        }
        let started_by_viewer = match (&sealed.ceremony, viewer) {
            (Ceremony::Add { member, .. }, Viewer::Member { user_id, .. }) => {
                *member == user_id.as_uuid()
            }
            (
                Ceremony::SignUp { guest, .. } | Ceremony::SignIn { guest, .. },
                Viewer::Guest { sid },
            ) => *guest == sid.as_uuid(),
            _ => false,
        };
        if !started_by_viewer {
            return Err(CeremonyRefusal::OtherViewer);
        }
        Ok(sealed.ceremony)
    }
}
