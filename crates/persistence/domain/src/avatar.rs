use std::fmt;

use unicode_segmentation::UnicodeSegmentation;
use uuid::Uuid;

use identity::text::stored_name;

use super::{Field, Problem, ValidationError, parse_text};

/// An avatar's id. Unlike [`identity::OwnerId`] it may come from a client: every query that
/// uses it is also filtered by the owner, so another owner's id simply finds nothing.
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

/// An avatar's name: 1–40 grapheme clusters after trimming and NFC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvatarName(String);

impl AvatarName {
    pub const MAX_GRAPHEMES: usize = 40;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        parse_text(Field::Name, input, Self::MAX_GRAPHEMES).map(Self)
    }

    /// A name read back from the store, under the rules it may have been written with
    /// (`identity::text::stored_name`).
    pub fn from_stored(text: &str) -> Result<Self, ValidationError> {
        stored_name(text, Self::MAX_GRAPHEMES)
            .map(Self)
            .map_err(|problem| ValidationError::new(Field::Name, problem.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One avatar as the roster shows it. `position` is its place in the roster, counted
/// from 0: the store keeps positions gapless, so it is also what undo puts back.
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

/// Which way a one-place move goes: towards the top of the roster, or the bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem;

    #[test]
    fn an_avatar_id_prints_as_its_uuid() {
        let uuid = Uuid::from_u128(0x1234);
        assert_eq!(AvatarId::from_uuid(uuid).to_string(), uuid.to_string());
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
    fn a_validation_error_names_its_field_and_problem() {
        let error = AvatarName::parse("").expect_err("empty");
        assert_eq!((error.field, error.problem), (Field::Name, Problem::Empty));
    }
}
