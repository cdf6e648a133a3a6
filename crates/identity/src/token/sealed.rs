//! Sealed tokens: JWE compact, `dir` + `A256GCM` (RFC 7516), so the claims are both
//! secret and tamper-evident and no server-side state is needed to read them. Member
//! sessions and sign-in flows are sealed, each kind with its own key (see
//! [`crate::Keyring`]).
//!
//! With `dir` the key is used as is, so the format is five base64url segments: the
//! protected header, an empty encrypted key, the 96-bit IV, the ciphertext and the 128-bit
//! tag, with the header's encoded form as the associated data. Written here over RustCrypto's
//! AES-GCM rather than a JOSE library over OpenSSL; tokens sealed by that library still open
//! (the sessions test with its token kept as a fixture).

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    SecretKey,
    token::{TokenError, check_header},
};

const JWE_HEADER: [(&str, &str); 2] = [("alg", "dir"), ("enc", "A256GCM")];
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Seals `claims` with `key` (a fresh random IV each time).
pub(crate) fn seal(key: &SecretKey, claims: &impl Serialize) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"dir","enc":"A256GCM"}"#);
    let payload = serde_json::to_vec(claims).expect("claims of plain data serialise");
    let mut iv = [0u8; IV_LEN];
    getrandom::fill(&mut iv).expect("the system's random source");
    let sealed = cipher(key)
        .encrypt(&Nonce::from(iv), Payload { msg: &payload, aad: header.as_bytes() })
        .expect("AES-256-GCM encrypts any claims a cookie can hold");
    // The cipher appends the tag to the ciphertext; JWE carries them apart.
    let (ciphertext, tag) = sealed.split_at(sealed.len() - TAG_LEN);
    [
        header.as_str(),
        "",
        &URL_SAFE_NO_PAD.encode(iv),
        &URL_SAFE_NO_PAD.encode(ciphertext),
        &URL_SAFE_NO_PAD.encode(tag),
    ]
    .join(".")
}

/// Checks the header (`dir` + `A256GCM` only), then decrypts with each key newest first.
/// Times are the caller's to check: they differ by kind.
pub(crate) fn open<T: DeserializeOwned>(keys: &[SecretKey], token: &str) -> Result<T, TokenError> {
    check_header(token, 5, &JWE_HEADER)?;
    let [header, encrypted_key, iv, ciphertext, tag]: [&str; 5] =
        token.split('.').collect::<Vec<_>>().try_into().map_err(|_| TokenError::Malformed)?;
    // `dir`: the key is not carried, so this segment must be empty.
    if !encrypted_key.is_empty() {
        return Err(TokenError::Malformed);
    }
    let decode = |segment: &str| URL_SAFE_NO_PAD.decode(segment).map_err(|_| TokenError::Malformed);
    let iv: [u8; IV_LEN] = decode(iv)?.try_into().map_err(|_| TokenError::Malformed)?;
    let mut sealed = decode(ciphertext)?;
    let tag = decode(tag)?;
    if tag.len() != TAG_LEN {
        return Err(TokenError::Malformed);
    }
    sealed.extend_from_slice(&tag);
    let nonce = Nonce::from(iv);
    let payload = keys
        .iter()
        .find_map(|key| {
            cipher(key).decrypt(&nonce, Payload { msg: &sealed, aad: header.as_bytes() }).ok()
        })
        .ok_or(TokenError::BadSignature)?;
    serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)
}

fn cipher(key: &SecretKey) -> Aes256Gcm {
    Aes256Gcm::new_from_slice(key.expose()).expect("a SecretKey is 32 bytes")
}
