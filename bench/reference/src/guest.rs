//! The guest cookie: an HS256 JWT `{typ: "guest", sid, iat, exp}` in `__Host-guest`,
//! signed with a key derived from `AUTH_SECRET` as Guestroom derives it (HKDF-SHA256,
//! crates/identity/src/token/keys.rs).

use axum::http::{HeaderMap, StatusCode, header::COOKIE};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use uuid::Uuid;

const COOKIE_NAME: &str = "__Host-guest=";

#[derive(Deserialize)]
struct Claims {
    typ: String,
    sid: Uuid,
}

pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl Verifier {
    /// The key for the first secret of `auth_secret` (a rotation's older ones are not
    /// read: the benchmark signs with the newest).
    pub fn new(auth_secret: &str) -> Self {
        let secret = auth_secret.split(',').next().unwrap_or_default().trim();
        let hkdf =
            hkdf::Hkdf::<sha2::Sha256>::new(Some(b"guestroom/identity/v1"), secret.as_bytes());
        let mut key = [0_u8; 32];
        hkdf.expand(b"guest-token/HS256", &mut key).expect("32 bytes is a valid HKDF length");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.required_spec_claims = ["exp", "iat"].map(String::from).into();
        Self { key: DecodingKey::from_secret(&key), validation }
    }

    /// The owner the request's guest cookie names, or 401.
    pub fn owner(&self, headers: &HeaderMap) -> Result<Uuid, StatusCode> {
        let token = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(COOKIE_NAME))
            .ok_or(StatusCode::UNAUTHORIZED)?;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|_| StatusCode::UNAUTHORIZED)?
            .claims;
        if claims.typ != "guest" {
            return Err(StatusCode::UNAUTHORIZED);
        }
        Ok(claims.sid)
    }
}
