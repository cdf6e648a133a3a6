//! Accounts: what a member is made of, and the input rules of its fields. The upgrade
//! rules (guest → member) are written against these types and the [`crate::AccountStore`]
//! port, so any storage can carry them.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

/// Where password hashing runs, and how a flood of it is shed.
mod hashing;
/// Attempt limits per client network and per email from a network.
mod limits;
/// Ending sessions, changing the password, deleting the account.
mod manage;
/// Password rules and argon2id hashing.
mod password;
/// Sign-up and sign-in: the upgrade rules.
mod rules;

pub use limits::{Action, AttemptCount, CODE_TRIES, Limits};
pub use password::{Password, PasswordHasher};
pub use rules::{AccountError, Accounts, LinkProblem, Upgrade, default_display_name};
pub(crate) use rules::{record_upgrade, refused};

use crate::{
    OwnerId,
    passkeys::NewPasskey,
    providers::Link,
    text::{TextProblem, normalise_name, stored_name},
};

/// Which account field an [`InvalidInput`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountField {
    Email,
    DisplayName,
    Password,
    PasskeyName,
}

/// What is wrong with an account field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountProblem {
    Empty,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    ControlCharacter,
    /// Not shaped like an email address.
    Malformed,
    /// One of the most common passwords.
    Common,
    /// The same as now (a change of address to the address the account has).
    Unchanged,
}

impl From<TextProblem> for AccountProblem {
    fn from(problem: TextProblem) -> Self {
        match problem {
            TextProblem::Empty => AccountProblem::Empty,
            TextProblem::TooLong { max } => AccountProblem::TooLong { max },
            TextProblem::ControlCharacter => AccountProblem::ControlCharacter,
        }
    }
}

/// Account input that failed validation: which field, and why (data, not a sentence).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field:?}: {problem:?}")]
pub struct InvalidInput {
    pub field: AccountField,
    pub problem: AccountProblem,
}

fn invalid_display_name(problem: TextProblem) -> InvalidInput {
    InvalidInput { field: AccountField::DisplayName, problem: problem.into() }
}

/// A member's display name: 1–80 grapheme clusters after trimming and NFC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_GRAPHEMES: usize = 80;

    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        normalise_name(input, Self::MAX_GRAPHEMES).map(Self).map_err(invalid_display_name)
    }

    /// A display name read back from a store, under the rules it may have been written
    /// with ([`crate::text::stored_name`]).
    pub fn from_stored(text: &str) -> Result<Self, InvalidInput> {
        stored_name(text, Self::MAX_GRAPHEMES).map(Self).map_err(invalid_display_name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, normalised (trimmed, NFC, lower case) so that uniqueness is
/// case-insensitive. Only the shape is checked here; ownership is proven elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// RFC 5321's limit on a forward path.
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let invalid = |problem| InvalidInput { field: AccountField::Email, problem };
        let email: String = input.trim().nfc().collect::<String>().to_lowercase();
        if email.is_empty() {
            return Err(invalid(AccountProblem::Empty));
        }
        if email.len() > Self::MAX_LEN {
            return Err(invalid(AccountProblem::TooLong { max: Self::MAX_LEN }));
        }
        let (local, domain) = email.split_once('@').ok_or(invalid(AccountProblem::Malformed))?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed { Ok(Self(email)) } else { Err(invalid(AccountProblem::Malformed)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password hash (PHC string). Never printed, never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn new(phc: String) -> Self {
        Self(phc)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

/// A member account.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: OwnerId,
    pub email: Email,
    pub display_name: DisplayName,
    pub password_hash: Option<PasswordHash>,
    /// Bumped to revoke every session issued before (sign out everywhere, password change).
    pub session_version: i32,
    /// The member has shown they receive mail at `email` (they followed a link mailed to
    /// it).
    pub email_verified: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// What a new member is made of.
#[derive(Clone, Debug)]
pub struct NewMember {
    /// The member's id: [`OwnerId::random`], fresh, never a guest's. Chosen by the caller
    /// because a passkey made at sign-up carries it (its WebAuthn user handle).
    pub id: OwnerId,
    pub email: Email,
    pub display_name: DisplayName,
    /// `None` for a member who signs in with a provider or a passkey only.
    pub password_hash: Option<PasswordHash>,
    /// The provider identity the member is created from, linked in the same step.
    pub link: Option<Link>,
    /// The passkey the member is created with, stored in the same step.
    pub passkey: Option<NewPasskey>,
}

/// What a guest → member merge did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeReport {
    /// Avatars (or whatever the guest owned) that changed owner in this call; 0 when
    /// replayed.
    pub moved_avatars: u64,
    /// True when the guest had already been merged into this member before the call.
    pub already_merged: bool,
    /// The guest's avatars that stayed the guest's because, together with the member's,
    /// they would pass the roster's cap: the guest is not merged (its token still works)
    /// until the member chooses what to keep. 0 when everything fitted.
    pub held_back: u64,
}

impl MergeReport {
    /// Nothing came along and nothing waits: no guest, or one merged before.
    pub fn nothing() -> Self {
        MergeReport { moved_avatars: 0, already_merged: false, held_back: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_normalised_to_lower_case() {
        assert_eq!(Email::parse(" Ada@Example.COM ").map(|e| e.0), Ok("ada@example.com".into()));
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in ["ada", "@example.com", "ada@", "ada@example", "ada@@example.com", "a b@c.de"] {
            let error = Email::parse(bad).expect_err("malformed");
            assert_eq!(
                (error.field, error.problem),
                (AccountField::Email, AccountProblem::Malformed)
            );
        }
    }

    #[test]
    fn a_display_name_follows_the_name_rules() {
        assert_eq!(DisplayName::parse("  Ada ").map(|n| n.0), Ok("Ada".to_owned()));
        let error = DisplayName::parse(&"a".repeat(81)).expect_err("too long");
        assert_eq!(error.problem, AccountProblem::TooLong { max: 80 });
    }

    #[test]
    fn a_password_hash_never_prints() {
        let hash = PasswordHash::new("$argon2id$v=19$secret".into());
        assert_eq!(format!("{hash:?}"), "PasswordHash([redacted])");
    }

    #[test]
    fn an_email_may_be_254_bytes_and_no_more() {
        let at_limit = format!("{}@example.com", "a".repeat(Email::MAX_LEN - 12));
        assert_eq!(Email::parse(&at_limit).map(|e| e.0.len()), Ok(Email::MAX_LEN));
        let over = format!("a{at_limit}");
        let error = Email::parse(&over).expect_err("too long");
        assert_eq!(error.problem, AccountProblem::TooLong { max: Email::MAX_LEN });
    }
}
