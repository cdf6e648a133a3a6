//! Domain types that cannot hold invalid data: the roster's emoji, names, ids and records.
//!
//! A crate of its own below the store (which re-exports it as `persistence::domain`), so
//! the fuzz targets and the validation benchmark build without a database driver.
//!
//! Every caller (server functions, form posts, the store itself) validates input by
//! parsing it into one of these types, so the rules in DESIGN.md ("Validation") live in
//! exactly one place and a value that reached the store has already passed them. The
//! account types (email, display name, member) are `identity::account`'s; names follow
//! the same text rules (`identity::text`).
//!
//! A rejection is data — which [`Field`], what [`Problem`] — never a sentence: the web
//! app writes the words a person reads, next to the field they are about.

use identity::text::{TextProblem, normalise_name};

/// Avatars: ids, emoji, names, and the records the store returns.
mod avatar;

pub use avatar::{Avatar, AvatarId, AvatarName, AvatarPatch, Direction, Emoji, NewAvatar};

/// Which input a [`ValidationError`] is about, so a form can show it next to that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Emoji,
    Name,
}

/// What is wrong with a field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Empty,
    TooLong { max: usize },
    ControlCharacter,
    NotAnEmoji,
    MoreThanOneEmoji,
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

impl From<TextProblem> for Problem {
    fn from(problem: TextProblem) -> Self {
        match problem {
            TextProblem::Empty => Problem::Empty,
            TextProblem::TooLong { max } => Problem::TooLong { max },
            TextProblem::ControlCharacter => Problem::ControlCharacter,
        }
    }
}

/// A name as every name in Guestroom is normalised (`identity::text`), or why not.
fn parse_text(field: Field, input: &str, max: usize) -> Result<String, ValidationError> {
    normalise_name(input, max).map_err(|problem| ValidationError::new(field, problem.into()))
}

#[cfg(test)]
fn problem<T: std::fmt::Debug>(result: Result<T, ValidationError>) -> Problem {
    result.expect_err("input should be rejected").problem
}
