use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, TimeZone, Utc};
use identity::Keyring;

pub const SECRET: &str = "6MzKgzzOTSZi/YRmBPy6ErDNESkmLvRKPR+YefIcXIs=";
pub const OLD_SECRET: &str = "QFaiHvVa1KZdF+4bAZ8inhT/wgUqV5oiKStFMht13bs=";
pub const FOREIGN_SECRET: &str = "2k1KcD/V9tThdP3DAqeKNL4L19hd2RC9CYBRY7g29cQ=";

pub fn keys(secrets: &str) -> Keyring {
    Keyring::from_secrets(secrets).expect("valid test secrets")
}

pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().expect("valid date")
}

/// The token's segments, base64url-decoded where they are JSON.
pub fn segments(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

pub fn encode_json(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

pub fn decode_json(segment: &str) -> String {
    String::from_utf8(URL_SAFE_NO_PAD.decode(segment).expect("base64url")).expect("utf-8")
}

/// Replaces one segment of a compact token.
pub fn with_segment(token: &str, index: usize, segment: &str) -> String {
    let mut parts = segments(token);
    parts[index] = segment.to_owned();
    parts.join(".")
}

/// Flips one character in the middle of a segment (keeping it valid base64url).
pub fn flip(segment: &str) -> String {
    let mut chars: Vec<char> = segment.chars().collect();
    let middle = chars.len() / 2;
    chars[middle] = if chars[middle] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

/// The guest-token key the crate derives from [`SECRET`], derived here the way the crate
/// documents it (HKDF-SHA256), and a JWT signed with it by `algorithm` (`HS256` or
/// `HS512`), written here from the standard: tokens that differ from genuine ones in one
/// respect only.
pub fn sign_with_guest_key(algorithm: &str, claims: &serde_json::Value) -> String {
    use hkdf::Hkdf;
    use hmac::{Hmac, Mac};
    use sha2::{Sha256, Sha512};
    let mut key = [0_u8; 32];
    Hkdf::<Sha256>::new(Some(b"guestroom/identity/v1"), SECRET.as_bytes())
        .expand(b"guest-token/HS256", &mut key)
        .expect("32 bytes");
    let header = encode_json(&format!(r#"{{"typ":"JWT","alg":"{algorithm}"}}"#));
    let signed = format!("{header}.{}", encode_json(&claims.to_string()));
    let signature = match algorithm {
        "HS256" => Hmac::<Sha256>::new_from_slice(&key)
            .expect("any key length")
            .chain_update(&signed)
            .finalize()
            .into_bytes()
            .to_vec(),
        "HS512" => Hmac::<Sha512>::new_from_slice(&key)
            .expect("any key length")
            .chain_update(&signed)
            .finalize()
            .into_bytes()
            .to_vec(),
        other => panic!("no test signer for {other}"),
    };
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
}
