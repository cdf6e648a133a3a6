//! Passwords: the rules a new one must meet, and argon2id hashing with a verification
//! that costs the same whether or not the account exists.

use std::{collections::HashSet, fmt, sync::LazyLock};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher as _, PasswordVerifier as _, phc},
};

use super::{AccountField, AccountProblem, InvalidInput, PasswordHash};

/// The 10,000 most common passwords of 10 characters or more (see `data/README.md`).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../data/common-passwords.txt").lines().collect());

/// A password someone typed. Never printed, never serialised, never trimmed (spaces are
/// characters like any other).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// NIST SP 800-63B asks for at least 8; 10 with no composition rules is OWASP's
    /// advice for a password-only login.
    pub const MIN_CHARS: usize = 10;
    /// Long enough for any passphrase, short enough that hashing stays cheap.
    pub const MAX_CHARS: usize = 256;

    /// A new password (sign-up, change of password): long enough, not too long, not one
    /// of the most common.
    pub fn parse_new(input: &str) -> Result<Self, InvalidInput> {
        let invalid = |problem| InvalidInput { field: AccountField::Password, problem };
        let chars = input.chars().count();
        if chars == 0 {
            return Err(invalid(AccountProblem::Empty));
        }
        if chars < Self::MIN_CHARS {
            return Err(invalid(AccountProblem::TooShort { min: Self::MIN_CHARS }));
        }
        if chars > Self::MAX_CHARS {
            return Err(invalid(AccountProblem::TooLong { max: Self::MAX_CHARS }));
        }
        if COMMON.contains(input.to_lowercase().as_str()) {
            return Err(invalid(AccountProblem::Common));
        }
        Ok(Self(input.to_owned()))
    }

    /// A password given to sign in: checked against a hash, never against the rules
    /// (an account made under older rules must still be able to sign in). Only the
    /// length is bounded, so a huge input cannot make hashing expensive.
    pub fn given(input: &str) -> Option<Self> {
        (input.chars().count() <= Self::MAX_CHARS).then(|| Self(input.to_owned()))
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// Verified against when the account does not exist, so that "no such email" costs the
/// same as "wrong password" and timing does not tell which accounts exist. A hash of a
/// random password that was thrown away, made with the parameters below: a constant, so
/// no start-up pays for it (a test checks it still matches the parameters).
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$9Uzepk8dqmQvUJ2kaRydmg$9kx6+xKkOqX9Qi9uPuLVgB9xy6nFtR7SY1s7AfyJoIM";

/// Hashes and verifies passwords with argon2id at OWASP's recommended cost (19 MiB of
/// memory, 2 iterations, 1 lane). Cheap to clone. Hashing takes tens of milliseconds on
/// purpose: call it off the async executor (`spawn_blocking`).
#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Argon2<'static>,
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher").finish_non_exhaustive()
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl PasswordHasher {
    pub fn new() -> Self {
        // 19 MiB, t = 2, p = 1: valid parameters, so `new` cannot fail.
        let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP's argon2id parameters");
        Self { argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params) }
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a fresh salt.
    pub fn hash(&self, password: &Password) -> PasswordHash {
        // Hashing fails only for parameters or salts out of range; ours are fixed and valid.
        let phc = self.argon2.hash_password(password.as_bytes()).expect("valid argon2id");
        PasswordHash::new(phc.to_string())
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown email, or an
    /// account without a password) the dummy hash is verified instead and the answer is
    /// `false`: the same work on every path.
    pub fn verify(&self, password: &Password, stored: Option<&PasswordHash>) -> bool {
        let (phc, real) = match stored {
            Some(hash) => (hash.expose(), true),
            None => (DUMMY, false),
        };
        let matches = phc::PasswordHash::new(phc)
            .is_ok_and(|parsed| self.argon2.verify_password(password.as_bytes(), &parsed).is_ok());
        real && matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(input: &str) -> AccountProblem {
        Password::parse_new(input).expect_err("refused").problem
    }

    #[test]
    fn a_password_and_the_hasher_print_nothing_secret() {
        let password = Password::parse_new("correct horse").expect("valid");
        assert_eq!(format!("{password:?}"), "Password([redacted])");
        assert_eq!(format!("{:?}", PasswordHasher::new()), "PasswordHasher { .. }");
    }

    #[test]
    fn a_password_of_10_characters_is_accepted_and_9_is_too_short() {
        assert!(Password::parse_new("correct ho").is_ok());
        assert_eq!(problem("correcthx"), AccountProblem::TooShort { min: 10 });
        assert_eq!(problem(""), AccountProblem::Empty);
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        assert!(Password::parse_new("ééééééééé€").is_ok());
        assert_eq!(problem(&"é".repeat(257)), AccountProblem::TooLong { max: 256 });
        assert!(Password::parse_new(&"é".repeat(256)).is_ok());
    }

    #[test]
    fn a_common_password_is_refused_whatever_its_case() {
        assert_eq!(problem("qwertyuiop"), AccountProblem::Common);
        assert_eq!(problem("QwertyUIOP"), AccountProblem::Common);
        assert_eq!(problem("1234567890"), AccountProblem::Common);
    }

    #[test]
    fn the_list_holds_ten_thousand_passwords_of_at_least_ten_characters() {
        assert_eq!(COMMON.len(), 10_000);
        assert!(COMMON.iter().all(|p| p.chars().count() >= Password::MIN_CHARS));
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::new();
        let password = Password::parse_new("staple battery horse").expect("valid");
        let hash = hasher.hash(&password);
        assert!(hash.expose().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify(&password, Some(&hash)));
        let other = Password::given("staple battery horsE").expect("given");
        assert!(!hasher.verify(&other, Some(&hash)));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        // Same algorithm, version and parameters as every hash made now.
        let real =
            PasswordHasher::new().hash(&Password::parse_new("staple battery horse").expect("ok"));
        let params = |phc: &str| phc.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(params(DUMMY), params(real.expose()));
        assert!(phc::PasswordHash::new(DUMMY).is_ok());
    }

    #[test]
    fn without_a_stored_hash_nothing_verifies() {
        let hasher = PasswordHasher::new();
        let password = Password::given("a password nobody has: only its cost matters");
        assert!(!hasher.verify(&password.expect("given"), None));
    }

    #[test]
    fn a_password_never_prints() {
        let password = Password::parse_new("staple battery horse").expect("valid");
        assert!(!format!("{password:?}").contains("staple"));
    }
}
