//! The rules every name a person types into Guestroom follows (a display name, an
//! avatar's name): trimmed, NFC, no control characters or bidi overrides, a bounded
//! number of grapheme clusters.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// What is wrong with a piece of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong { max: usize },
    ControlCharacter,
}

/// Generous enough for any emoji ZWJ sequence or accented letter.
const MAX_CHARS_PER_GRAPHEME: usize = 8;

/// `input` trimmed and in NFC, when it is 1 to `max` grapheme clusters of visible text.
pub fn normalise_name(input: &str, max: usize) -> Result<String, TextProblem> {
    let text: String = input.trim().nfc().collect();
    if text.is_empty() {
        return Err(TextProblem::Empty);
    }
    if text.chars().any(is_forbidden_char) {
        return Err(TextProblem::ControlCharacter);
    }
    // A grapheme can hold any number of combining marks; bounding code points as well
    // keeps "40 characters" from meaning kilobytes.
    if text.graphemes(true).count() > max || text.chars().count() > max * MAX_CHARS_PER_GRAPHEME {
        return Err(TextProblem::TooLong { max });
    }
    Ok(text)
}

/// C0/C1 controls, and the bidirectional overrides that can make a name display as
/// something other than what it is.
fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_normalised_to_nfc() {
        assert_eq!(normalise_name("  Zoe\u{0301} ", 40), Ok("Zo\u{00E9}".to_owned()));
    }

    #[test]
    fn a_blank_name_is_empty() {
        assert_eq!(normalise_name(" \t ", 40), Err(TextProblem::Empty));
    }

    #[test]
    fn graphemes_are_counted_not_bytes() {
        assert!(normalise_name(&"👩‍🚀".repeat(40), 40).is_ok());
        assert_eq!(normalise_name(&"a".repeat(41), 40), Err(TextProblem::TooLong { max: 40 }));
    }

    #[test]
    fn combining_mark_stuffing_is_too_long() {
        let zalgo = format!("a{}", "\u{0301}".repeat(400));
        assert_eq!(normalise_name(&zalgo, 40), Err(TextProblem::TooLong { max: 40 }));
    }

    #[test]
    fn controls_and_bidi_overrides_are_refused() {
        for bad in ["Ada\u{0007}", "Ada\nLovelace", "abc\u{202E}fed"] {
            assert_eq!(normalise_name(bad, 40), Err(TextProblem::ControlCharacter), "{bad:?}");
        }
    }
}
