//! The tokens that links in mail carry: random, single use, short-lived, and stored only
//! as a digest, so a copy of the database opens no account.

use std::fmt;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Duration;
use sha2::{Digest, Sha256};

/// How long a password-reset link works.
pub const RESET_LIFETIME: Duration = Duration::minutes(30);

/// How long a sign-in link (and its code) works.
pub const SIGN_IN_LIFETIME: Duration = Duration::minutes(15);

/// How long a link that confirms an address works (after sign-up, or the new address of a
/// change): a day, for mail read the next morning. It proves an inbox and signs nobody
/// in, so a longer life costs little.
pub const VERIFY_LIFETIME: Duration = Duration::hours(24);

/// What a token was issued for: a token works for its purpose only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// "Forgot password?": the link sets a new password.
    ResetPassword,
    /// After sign-up: the link confirms that the member receives mail at the address.
    VerifyEmail,
    /// "Email me a sign-in link": the link (or its code) signs in the browser that asked.
    SignIn,
    /// A change of address: the link, mailed to the new address, moves the account there.
    ChangeEmail,
}

impl TokenPurpose {
    /// The name a store keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::SignIn => "sign_in",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }
}

/// A token as mailed: 32 random bytes, base64url. Its [`Debug`] never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailToken(String);

impl EmailToken {
    /// A new token from the operating system's randomness.
    pub fn random() -> Self {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's randomness");
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as a link or a form brought it back; `None` when it cannot be one (so a
    /// store is never asked about arbitrary text).
    pub fn parse(text: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        (decoded.len() == 32).then(|| Self(text.trim().to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What a store keeps and looks the token up by: its SHA-256. The token has 256 bits
    /// of randomness, so the digest needs no salt, and a lookup by digest compares no
    /// secret byte by byte (a timing difference tells nothing about the token).
    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for EmailToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailToken([redacted])")
    }
}

/// The SHA-256 of an [`EmailToken`], as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TokenDigest(pub [u8; 32]);

impl TokenDigest {
    /// Lower-case hex, as a text column holds it.
    pub fn to_hex(self) -> String {
        self.0.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// A digest from [`TokenDigest::to_hex`]'s text; `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut digest = [0_u8; 32];
        for (byte, pair) in digest.iter_mut().zip(hex.as_bytes().chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        Some(Self(digest))
    }
}

/// A short code to type: 8 symbols of 32 (40 bits), with no 0/O or 1/I to confuse.
///
/// A sign-in mail carries one beside its link, to type in the browser that asked when the
/// mail is read elsewhere: derived from the token's digest ([`ShortCode::of`]), so a
/// store keeps nothing more; it works only in the browser that holds the asking secret,
/// and only a few tries per window (`Action::SignInCode`), so 40 bits are plenty. A
/// guest's code to continue on another device is random ([`ShortCode::random`]), lives
/// 10 minutes, works once, and is tried a few times per network (`crate::devices`).
#[derive(Clone, PartialEq, Eq)]
pub struct ShortCode([u8; ShortCode::LEN]);

impl ShortCode {
    const LEN: usize = 8;
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// The code of the token whose digest is `digest`.
    pub fn of(digest: &TokenDigest) -> Self {
        let hash = Sha256::new()
            .chain_update(b"guestroom sign-in code\0")
            .chain_update(digest.0)
            .finalize();
        Self::from_bytes(&hash)
    }

    /// A new code from the operating system's randomness.
    pub fn random() -> Self {
        let mut bytes = [0_u8; 5];
        getrandom::fill(&mut bytes).expect("the operating system's randomness");
        Self::from_bytes(&bytes)
    }

    /// What a store keeps of a random code, and looks it up by: its SHA-256.
    pub fn digest(&self) -> TokenDigest {
        let hash = Sha256::new().chain_update(b"guestroom device code\0").chain_update(self.0);
        TokenDigest(hash.finalize().into())
    }

    /// The code the first 40 bits of `bytes` spell.
    fn from_bytes(bytes: &[u8]) -> Self {
        let bits = bytes.iter().take(5).fold(0_u64, |bits, byte| bits << 8 | u64::from(*byte));
        let mut code = [0_u8; Self::LEN];
        for (place, symbol) in code.iter_mut().enumerate() {
            let index = (bits >> (5 * (Self::LEN - 1 - place))) & 0x1f;
            *symbol = Self::ALPHABET[usize::try_from(index).unwrap_or_default()];
        }
        Self(code)
    }

    /// A code as typed: case, spaces and hyphens do not matter; `None` when it cannot be
    /// one.
    pub fn parse(text: &str) -> Option<Self> {
        let symbols: Vec<u8> = text
            .bytes()
            .filter(|byte| !matches!(byte, b' ' | b'-'))
            .map(|byte| byte.to_ascii_uppercase())
            .collect();
        let valid = symbols.iter().all(|symbol| Self::ALPHABET.contains(symbol));
        (valid && symbols.len() == Self::LEN).then(|| {
            let mut code = [0_u8; Self::LEN];
            code.copy_from_slice(&symbols);
            Self(code)
        })
    }

    /// Compared without stopping at the first difference.
    pub fn matches(&self, other: &ShortCode) -> bool {
        self.0.iter().zip(other.0).fold(0_u8, |differ, (a, b)| differ | (a ^ b)) == 0
    }
}

/// `ABCD-EFGH`, as a mail and a page show it.
impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = std::str::from_utf8(&self.0).map_err(|_| fmt::Error)?;
        write!(f, "{}-{}", &text[..4], &text[4..])
    }
}

impl fmt::Debug for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShortCode([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_256_random_bits_that_never_print() {
        let (one, two) = (EmailToken::random(), EmailToken::random());
        assert_ne!(one, two);
        assert_eq!(EmailToken::parse(one.expose()), Some(one.clone()));
        assert_eq!(format!("{one:?}"), "EmailToken([redacted])");
        assert_ne!(one.digest(), two.digest());
        assert_eq!(TokenDigest::from_hex(&one.digest().to_hex()), Some(one.digest()));
        assert_eq!(TokenDigest::from_hex(&"g".repeat(64)), None);
        let hex = one.digest().to_hex();
        assert_eq!(TokenDigest::from_hex(&hex[..62]), None, "too short");
        assert_eq!(TokenDigest::from_hex(&format!("{hex}00")), None, "too long");
    }

    /// Stores keep these names: changing one would orphan every live token.
    #[test]
    fn the_stored_purpose_names_never_change() {
        assert_eq!(TokenPurpose::ResetPassword.as_str(), "reset_password");
        assert_eq!(TokenPurpose::VerifyEmail.as_str(), "verify_email");
        assert_eq!(TokenPurpose::SignIn.as_str(), "sign_in");
        assert_eq!(TokenPurpose::ChangeEmail.as_str(), "change_email");
    }

    #[test]
    fn a_sign_in_code_is_its_tokens_and_reads_back_however_it_is_typed() {
        let (one, two) = (EmailToken::random().digest(), EmailToken::random().digest());
        let code = ShortCode::of(&one);
        assert_eq!(ShortCode::of(&one), code, "the same token, the same code");
        assert!(!ShortCode::of(&two).matches(&code));
        let shown = code.to_string();
        assert_eq!((shown.len(), &shown[4..5]), (9, "-"), "{shown}");
        for typed in
            [shown.clone(), shown.to_lowercase(), shown.replace('-', " "), shown.replace('-', "")]
        {
            assert!(ShortCode::parse(&typed).is_some_and(|typed| typed.matches(&code)), "{typed}");
        }
        for bad in ["", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGI"] {
            assert_eq!(ShortCode::parse(bad), None, "{bad:?}");
        }
        assert_eq!(format!("{code:?}"), "ShortCode([redacted])");
    }

    #[test]
    fn text_that_cannot_be_a_token_is_refused_unread() {
        for text in ["", "abc", "not base64 at all!", &"A".repeat(44), &"A".repeat(400)] {
            assert_eq!(EmailToken::parse(text), None, "{text:?}");
        }
    }
}
