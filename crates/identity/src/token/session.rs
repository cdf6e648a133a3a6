use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Keyring, OwnerId,
    token::{
        LEEWAY, TokenError, check_times, from_timestamp,
        sealed::{open, seal},
        timestamp,
    },
};

/// How long member sessions last and when they are re-issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// From sign-in; no amount of activity extends a session past it.
    pub absolute_lifetime: Duration,
    /// A session unused for this long is over.
    pub idle_timeout: Duration,
    /// A session older than this is re-issued (rolling), within the absolute lifetime.
    pub refresh_after: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            absolute_lifetime: Duration::days(30),
            idle_timeout: Duration::days(7),
            refresh_after: Duration::days(1),
        }
    }
}

impl SessionPolicy {
    /// When a session issued `now` to a member who signed in at `auth_time` expires: at
    /// the idle timeout or the absolute lifetime, whichever comes first.
    pub fn expiry(&self, auth_time: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        (now + self.idle_timeout).min(auth_time + self.absolute_lifetime)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct SessionClaims {
    sub: Uuid,
    ver: i32,
    iat: i64,
    exp: i64,
    auth_time: i64,
    /// Absent from sessions issued before sessions had ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<Uuid>,
}

/// Tells one session of a member from the others (the `sid` claim, OpenID Connect's
/// name for it), so a sign-out ends this session and no other. Kept across refreshes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SessionId(Uuid);

impl SessionId {
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }

    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// A decrypted, unexpired member session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub member: OwnerId,
    /// The member's `session_version` when this session was issued.
    pub version: i32,
    /// When the member signed in; the absolute lifetime counts from here.
    pub auth_time: DateTime<Utc>,
    /// When this token was issued (sign-in or the last refresh).
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// `None` for a session issued before sessions had ids: it ends only by expiry or by
    /// a bump of the version.
    pub id: Option<SessionId>,
}

/// Issues and opens member sessions, sealed ([`crate::token::sealed`]).
#[derive(Clone, Debug)]
pub struct SessionTokens {
    keys: Keyring,
    policy: SessionPolicy,
}

impl SessionTokens {
    pub fn new(keys: Keyring, policy: SessionPolicy) -> Self {
        Self { keys, policy }
    }

    pub fn policy(&self) -> SessionPolicy {
        self.policy
    }

    /// A new session (with a new id) for a member who signed in at `auth_time`, issued
    /// `now`. It expires at the idle timeout or the absolute lifetime, whichever comes
    /// first.
    pub fn issue(
        &self,
        member: OwnerId,
        version: i32,
        auth_time: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> String {
        self.issue_as(Some(SessionId::random()), member, version, auth_time, now)
    }

    fn issue_as(
        &self,
        id: Option<SessionId>,
        member: OwnerId,
        version: i32,
        auth_time: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> String {
        let expires_at = self.policy.expiry(auth_time, now);
        let claims = SessionClaims {
            sub: member.as_uuid(),
            ver: version,
            iat: timestamp(now),
            exp: timestamp(expires_at),
            auth_time: timestamp(auth_time),
            sid: id.map(|id| id.as_uuid()),
        };
        seal(&self.keys.session[0], &claims)
    }

    /// The same session (the same id), issued again `now` (its idle timer restarts);
    /// `None` when it is not yet due for a refresh.
    pub fn refresh(&self, session: &Session, now: DateTime<Utc>) -> Option<String> {
        (now - session.issued_at >= self.policy.refresh_after).then(|| {
            self.issue_as(session.id, session.member, session.version, session.auth_time, now)
        })
    }

    /// Checks the header (`dir` + `A256GCM` only), decrypts with each key newest first,
    /// then enforces expiry, the idle timeout and the absolute lifetime. The member's
    /// current `session_version` is checked by the caller where the store is consulted
    /// ([`Session::check_version`]).
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Session, TokenError> {
        let claims: SessionClaims = open(&self.keys.session, token)?;
        let session = Session {
            member: OwnerId::from_uuid(claims.sub),
            version: claims.ver,
            auth_time: from_timestamp(claims.auth_time)?,
            issued_at: from_timestamp(claims.iat)?,
            expires_at: from_timestamp(claims.exp)?,
            id: claims.sid.map(SessionId),
        };
        if session.auth_time + self.policy.absolute_lifetime + LEEWAY <= now {
            return Err(TokenError::AbsoluteLifetimeExceeded);
        }
        if session.issued_at + self.policy.idle_timeout + LEEWAY <= now {
            return Err(TokenError::IdleTimeout);
        }
        check_times(session.issued_at, session.expires_at, now)?;
        Ok(session)
    }
}

impl Session {
    /// Revocation: a session issued before the member's `session_version` was bumped
    /// (sign out everywhere, password change) is refused.
    pub fn check_version(&self, current: i32) -> Result<(), TokenError> {
        if self.version < current { Err(TokenError::Revoked) } else { Ok(()) }
    }
}
