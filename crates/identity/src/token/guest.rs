use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::{
    Keyring, OwnerId,
    token::{TokenError, check_header, check_times, from_timestamp, timestamp},
};

/// How long a guest token lives unless configured otherwise.
pub const DEFAULT_GUEST_LIFETIME: Duration = Duration::days(30);

const GUEST_TYPE: &str = "guest";

/// The protected header of every guest token, base64url-encoded:
/// `{"typ":"JWT","alg":"HS256"}`.
const HEADER: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9";

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
        let payload = serde_json::to_vec(&claims).expect("a small struct serialises");
        let signed = format!("{HEADER}.{}", URL_SAFE_NO_PAD.encode(payload));
        let signature = mac(self.keys.guest[0].expose(), &signed).finalize().into_bytes();
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// Checks the header (HS256 only), the signature against each key newest first, the
    /// type and the times (with at most a minute of leeway).
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<GuestToken, TokenError> {
        check_header(token, 3, &[("alg", "HS256")])?;
        let (signed, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed)?;
        // `verify_slice` compares in constant time.
        if !self
            .keys
            .guest
            .iter()
            .any(|key| mac(key.expose(), signed).verify_slice(&signature).is_ok())
        {
            return Err(TokenError::BadSignature);
        }
        let (_, payload) = signed.split_once('.').ok_or(TokenError::Malformed)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?;
        let claims: GuestClaims =
            serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
        if claims.typ != GUEST_TYPE {
            return Err(TokenError::WrongType);
        }
        let issued_at = from_timestamp(claims.iat)?;
        let expires_at = from_timestamp(claims.exp)?;
        check_times(issued_at, expires_at, now)?;
        Ok(GuestToken { sid: OwnerId::from_uuid(claims.sid), issued_at, expires_at })
    }
}

/// HMAC-SHA256 keyed with `key`, fed the token's signed part (`header.payload`).
fn mac(key: &[u8], signed: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(signed.as_bytes());
    mac
}
