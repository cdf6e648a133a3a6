//! What guest tokens and member sessions share: the error type, size limit, clock
//! leeway and the check of the protected header that runs before any cryptography.

/// Guest tokens: HS256 JWTs.
pub(crate) mod guest;
/// `AUTH_SECRET`, rotation, and the keys derived from it.
pub(crate) mod keys;
/// Sealing and opening JWE tokens (sessions, sign-in flows).
pub(crate) mod sealed;
/// Member sessions: JWE.
pub(crate) mod session;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

/// Cookies above this size are refused unread (browsers cap a cookie at 4096 bytes).
pub const MAX_TOKEN_LEN: usize = 4096;

/// How far clocks may disagree: at most a minute either way.
pub const LEEWAY: Duration = Duration::seconds(60);

/// Why a token was not accepted. Every variant means "treat the request as if the cookie
/// were absent"; the variants exist for tests and for debug logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token is larger than {MAX_TOKEN_LEN} bytes")]
    Oversized,
    #[error("token is not a well-formed compact JOSE object")]
    Malformed,
    #[error("token header names an algorithm that is not accepted")]
    WrongAlgorithm,
    #[error("token signature or authentication tag does not verify")]
    BadSignature,
    #[error("token is of another type")]
    WrongType,
    #[error("token is not valid yet")]
    NotYetValid,
    #[error("token has expired")]
    Expired,
    #[error("session was idle for too long")]
    IdleTimeout,
    #[error("session is older than its absolute lifetime")]
    AbsoluteLifetimeExceeded,
    #[error("session was revoked")]
    Revoked,
}

/// Reads the protected header of a compact JWS/JWE and checks that it names exactly the
/// expected algorithms, so the token, not the server, never chooses them. `expected`
/// lists `(member, value)` pairs; any other member but `typ` and `cty` is refused (no
/// `kid`, `jku`, `zip`, `crit`…).
pub(crate) fn check_header(
    token: &str,
    segments: usize,
    expected: &[(&str, &str)],
) -> Result<(), TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Oversized);
    }
    if token.split('.').count() != segments {
        return Err(TokenError::Malformed);
    }
    let encoded = token.split('.').next().ok_or(TokenError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| TokenError::Malformed)?;
    let header: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
    for (name, value) in &header {
        match expected.iter().find(|(expected_name, _)| expected_name == name) {
            Some((_, expected_value)) if value.as_str() == Some(expected_value) => {}
            Some(_) => return Err(TokenError::WrongAlgorithm),
            None if name == "typ" || name == "cty" => {}
            None => return Err(TokenError::WrongAlgorithm),
        }
    }
    if expected.iter().all(|(name, _)| header.contains_key(*name)) {
        Ok(())
    } else {
        Err(TokenError::WrongAlgorithm)
    }
}

/// Seconds since the epoch, as JWT claims carry time.
pub(crate) fn timestamp(time: DateTime<Utc>) -> i64 {
    time.timestamp()
}

pub(crate) fn from_timestamp(seconds: i64) -> Result<DateTime<Utc>, TokenError> {
    DateTime::from_timestamp(seconds, 0).ok_or(TokenError::Malformed)
}

/// The checks every token's times get: issued no later than `now` (give or take the
/// leeway) and not expired.
pub(crate) fn check_times(
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), TokenError> {
    if issued_at > now + LEEWAY {
        return Err(TokenError::NotYetValid);
    }
    if expires_at + LEEWAY <= now {
        return Err(TokenError::Expired);
    }
    Ok(())
}
