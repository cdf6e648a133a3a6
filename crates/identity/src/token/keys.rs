use std::{fmt, io, path::Path};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use sha2::Sha256;

/// The shortest `AUTH_SECRET` entry accepted: 32 bytes, as `openssl rand -base64 32`
/// prints (44 characters).
pub const MIN_SECRET_LEN: usize = 32;

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
        "AUTH_SECRET entry {position} is {len} bytes; at least {MIN_SECRET_LEN} are needed (generate one with `openssl rand -base64 32`)"
    )]
    TooShort { position: usize, len: usize },
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

impl Keyring {
    /// Parses `AUTH_SECRET`: one secret, or several separated by commas, newest first.
    pub fn from_secrets(value: &str) -> Result<Self, KeyError> {
        let secrets: Vec<&str> =
            value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if secrets.is_empty() {
            return Err(KeyError::Empty);
        }
        let mut keyring = Keyring { guest: Vec::new(), session: Vec::new() };
        for (index, secret) in secrets.iter().enumerate() {
            if secret.len() < MIN_SECRET_LEN {
                return Err(KeyError::TooShort { position: index + 1, len: secret.len() });
            }
            let hkdf = Hkdf::<Sha256>::new(Some(HKDF_SALT), secret.as_bytes());
            keyring.guest.push(derive(&hkdf, GUEST_INFO));
            keyring.session.push(derive(&hkdf, SESSION_INFO));
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
                let secret = URL_SAFE_NO_PAD.encode(bytes);
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

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_secret_shorter_than_32_bytes_is_rejected() {
        assert!(matches!(
            Keyring::from_secrets("short"),
            Err(KeyError::TooShort { position: 1, len: 5 })
        ));
    }

    #[test]
    fn an_empty_secret_list_is_rejected() {
        assert!(matches!(Keyring::from_secrets(" , "), Err(KeyError::Empty)));
    }

    #[test]
    fn the_guest_and_session_keys_differ() {
        let keyring = Keyring::from_secrets(SECRET).expect("valid");
        assert_ne!(keyring.guest[0].expose(), keyring.session[0].expose());
    }

    #[test]
    fn a_list_keeps_its_order_newest_first() {
        let other = "fedcba9876543210fedcba9876543210";
        let both = Keyring::from_secrets(&format!("{other}, {SECRET}")).expect("valid");
        let old = Keyring::from_secrets(SECRET).expect("valid");
        assert_eq!(both.guest.len(), 2);
        assert_eq!(both.guest[1].expose(), old.guest[0].expose());
    }

    #[test]
    fn keys_never_print() {
        let keyring = Keyring::from_secrets(SECRET).expect("valid");
        let printed = format!("{keyring:?} {:?}", keyring.guest[0]);
        assert!(printed.contains("redacted"));
        assert!(!printed.contains(SECRET));
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
