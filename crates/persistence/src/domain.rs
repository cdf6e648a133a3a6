//! Domain types that cannot hold invalid data.
//!
//! Every caller (server functions, form posts, the store itself) validates input by
//! parsing it into one of these types, so the rules in DESIGN.md ("Validation") live in
//! exactly one place and a value that reached the store has already passed them.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;
use uuid::Uuid;

pub use identity::OwnerId;

/// An avatar's id. Unlike [`OwnerId`] it may come from a client: every query that uses
/// it is also filtered by the owner, so another owner's id simply finds nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AvatarId(Uuid);

impl AvatarId {
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }

    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// Parses the id a client sent back (the text form of a uuid).
impl std::str::FromStr for AvatarId {
    type Err = uuid::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(Self)
    }
}

impl fmt::Display for AvatarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which input a [`ValidationError`] is about, so a form can show it next to that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Emoji,
    Name,
    Email,
    DisplayName,
    /// The list of ids given to a reorder.
    Order,
}

impl Field {
    /// The form field's name, as used in HTML forms and error payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Emoji => "emoji",
            Field::Name => "name",
            Field::Email => "email",
            Field::DisplayName => "display_name",
            Field::Order => "order",
        }
    }
}

/// What is wrong with a field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Empty,
    TooLong {
        max: usize,
    },
    ControlCharacter,
    NotAnEmoji,
    MoreThanOneEmoji,
    Malformed,
    /// A reorder that does not list each of the owner's avatars exactly once.
    NotAPermutation,
}

/// Input that failed validation: which field, and why. Its `Display` is the sentence a
/// user sees next to the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct ValidationError {
    pub field: Field,
    pub problem: Problem,
}

impl ValidationError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
    }

    fn message(&self) -> String {
        match (self.field, self.problem) {
            (Field::Emoji, Problem::Empty) => "Choose an emoji.".into(),
            (Field::Emoji, Problem::MoreThanOneEmoji) => "Choose a single emoji.".into(),
            (Field::Emoji, _) => "That is not an emoji we know.".into(),
            (Field::Email, _) => "Enter an email address like name@example.com.".into(),
            (Field::Order, _) => "The new order must list every avatar exactly once.".into(),
            (field, Problem::Empty) => format!("{} cannot be empty.", label(field)),
            (field, Problem::TooLong { max }) => {
                format!("{} can be at most {max} characters long.", label(field))
            }
            (field, Problem::ControlCharacter) => {
                format!("{} cannot contain control characters.", label(field))
            }
            (field, _) => format!("{} is not valid.", label(field)),
        }
    }
}

fn label(field: Field) -> &'static str {
    match field {
        Field::DisplayName => "Display name",
        _ => "Name",
    }
}

/// Exactly one emoji from the Unicode emoji set, stored in its fully-qualified form
/// (so "☺" and "☺️" are the same avatar emoji).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emoji(&'static str);

impl Emoji {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let invalid = |problem| ValidationError::new(Field::Emoji, problem);
        let input = input.trim();
        if input.is_empty() {
            return Err(invalid(Problem::Empty));
        }
        if let Some(emoji) = emojis::get(input) {
            return Ok(Self(emoji.as_str()));
        }
        let graphemes: Vec<&str> = input.graphemes(true).collect();
        if graphemes.len() > 1 && graphemes.iter().all(|g| emojis::get(g).is_some()) {
            return Err(invalid(Problem::MoreThanOneEmoji));
        }
        Err(invalid(Problem::NotAnEmoji))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// Normalises free text the way every name in Guestroom is normalised: trimmed, NFC, no
/// control characters, at most `max` grapheme clusters.
fn parse_text(field: Field, input: &str, max: usize) -> Result<String, ValidationError> {
    let invalid = |problem| ValidationError::new(field, problem);
    let text: String = input.trim().nfc().collect();
    if text.is_empty() {
        return Err(invalid(Problem::Empty));
    }
    if text.chars().any(is_forbidden_char) {
        return Err(invalid(Problem::ControlCharacter));
    }
    // A grapheme can hold any number of combining marks; bounding code points as well
    // keeps "40 characters" from meaning kilobytes.
    if text.graphemes(true).count() > max || text.chars().count() > max * MAX_CHARS_PER_GRAPHEME {
        return Err(invalid(Problem::TooLong { max }));
    }
    Ok(text)
}

/// Generous enough for any emoji ZWJ sequence or accented letter.
const MAX_CHARS_PER_GRAPHEME: usize = 8;

/// C0/C1 controls, and the bidirectional overrides that can make a name display as
/// something other than what it is.
fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An avatar's name: 1–40 grapheme clusters after trimming and NFC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvatarName(String);

impl AvatarName {
    pub const MAX_GRAPHEMES: usize = 40;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        parse_text(Field::Name, input, Self::MAX_GRAPHEMES).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

/// One avatar as the roster shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Avatar {
    pub id: AvatarId,
    pub emoji: Emoji,
    pub name: AvatarName,
    pub is_active: bool,
    pub position: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// What a new avatar is made of.
#[derive(Clone, Debug)]
pub struct NewAvatar {
    pub emoji: Emoji,
    pub name: AvatarName,
    pub is_active: bool,
}

impl NewAvatar {
    /// Validates raw form input. The first invalid field is reported.
    pub fn parse(emoji: &str, name: &str, is_active: bool) -> Result<Self, ValidationError> {
        Ok(Self { emoji: Emoji::parse(emoji)?, name: AvatarName::parse(name)?, is_active })
    }
}

/// A partial update: `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct AvatarPatch {
    pub emoji: Option<Emoji>,
    pub name: Option<AvatarName>,
    pub is_active: Option<bool>,
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

    fn problem<T: fmt::Debug>(result: Result<T, ValidationError>) -> Problem {
        result.expect_err("input should be rejected").problem
    }

    #[test]
    fn a_single_emoji_is_accepted() {
        assert_eq!(Emoji::parse("🐱").map(|e| e.as_str()), Ok("🐱"));
    }

    #[test]
    fn an_emoji_with_surrounding_spaces_is_trimmed() {
        assert_eq!(Emoji::parse("  🎉 ").map(|e| e.as_str()), Ok("🎉"));
    }

    #[test]
    fn a_zwj_sequence_and_a_skin_tone_are_one_emoji_each() {
        assert!(Emoji::parse("👩‍🚀").is_ok());
        assert!(Emoji::parse("👍🏽").is_ok());
        assert!(Emoji::parse("🏳️‍🌈").is_ok());
    }

    #[test]
    fn an_emoji_without_its_variation_selector_is_stored_fully_qualified() {
        let bare = Emoji::parse("\u{263A}").expect("☺ is an emoji");
        let qualified = Emoji::parse("\u{263A}\u{FE0F}").expect("☺️ is an emoji");
        assert_eq!(bare, qualified);
    }

    #[test]
    fn two_emojis_are_rejected_as_more_than_one() {
        assert_eq!(problem(Emoji::parse("🐱🐶")), Problem::MoreThanOneEmoji);
    }

    #[test]
    fn text_is_not_an_emoji() {
        assert_eq!(problem(Emoji::parse("cat")), Problem::NotAnEmoji);
        assert_eq!(problem(Emoji::parse("a")), Problem::NotAnEmoji);
        assert_eq!(problem(Emoji::parse("🐱x")), Problem::NotAnEmoji);
    }

    #[test]
    fn an_empty_emoji_is_rejected() {
        assert_eq!(problem(Emoji::parse("   ")), Problem::Empty);
    }

    #[test]
    fn a_name_is_trimmed() {
        assert_eq!(AvatarName::parse("  Ada  ").map(|n| n.0), Ok("Ada".to_owned()));
    }

    #[test]
    fn a_name_is_normalised_to_nfc() {
        let decomposed = "Zoe\u{0301}";
        assert_eq!(AvatarName::parse(decomposed).map(|n| n.0), Ok("Zo\u{00E9}".to_owned()));
    }

    #[test]
    fn a_blank_name_is_rejected() {
        assert_eq!(problem(AvatarName::parse(" \t ")), Problem::Empty);
    }

    #[test]
    fn a_name_of_40_graphemes_is_accepted() {
        assert!(AvatarName::parse(&"é".repeat(40)).is_ok());
        assert!(AvatarName::parse(&"👩‍🚀".repeat(40)).is_ok());
    }

    #[test]
    fn a_name_of_41_graphemes_is_rejected() {
        assert_eq!(problem(AvatarName::parse(&"a".repeat(41))), Problem::TooLong { max: 40 });
    }

    #[test]
    fn a_name_stuffed_with_combining_marks_is_rejected() {
        let zalgo = format!("a{}", "\u{0301}".repeat(400));
        assert_eq!(problem(AvatarName::parse(&zalgo)), Problem::TooLong { max: 40 });
    }

    #[test]
    fn a_name_with_a_control_character_is_rejected() {
        assert_eq!(problem(AvatarName::parse("Ada\u{0007}")), Problem::ControlCharacter);
        assert_eq!(problem(AvatarName::parse("Ada\nLovelace")), Problem::ControlCharacter);
    }

    #[test]
    fn a_name_with_a_bidi_override_is_rejected() {
        assert_eq!(problem(AvatarName::parse("abc\u{202E}fed")), Problem::ControlCharacter);
    }

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
    fn a_validation_error_names_its_field_and_reads_as_a_sentence() {
        let error = AvatarName::parse("").expect_err("empty");
        assert_eq!(error.field.as_str(), "name");
        assert_eq!(error.to_string(), "Name cannot be empty.");
    }

    #[test]
    fn a_password_hash_never_prints() {
        let hash = PasswordHash::new("$argon2id$v=19$secret".into());
        assert!(!format!("{hash:?}").contains("secret"));
    }
}
