use std::{fmt, io, path::Path};

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD},
};
use hkdf::Hkdf;
use sha2::Sha256;

/// The least key an `AUTH_SECRET` entry must carry: 32 bytes, written in base64 (standard
/// or URL-safe, padded or not), as `openssl rand -base64 32` prints them (44 characters).
pub const MIN_SECRET_LEN: usize = 32;

/// Fewer distinct byte values than this in 32 or more bytes is not randomness: 32 random
/// bytes have about 30, and fewer than 16 happens about once in 10^20 draws.
const MIN_DISTINCT_BYTES: usize = 16;

/// Key material that never prints. No `Serialize`, and `Debug` shows `[redacted]`.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

/// The keys derived from `AUTH_SECRET`, newest first. Tokens are issued with the first
/// key of each list and accepted with any of them, which is how a secret is rotated: put
/// the new one first, keep the old one second until its tokens have expired, then drop it.
#[derive(Clone)]
pub struct Keyring {
    pub(crate) guest: Vec<SecretKey>,
    pub(crate) session: Vec<SecretKey>,
    /// Seals the state of a sign-in with another provider while the browser is away.
    pub(crate) flow: Vec<SecretKey>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keyring({} secrets, [redacted])", self.guest.len())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("AUTH_SECRET is empty")]
    Empty,
    #[error(
        "AUTH_SECRET entry {position} is {why}: it must be base64 of at least {MIN_SECRET_LEN} random bytes (generate one with `openssl rand -base64 32`)"
    )]
    Weak { position: usize, why: &'static str },
    #[error("AUTH_SECRET is required in production (generate one with `openssl rand -base64 32`)")]
    MissingInProduction,
    #[error("cannot read or write the development secret at {path}")]
    DevSecretFile {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot gather randomness for a development secret: {0}")]
    Randomness(String),
}

/// Domain separation: the same secret yields unrelated keys for each purpose, so a key
/// that verifies guest signatures can never decrypt a session, and the reverse.
const HKDF_SALT: &[u8] = b"guestroom/identity/v1";
const GUEST_INFO: &[u8] = b"guest-token/HS256";
const SESSION_INFO: &[u8] = b"member-session/A256GCM";
const FLOW_INFO: &[u8] = b"sign-in-flow/A256GCM";

impl Keyring {
    /// Parses `AUTH_SECRET`: one secret, or several separated by commas, newest first.
    /// Each must be base64 of at least 32 random-looking bytes; the text itself is the
    /// input keying material of HKDF.
    pub fn from_secrets(value: &str) -> Result<Self, KeyError> {
        let secrets: Vec<&str> =
            value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if secrets.is_empty() {
            return Err(KeyError::Empty);
        }
        let mut keyring = Keyring { guest: Vec::new(), session: Vec::new(), flow: Vec::new() };
        for (index, secret) in secrets.iter().enumerate() {
            check_strength(secret).map_err(|why| KeyError::Weak { position: index + 1, why })?;
            let hkdf = Hkdf::<Sha256>::new(Some(HKDF_SALT), secret.as_bytes());
            keyring.guest.push(derive(&hkdf, GUEST_INFO));
            keyring.session.push(derive(&hkdf, SESSION_INFO));
            keyring.flow.push(derive(&hkdf, FLOW_INFO));
        }
        Ok(keyring)
    }

    /// For development only: the secret stored in `path`, created (random, mode 0600) on
    /// first use, so that tokens survive restarts without any set-up.
    pub fn load_or_create_dev_secret(path: &Path) -> Result<Self, KeyError> {
        let file_error =
            |source| KeyError::DevSecretFile { path: path.display().to_string(), source };
        let secret = match std::fs::read_to_string(path) {
            Ok(secret) => secret,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                let mut bytes = [0_u8; 32];
                getrandom::fill(&mut bytes).map_err(|e| KeyError::Randomness(e.to_string()))?;
                // Padded: never letters only (`check_strength`).
                let secret = URL_SAFE.encode(bytes);
                if let Some(folder) = path.parent() {
                    std::fs::create_dir_all(folder).map_err(file_error)?;
                }
                write_private(path, &secret).map_err(file_error)?;
                secret
            }
            Err(error) => return Err(file_error(error)),
        };
        Self::from_secrets(&secret)
    }
}

/// Refuses a secret that is not base64, decodes to fewer than 32 bytes, repeats itself
/// (32 times the same letter, say), or is written in letters only.
///
/// Letters only is how a phrase looks (`CorrectHorseBatteryStaple…`: valid base64 of
/// 36 bytes that look random, and a guess away from a dictionary attack on the guest
/// token's signature). Random bytes in base64 have digits, `+`, `/` or padding:
/// `openssl rand -base64 32` always ends in `=`, and 43 unpadded random characters are
/// letters only about once in 1,500 draws — such a one is refused, and the message
/// says how to make another.
fn check_strength(secret: &str) -> Result<(), &'static str> {
    let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(secret).ok())
        .ok_or("not base64")?;
    if bytes.len() < MIN_SECRET_LEN {
        return Err("too short");
    }
    if secret.bytes().all(|byte| byte.is_ascii_alphabetic() || matches!(byte, b'-' | b'_')) {
        return Err("letters only, like a phrase");
    }
    let distinct = bytes.iter().collect::<std::collections::HashSet<_>>().len();
    if distinct < MIN_DISTINCT_BYTES {
        return Err("not random");
    }
    Ok(())
}

fn derive(hkdf: &Hkdf<Sha256>, info: &[u8]) -> SecretKey {
    let mut key = [0_u8; 32];
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
    let expanded = hkdf.expand(info, &mut key);
    debug_assert!(expanded.is_ok());
    SecretKey(key)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "KpXoGx3JmpGW1QxboyX9NZON7NuJqY+v7k7+//y07QU=";

    #[test]
    fn a_secret_that_is_not_32_random_bytes_of_base64_is_refused() {
        let thirty_two_digits = "1".repeat(32);
        let forty_four_digits = "1".repeat(44);
        for (secret, expected) in [
            ("short", "not base64"),
            ("integration-test-secret-0123456789abcdef", "too short"),
            (thirty_two_digits.as_str(), "too short"),
            (forty_four_digits.as_str(), "not random"),
            ("correct horse battery staple correct horse", "not base64"),
            ("CorrectHorseBatteryStapleCorrectHorseBatteryStap", "letters only, like a phrase"),
            ("correct-horse-battery-staple-correct-horse-batte", "letters only, like a phrase"),
        ] {
            let refused = Keyring::from_secrets(secret);
            assert!(
                matches!(refused, Err(KeyError::Weak { position: 1, why }) if why == expected),
                "{secret}: {refused:?}"
            );
        }
    }

    #[test]
    fn sixteen_distinct_bytes_are_enough_and_fifteen_are_not() {
        let secret =
            |distinct: u8| STANDARD.encode((0..distinct).cycle().take(32).collect::<Vec<_>>());
        assert!(Keyring::from_secrets(&secret(16)).is_ok());
        let refused = Keyring::from_secrets(&secret(15));
        assert!(matches!(refused, Err(KeyError::Weak { why: "not random", .. })), "{refused:?}");
    }

    #[test]
    fn every_base64_alphabet_is_accepted() {
        for secret in [
            SECRET,
            "KpXoGx3JmpGW1QxboyX9NZON7NuJqY+v7k7+//y07QU",
            "KpXoGx3JmpGW1QxboyX9NZON7NuJqY-v7k7-__y07QU",
        ] {
            assert!(Keyring::from_secrets(secret).is_ok(), "{secret}");
        }
        let second = Keyring::from_secrets(&format!("{SECRET}, short"));
        assert!(matches!(second, Err(KeyError::Weak { position: 2, .. })), "{second:?}");
    }

    #[test]
    fn an_empty_secret_list_is_rejected() {
        assert!(matches!(Keyring::from_secrets(" , "), Err(KeyError::Empty)));
    }

    #[test]
    fn each_purpose_has_its_own_key() {
        let keyring = Keyring::from_secrets(SECRET).expect("valid");
        assert_ne!(keyring.guest[0].expose(), keyring.session[0].expose());
        assert_ne!(keyring.flow[0].expose(), keyring.session[0].expose());
        assert_ne!(keyring.flow[0].expose(), keyring.guest[0].expose());
    }

    #[test]
    fn a_list_keeps_its_order_newest_first() {
        let other = "N00AZvgsuEqs5HZeNR/wd05ZyAsYgZkh1w/2DSNYBDM=";
        let both = Keyring::from_secrets(&format!("{other}, {SECRET}")).expect("valid");
        let old = Keyring::from_secrets(SECRET).expect("valid");
        assert_eq!(both.guest.len(), 2);
        assert_eq!(both.guest[1].expose(), old.guest[0].expose());
    }

    #[test]
    fn keys_never_print() {
        let keyring = Keyring::from_secrets(SECRET).expect("valid");
        let printed = format!("{keyring:?} {:?}", keyring.guest[0]);
        assert_eq!(printed, "Keyring(1 secrets, [redacted]) SecretKey([redacted])");
    }

    #[test]
    fn the_dev_secret_is_created_once_and_reused() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("nested/auth_secret");
        let first = Keyring::load_or_create_dev_secret(&path).expect("created");
        let second = Keyring::load_or_create_dev_secret(&path).expect("reused");
        assert_eq!(first.guest[0].expose(), second.guest[0].expose());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("exists").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
