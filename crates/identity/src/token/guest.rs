use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Keyring, OwnerId,
    token::{TokenError, check_header, check_times, from_timestamp, timestamp},
};

/// How long a guest token lives unless configured otherwise.
pub const DEFAULT_GUEST_LIFETIME: Duration = Duration::days(30);

const GUEST_TYPE: &str = "guest";

#[derive(Debug, Serialize, Deserialize)]
struct GuestClaims {
    typ: String,
    sid: Uuid,
    iat: i64,
    exp: i64,
}

/// A verified guest token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestToken {
    pub sid: OwnerId,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Issues and verifies guest tokens: HS256 JWTs `{typ: "guest", sid, iat, exp}`.
/// Verification needs no database.
#[derive(Clone, Debug)]
pub struct GuestTokens {
    keys: Keyring,
    lifetime: Duration,
}

impl GuestTokens {
    pub fn new(keys: Keyring, lifetime: Duration) -> Self {
        Self { keys, lifetime }
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A token for `sid`, signed with the newest key.
    pub fn issue(&self, sid: OwnerId, now: DateTime<Utc>) -> String {
        let claims = GuestClaims {
            typ: GUEST_TYPE.to_owned(),
            sid: sid.as_uuid(),
            iat: timestamp(now),
            exp: timestamp(now + self.lifetime),
        };
        let key = EncodingKey::from_secret(self.keys.guest[0].expose());
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
            .expect("HS256 over a small struct: serialisation and HMAC cannot fail")
    }

    /// Checks the header (HS256 only), the signature against each key newest first, the
    /// type and the times (with at most a minute of leeway).
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<GuestToken, TokenError> {
        check_header(token, 3, &[("alg", "HS256")])?;
        let mut validation = Validation::new(Algorithm::HS256);
        // Times are checked below against the injected clock, not the system's.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let mut claims = None;
        for key in &self.keys.guest {
            match jsonwebtoken::decode::<GuestClaims>(
                token,
                &DecodingKey::from_secret(key.expose()),
                &validation,
            ) {
                Ok(data) => {
                    claims = Some(data.claims);
                    break;
                }
                Err(error) if *error.kind() == ErrorKind::InvalidSignature => continue,
                Err(_) => return Err(TokenError::Malformed),
            }
        }
        let claims = claims.ok_or(TokenError::BadSignature)?;
        if claims.typ != GUEST_TYPE {
            return Err(TokenError::WrongType);
        }
        let issued_at = from_timestamp(claims.iat)?;
        let expires_at = from_timestamp(claims.exp)?;
        check_times(issued_at, expires_at, now)?;
        Ok(GuestToken { sid: OwnerId::from_uuid(claims.sid), issued_at, expires_at })
    }
}
