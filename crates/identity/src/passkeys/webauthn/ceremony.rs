//! The state of one passkey ceremony while the browser asks the authenticator: the
//! WebAuthn challenge state and who started it, sealed into a short-lived `__Host-`
//! cookie ([`CEREMONY_COOKIE`]) like a provider sign-in's flow. The server keeps nothing
//! while it runs; the finish step accepts only the ceremony this browser started, as the
//! viewer that started it, and only once: it spends the ceremony's id in the store
//! ([`crate::PasskeyStore::spend_ceremony`]), so a replayed answer does nothing. Every
//! answer clears the cookie.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use webauthn_rs::prelude::{DiscoverableAuthentication, PasskeyRegistration};

use crate::{
    Keyring, OwnerId, Viewer,
    account::{DisplayName, Email},
    passkeys::PasskeyName,
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
    /// the new account's id, which the passkey carries as its user handle. The email and
    /// display name come back with the finish request; `account` binds them to this
    /// ceremony ([`account_digest`]) — as values they could pass the 4,096 bytes a
    /// browser keeps of a cookie (a 254-byte email, 80 clusters of 8 code points).
    SignUp { guest: Uuid, member: Uuid, account: String, state: PasskeyRegistration },
    /// A guest signs in with a passkey the browser offers (discoverable credentials).
    SignIn { guest: Uuid, state: DiscoverableAuthentication },
}

/// The SHA-256 of a new account's email and display name, in base64url: what a sign-up
/// ceremony keeps of them.
pub fn account_digest(email: &Email, display_name: &DisplayName) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(email.as_str())
        .chain_update([0])
        .chain_update(display_name.as_str())
        .finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    /// Spent when the ceremony finishes.
    id: Uuid,
    ceremony: Ceremony,
    exp: i64,
}

/// An opened ceremony: its id, to spend, and what it is for.
#[derive(Debug)]
pub struct Opened {
    pub id: Uuid,
    pub ceremony: Ceremony,
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
    #[error("ceremony has finished already")]
    Spent,
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
            account: account_digest(email, display_name),
            state,
        }
    }

    pub fn sign_in(guest: OwnerId, state: DiscoverableAuthentication) -> Self {
        Ceremony::SignIn { guest: guest.as_uuid(), state }
    }

    /// The cookie value: the ceremony and its expiry, sealed with the flow key.
    pub fn seal(&self, keys: &Keyring, now: DateTime<Utc>) -> String {
        let exp = timestamp(now + CEREMONY_LIFETIME);
        let sealed = Sealed { id: Uuid::new_v4(), ceremony: self.clone(), exp };
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
    ) -> Result<Opened, CeremonyRefusal> {
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
        Ok(Opened { id: sealed.id, ceremony: sealed.ceremony })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passkeys::RelyingParty;

    const SECRET: &str = "KpXoGx3JmpGW1QxboyX9NZON7NuJqY+v7k7+//y07QU=";

    fn sign_in(guest: OwnerId) -> Ceremony {
        let party = RelyingParty::new("http://localhost", "Test", true).expect("valid");
        let (_, state) = party.start_sign_in().expect("options");
        Ceremony::sign_in(guest, state)
    }

    fn member(user_id: OwnerId) -> Viewer {
        Viewer::Member { user_id, auth_time: DateTime::UNIX_EPOCH, version: 1, session: None }
    }

    #[test]
    fn a_ceremony_opens_for_the_viewer_that_started_it_until_it_expires() {
        let keys = Keyring::from_secrets(SECRET).expect("valid");
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let guest = OwnerId::random();
        let cookie = sign_in(guest).seal(&keys, now);
        let open = |viewer, at| Ceremony::open(&keys, Some(&cookie), viewer, at).map(|_| ());
        assert_eq!(open(Viewer::Guest { sid: guest }, now), Ok(()));
        let last_second = now + CEREMONY_LIFETIME - Duration::seconds(1);
        assert_eq!(open(Viewer::Guest { sid: guest }, last_second), Ok(()));
        let late = now + CEREMONY_LIFETIME;
        assert_eq!(open(Viewer::Guest { sid: guest }, late), Err(CeremonyRefusal::Expired));
        let other = Viewer::Guest { sid: OwnerId::random() };
        assert_eq!(open(other, now), Err(CeremonyRefusal::OtherViewer));
        // A member with the guest's id is not the guest.
        assert_eq!(open(member(guest), now), Err(CeremonyRefusal::OtherViewer));
        let none = Ceremony::open(&keys, None, Viewer::Guest { sid: guest }, now).map(|_| ());
        assert_eq!(none, Err(CeremonyRefusal::Missing));
    }

    #[test]
    fn adding_a_passkey_is_for_the_member_that_started_it() {
        let keys = Keyring::from_secrets(SECRET).expect("valid");
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let party = RelyingParty::new("http://localhost", "Test", true).expect("valid");
        let ada = OwnerId::random();
        let (_, state) = party.start_registration(ada, "ada", "Ada", Vec::new()).expect("options");
        let name = PasskeyName::parse("Laptop").expect("valid");
        let ceremony = Ceremony::add(ada, &name, state);
        let cookie = ceremony.seal(&keys, now);
        let opened = Ceremony::open(&keys, Some(&cookie), member(ada), now).map(|o| o.ceremony);
        assert!(
            matches!(opened, Ok(Ceremony::Add { member, name, .. }) if member == ada.as_uuid() && name == "Laptop")
        );
        // Each sealing is a ceremony of its own, with its own id to spend.
        let id = |cookie: &str| Ceremony::open(&keys, Some(cookie), member(ada), now).map(|o| o.id);
        assert_ne!(id(&cookie), id(&ceremony.seal(&keys, now)));
        let bob = Ceremony::open(&keys, Some(&cookie), member(OwnerId::random()), now);
        assert_eq!(bob.map(|_| ()), Err(CeremonyRefusal::OtherViewer));
        let as_guest = Ceremony::open(&keys, Some(&cookie), Viewer::Guest { sid: ada }, now);
        assert_eq!(as_guest.map(|_| ()), Err(CeremonyRefusal::OtherViewer));
    }

    #[test]
    fn a_ceremony_sealed_with_another_secret_or_a_flow_does_not_open() {
        let keys = Keyring::from_secrets(SECRET).expect("valid");
        let other =
            Keyring::from_secrets("N00AZvgsuEqs5HZeNR/wd05ZyAsYgZkh1w/2DSNYBDM=").expect("valid");
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let guest = OwnerId::random();
        let viewer = Viewer::Guest { sid: guest };
        let cookie = sign_in(guest).seal(&other, now);
        let refused = Ceremony::open(&keys, Some(&cookie), viewer, now).map(|_| ());
        assert_eq!(refused, Err(CeremonyRefusal::Unreadable(TokenError::BadSignature)));
        // A provider flow (same key) is not a ceremony.
        #[cfg(feature = "oidc")]
        {
            let flow = crate::providers::Flow {
                provider: "test".into(),
                state: "s".into(),
                nonce: "n".into(),
                pkce_verifier: "v".into(),
                intent: crate::providers::Intent::SignIn { guest },
                expires_at: now + CEREMONY_LIFETIME,
            };
            let refused = Ceremony::open(&keys, Some(&flow.seal(&keys)), viewer, now).map(|_| ());
            assert_eq!(refused, Err(CeremonyRefusal::Unreadable(TokenError::Malformed)));
        }
    }

    #[test]
    fn a_sign_up_at_the_longest_email_and_name_fits_in_a_cookie() {
        let keys = Keyring::from_secrets(SECRET).expect("valid");
        let party = RelyingParty::new("http://localhost", "Test", true).expect("valid");
        let email =
            format!("{}@{}.{}.{}", "a".repeat(64), "b".repeat(63), "c".repeat(63), "d".repeat(61));
        let email = Email::parse(&email).expect("the longest email");
        let widest = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}\u{1F3FB}";
        let name = DisplayName::parse(&widest.repeat(80)).expect("the longest name");
        let member = OwnerId::random();
        let (_, state) = party
            .start_registration(member, email.as_str(), name.as_str(), Vec::new())
            .expect("options");
        let sealed = Ceremony::sign_up(OwnerId::random(), member, &email, &name, state)
            .seal(&keys, DateTime::UNIX_EPOCH);
        let cookie = crate::http::cookies::set_cookie(CEREMONY_COOKIE, &sealed, CEREMONY_LIFETIME);
        // Browsers drop a cookie whose name and value pass 4,096 bytes, silently.
        assert!(cookie.len() <= 4096, "{} bytes", cookie.len());
    }
}
