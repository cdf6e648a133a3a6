use std::fmt;

use unicode_normalization::UnicodeNormalization;

use identity::OwnerId;

use super::{Field, Problem, ValidationError, parse_text};

/// A member's display name: 1–80 grapheme clusters after trimming and NFC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_GRAPHEMES: usize = 80;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        parse_text(Field::DisplayName, input, Self::MAX_GRAPHEMES).map(Self)
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

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let malformed = ValidationError::new(Field::Email, Problem::Malformed);
        let email: String = input.trim().nfc().collect::<String>().to_lowercase();
        if email.is_empty() {
            return Err(ValidationError::new(Field::Email, Problem::Empty));
        }
        if email.len() > Self::MAX_LEN {
            return Err(ValidationError::new(
                Field::Email,
                Problem::TooLong { max: Self::MAX_LEN },
            ));
        }
        let (local, domain) = email.split_once('@').ok_or(malformed)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed { Ok(Self(email)) } else { Err(malformed) }
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
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// What a new member is made of.
#[derive(Clone, Debug)]
pub struct NewMember {
    pub email: Email,
    pub display_name: DisplayName,
    pub password_hash: Option<PasswordHash>,
}

/// What [`crate::Store::merge_guest_into_member`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeReport {
    /// Avatars that changed owner in this call (0 when replayed).
    pub moved_avatars: u64,
    /// True when the guest had already been merged into this member before the call.
    pub already_merged: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::problem;

    #[test]
    fn an_email_is_normalised_to_lower_case() {
        assert_eq!(Email::parse(" Ada@Example.COM ").map(|e| e.0), Ok("ada@example.com".into()));
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in ["ada", "@example.com", "ada@", "ada@example", "ada@@example.com", "a b@c.de"] {
            assert_eq!(problem(Email::parse(bad)), Problem::Malformed, "{bad}");
        }
    }

    #[test]
    fn a_password_hash_never_prints() {
        let hash = PasswordHash::new("$argon2id$v=19$secret".into());
        assert!(!format!("{hash:?}").contains("secret"));
    }
}
