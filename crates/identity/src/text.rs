//! The rules every name a person types into Guestroom follows (a display name, an
//! avatar's name): trimmed, NFC, no control characters or bidi overrides, no invisible
//! characters, a bounded number of grapheme clusters.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

/// What is wrong with a piece of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong {
        max: usize,
    },
    /// A control character, a bidi override, or (new input only) an invisible one.
    ControlCharacter,
}

/// Generous enough for any emoji ZWJ sequence or accented letter.
const MAX_CHARS_PER_GRAPHEME: usize = 8;

/// `input` trimmed and in NFC, when it is 1 to `max` grapheme clusters of visible text:
/// the rule for every name typed in.
pub fn normalise_name(input: &str, max: usize) -> Result<String, TextProblem> {
    let text = stored_name(input, max)?;
    // No ASCII character is invisible in this sense (the controls are refused already).
    if !text.is_ascii() && text.graphemes(true).any(is_invisible) {
        return Err(TextProblem::ControlCharacter);
    }
    Ok(text)
}

/// The rule a stored name is read back with: [`normalise_name`] without the refusal of
/// invisible characters, which came later, so rows written before it still load.
pub fn stored_name(input: &str, max: usize) -> Result<String, TextProblem> {
    let trimmed = input.trim();
    if trimmed.is_ascii() {
        return ascii_name(trimmed, max);
    }
    any_name(trimmed, max)
}

/// [`stored_name`] for ASCII, the common case, which every roster read checks once per
/// row: ASCII is already NFC, and each of its characters is a grapheme cluster of its
/// own (the one pair that is not, "\r\n", is refused as control characters). Without
/// the normalising and the segmenting, the check is a scan of the bytes.
fn ascii_name(text: &str, max: usize) -> Result<String, TextProblem> {
    if text.is_empty() {
        return Err(TextProblem::Empty);
    }
    if text.bytes().any(|byte| byte.is_ascii_control()) {
        return Err(TextProblem::ControlCharacter);
    }
    if text.len() > max {
        return Err(TextProblem::TooLong { max });
    }
    Ok(text.to_owned())
}

/// [`stored_name`] for any text, `input` already trimmed.
fn any_name(input: &str, max: usize) -> Result<String, TextProblem> {
    let text: String = input.nfc().collect();
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

/// Characters that render as nothing yet are not spaces (so `trim` keeps them): the
/// Hangul fillers and the blank Braille pattern, favourites for names that look empty.
const BLANKS: [char; 5] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];

/// A grapheme cluster with something invisible in it: a format character (zero-width
/// space, soft hyphen, joiners…) except as the glue of an emoji sequence (the joiner in
/// 👩‍🚀, the tags of a subdivision flag), a private-use or unassigned code point, a
/// line or paragraph separator, or a blank.
fn is_invisible(cluster: &str) -> bool {
    use GeneralCategory::{Format, LineSeparator, ParagraphSeparator, PrivateUse, Unassigned};
    let emoji = cluster.chars().any(|c| {
        matches!(
            c.general_category(),
            GeneralCategory::OtherSymbol | GeneralCategory::ModifierSymbol
        ) && !BLANKS.contains(&c)
    });
    cluster.chars().any(|c| match c.general_category() {
        Format => !(emoji && matches!(c, '\u{200D}' | '\u{E0020}'..='\u{E007F}')),
        PrivateUse | Unassigned | LineSeparator | ParagraphSeparator => true,
        _ => BLANKS.contains(&c),
    })
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
    fn eight_code_points_a_grapheme_fit_and_nine_do_not() {
        // `q` has no precomposed form with an acute accent: NFC keeps every mark.
        let eight = format!("q{}", "\u{0301}".repeat(7)).repeat(40);
        assert_eq!(stored_name(&eight, 40).map(|t| t.chars().count()), Ok(320));
        let nine = format!("q{}", "\u{0301}".repeat(8)).repeat(40);
        assert_eq!(stored_name(&nine, 40), Err(TextProblem::TooLong { max: 40 }));
    }

    #[test]
    fn combining_mark_stuffing_is_too_long() {
        let zalgo = format!("a{}", "\u{0301}".repeat(400));
        assert_eq!(normalise_name(&zalgo, 40), Err(TextProblem::TooLong { max: 40 }));
    }

    #[test]
    fn invisible_characters_are_refused_in_new_names() {
        for bad in [
            "A\u{200B}B",
            "\u{3164}",
            "\u{2800}\u{2800}",
            "Ada\u{E000}",
            "Ad\u{2028}a",
            "Ad\u{00AD}a",
            "Ada\u{0378}",
            "A\u{200D}",
            "Ada\u{E0041}",
        ] {
            assert_eq!(normalise_name(bad, 40), Err(TextProblem::ControlCharacter), "{bad:?}");
        }
    }

    #[test]
    fn emoji_sequences_and_accents_are_visible() {
        for good in [
            "👩\u{200D}🚀 Ada",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            "1\u{FE0F}\u{20E3}",
            "Zoë",
            "👍🏽",
        ] {
            assert!(normalise_name(good, 40).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn a_stored_name_from_before_the_rule_still_reads() {
        assert_eq!(stored_name("A\u{200B}B", 40), Ok("A\u{200B}B".to_owned()));
        assert_eq!(stored_name("Ada\u{0007}", 40), Err(TextProblem::ControlCharacter));
    }

    proptest::proptest! {
        /// The ASCII shortcut answers exactly what the general rules do.
        #[test]
        fn ascii_names_read_as_the_general_rule_reads_them(
            // Printable text (which reaches the length rule), or any ASCII at all.
            input in proptest::prop_oneof!["[ -~]{0,45}", "[\\x00-\\x7f]{0,45}"],
            max in 0_usize..46,
        ) {
            let trimmed = input.trim();
            let general = any_name(trimmed, max);
            proptest::prop_assert_eq!(ascii_name(trimmed, max), general.clone());
            // And `normalise_name` may skip its invisibility check for ASCII.
            let visible = general.is_ok_and(|text| !text.graphemes(true).any(is_invisible));
            proptest::prop_assert_eq!(visible, normalise_name(&input, max).is_ok());
        }
    }

    #[test]
    fn controls_and_bidi_overrides_are_refused() {
        for bad in ["Ada\u{0007}", "Ada\nLovelace", "abc\u{202E}fed"] {
            assert_eq!(normalise_name(bad, 40), Err(TextProblem::ControlCharacter), "{bad:?}");
        }
    }
}
