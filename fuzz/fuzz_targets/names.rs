//! Names and emoji as people type them: the rules never panic, what they accept they
//! accept again unchanged, within the bounds, with nothing invisible; and what a store
//! holds always loads.
#![no_main]

use identity::text::{normalise_name, stored_name};
use libfuzzer_sys::fuzz_target;
use domain::{AvatarName, Emoji};
use unicode_segmentation::UnicodeSegmentation;

fuzz_target!(|input: &str| {
    let max = AvatarName::MAX_GRAPHEMES;
    if let Ok(name) = normalise_name(input, max) {
        assert!(!name.is_empty() && name.graphemes(true).count() <= max);
        assert_eq!(normalise_name(&name, max).as_deref(), Ok(name.as_str()), "idempotent");
        assert_eq!(stored_name(&name, max).as_deref(), Ok(name.as_str()), "it loads back");
        assert!(!name.chars().any(|c| c.is_control() || c == '\u{202E}' || c == '\u{3164}'));
        assert_eq!(AvatarName::parse(input).expect("the same rule").as_str(), name);
    }
    if let Ok(emoji) = Emoji::parse(input) {
        assert_eq!(Emoji::parse(emoji.as_str()), Ok(emoji), "a stored emoji parses to itself");
    }
});
