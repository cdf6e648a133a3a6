//! The state of one sign-in while the browser is at the provider: `state`, `nonce`, the
//! PKCE verifier, and who started it. It lives in a short-lived, sealed `__Host-` cookie
//! ([`FLOW_COOKIE`]), so the callback can refuse what this browser did not start and
//! merge only the roster of the guest that started it — and nothing is stored server-side.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Keyring, OwnerId,
    token::{
        TokenError, from_timestamp,
        sealed::{open, seal},
        timestamp,
    },
};

/// The cookie a flow lives in.
pub const FLOW_COOKIE: &str = "__Host-signin-flow";

/// How long a person may take at the provider.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);

/// What the flow is for, and for whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// A guest signs in (or up); its roster comes along.
    SignIn { guest: OwnerId },
    /// A signed-in member links the provider to the account.
    Link { member: OwnerId },
}

/// One flow, as sealed in its cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// The configured provider id the flow was started for.
    pub provider: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub intent: Intent,
    pub expires_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct FlowClaims {
    provider: String,
    state: String,
    nonce: String,
    pkce: String,
    /// The guest (sign-in) or member (link) that started the flow.
    by: Uuid,
    link: bool,
    exp: i64,
}

/// Why a flow cookie was not accepted: all mean "this browser did not start this
/// sign-in, or took too long".
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlowRefusal {
    #[error("no flow cookie")]
    Missing,
    #[error("flow cookie does not open: {0}")]
    Unreadable(TokenError),
    #[error("flow has expired")]
    Expired,
    #[error("flow was started for another provider")]
    OtherProvider,
    #[error("state does not match the flow's")]
    StateMismatch,
}

impl Flow {
    /// The cookie value: the flow, sealed with the flow key.
    pub fn seal(&self, keys: &Keyring) -> String {
        let (by, link) = match self.intent {
            Intent::SignIn { guest } => (guest, false),
            Intent::Link { member } => (member, true),
        };
        let claims = FlowClaims {
            provider: self.provider.clone(),
            state: self.state.clone(),
            nonce: self.nonce.clone(),
            pkce: self.pkce_verifier.clone(),
            by: by.as_uuid(),
            link,
            exp: timestamp(self.expires_at),
        };
        seal(&keys.flow[0], &claims)
    }

    /// The flow sealed in `cookie`, when it was started for `provider`, has not expired
    /// and carries `state` (compared in constant time).
    pub fn open(
        keys: &Keyring,
        cookie: Option<&str>,
        provider: &str,
        state: &str,
        now: DateTime<Utc>,
    ) -> Result<Flow, FlowRefusal> {
        let cookie = cookie.ok_or(FlowRefusal::Missing)?;
        let claims: FlowClaims = open(&keys.flow, cookie).map_err(FlowRefusal::Unreadable)?;
        let expires_at = from_timestamp(claims.exp).map_err(FlowRefusal::Unreadable)?;
        if expires_at <= now {
            return Err(FlowRefusal::Expired);
        }
        if claims.provider != provider {
            return Err(FlowRefusal::OtherProvider);
        }
        if !same(claims.state.as_bytes(), state.as_bytes()) {
            return Err(FlowRefusal::StateMismatch);
        }
        let by = OwnerId::from_uuid(claims.by);
        Ok(Flow {
            provider: claims.provider,
            state: claims.state,
            nonce: claims.nonce,
            pkce_verifier: claims.pkce,
            intent: if claims.link {
                Intent::Link { member: by }
            } else {
                Intent::SignIn { guest: by }
            },
            expires_at,
        })
    }
}

/// Equality that takes the same time wherever the inputs differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "KpXoGx3JmpGW1QxboyX9NZON7NuJqY+v7k7+//y07QU=";

    fn flow(now: DateTime<Utc>) -> Flow {
        Flow {
            provider: "keycloak".into(),
            state: "state-1".into(),
            nonce: "nonce-1".into(),
            pkce_verifier: "verifier-1".into(),
            intent: Intent::SignIn { guest: OwnerId::random() },
            expires_at: now + FLOW_LIFETIME,
        }
    }

    #[test]
    fn a_flow_opens_with_its_provider_and_state_only() {
        let keys = Keyring::from_secrets(SECRET).expect("valid");
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let started = flow(now);
        let cookie = started.seal(&keys);
        let open = |provider, state, at| Flow::open(&keys, Some(&cookie), provider, state, at);
        assert_eq!(open("keycloak", "state-1", now), Ok(started.clone()));
        assert_eq!(open("google", "state-1", now), Err(FlowRefusal::OtherProvider));
        assert_eq!(open("keycloak", "state-2", now), Err(FlowRefusal::StateMismatch));
        assert_eq!(open("keycloak", "state-", now), Err(FlowRefusal::StateMismatch));
        let late = now + FLOW_LIFETIME;
        assert_eq!(open("keycloak", "state-1", late), Err(FlowRefusal::Expired));
        let none = Flow::open(&keys, None, "keycloak", "state-1", now);
        assert_eq!(none, Err(FlowRefusal::Missing));
    }

    #[test]
    fn a_flow_sealed_with_another_secret_or_key_does_not_open() {
        let keys = Keyring::from_secrets(SECRET).expect("valid");
        let other =
            Keyring::from_secrets("N00AZvgsuEqs5HZeNR/wd05ZyAsYgZkh1w/2DSNYBDM=").expect("valid");
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let cookie = flow(now).seal(&other);
        let refused = Flow::open(&keys, Some(&cookie), "keycloak", "state-1", now);
        assert_eq!(refused, Err(FlowRefusal::Unreadable(TokenError::BadSignature)));
        // A member session (same secret, another key) is not a flow either.
        let session = crate::SessionTokens::new(keys.clone(), crate::SessionPolicy::default())
            .issue(OwnerId::random(), 1, now, now);
        let refused = Flow::open(&keys, Some(&session), "keycloak", "state-1", now);
        assert_eq!(refused, Err(FlowRefusal::Unreadable(TokenError::BadSignature)));
    }

    #[test]
    fn states_that_differ_anywhere_differ() {
        assert!(same(b"state-1", b"state-1"));
        // Two differences whose bits cancel out under XOR still differ.
        assert!(!same(b"ab", b"ba"));
        assert!(!same(b"state-1", b"state-2"));
        assert!(!same(b"state", b"state-1"));
    }

    #[test]
    fn a_link_flow_keeps_its_member() {
        let keys = Keyring::from_secrets(SECRET).expect("valid");
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let member = OwnerId::random();
        let cookie = Flow { intent: Intent::Link { member }, ..flow(now) }.seal(&keys);
        let opened = Flow::open(&keys, Some(&cookie), "keycloak", "state-1", now);
        assert_eq!(opened.map(|f| f.intent), Ok(Intent::Link { member }));
    }
}
