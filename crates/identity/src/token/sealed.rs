//! Sealed tokens: JWE compact, `dir` + `A256GCM`, so the claims are both secret and
//! tamper-evident and no server-side state is needed to read them. Member sessions and
//! sign-in flows are sealed, each kind with its own key (see [`crate::Keyring`]).

use josekit::jwe::{self, Dir, JweHeader};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    SecretKey,
    token::{TokenError, check_header},
};

const JWE_HEADER: [(&str, &str); 2] = [("alg", "dir"), ("enc", "A256GCM")];

/// Seals `claims` with `key` (a fresh random IV each time).
pub(crate) fn seal(key: &SecretKey, claims: &impl Serialize) -> String {
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    let payload = serde_json::to_vec(claims).expect("claims of plain data serialise");
    let encrypter = Dir.encrypter_from_bytes(key.expose()).expect("a 32-byte key");
    jwe::serialize_compact(&payload, &header, &encrypter)
        .expect("AES-256-GCM with a 32-byte key and a fresh random IV cannot fail")
}

/// Checks the header (`dir` + `A256GCM` only), then decrypts with each key newest first.
/// Times are the caller's to check: they differ by kind.
pub(crate) fn open<T: DeserializeOwned>(keys: &[SecretKey], token: &str) -> Result<T, TokenError> {
    check_header(token, 5, &JWE_HEADER)?;
    let payload = keys
        .iter()
        .find_map(|key| {
            let decrypter = Dir.decrypter_from_bytes(key.expose()).ok()?;
            jwe::deserialize_compact(token, &decrypter).ok().map(|(payload, _)| payload)
        })
        .ok_or(TokenError::BadSignature)?;
    serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)
}
