//! Domain types that cannot hold invalid data.
//!
//! Every caller (server functions, form posts, the store itself) validates input by
//! parsing it into one of these types, so the rules in DESIGN.md ("Validation") live in
//! exactly one place and a value that reached the store has already passed them.
//!
//! A rejection is data — which [`Field`], what [`Problem`] — never a sentence: the web
//! app writes the words a person reads, next to the field they are about.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Members: email, display name, password hash, merge reports.
mod account;
/// Avatars: ids, emoji, names, and the records the store returns.
mod avatar;

pub use account::{DisplayName, Email, Member, MergeReport, NewMember, PasswordHash};
pub use avatar::{Avatar, AvatarId, AvatarName, AvatarPatch, Direction, Emoji, NewAvatar};

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

/// Input that failed validation: which field, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field:?}: {problem:?}")]
pub struct ValidationError {
    pub field: Field,
    pub problem: Problem,
}

impl ValidationError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
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

#[cfg(test)]
fn problem<T: std::fmt::Debug>(result: Result<T, ValidationError>) -> Problem {
    result.expect_err("input should be rejected").problem
}
