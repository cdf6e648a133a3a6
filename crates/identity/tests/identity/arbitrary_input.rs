//! Whatever arrives in a cookie, the parsers answer with a `TokenError`, never a panic.

use chrono::Duration;
use identity::{GuestTokens, OwnerId, SessionPolicy, SessionTokens};
use proptest::prelude::*;

use crate::helpers::*;

fn parsers() -> (GuestTokens, SessionTokens) {
    (
        GuestTokens::new(keys(SECRET), Duration::days(30)),
        SessionTokens::new(keys(SECRET), SessionPolicy::default()),
    )
}

/// Strings shaped like compact JOSE objects: dot-separated base64url-ish segments.
fn jose_like() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9_=+/-]{0,64}", 0..7).prop_map(|parts| parts.join("."))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let (guests, sessions) = parsers();
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(guests.verify(&text, start()).is_err());
        prop_assert!(sessions.verify(&text, start()).is_err());
    }

    #[test]
    fn jose_shaped_strings_never_panic(token in jose_like()) {
        let (guests, sessions) = parsers();
        prop_assert!(guests.verify(&token, start()).is_err());
        prop_assert!(sessions.verify(&token, start()).is_err());
    }

    /// Near-valid input reaches deepest into the parsers (base64, JSON, crypto); the
    /// property is that they return, whatever the answer.
    #[test]
    fn mutating_one_character_of_a_valid_token_never_panics(index in 0_usize..400, replacement in "[A-Za-z0-9_.-]") {
        let (guests, sessions) = parsers();
        for token in [
            guests.issue(OwnerId::random(), start()),
            sessions.issue(OwnerId::random(), 1, start(), start()),
        ] {
            let mut chars: Vec<char> = token.chars().collect();
            let at = index % chars.len();
            chars[at] = replacement.chars().next().unwrap_or('A');
            let mutated: String = chars.into_iter().collect();
            let guest = guests.verify(&mutated, start());
            let session = sessions.verify(&mutated, start());
            // At most one parser can accept a given string: the formats differ.
            prop_assert!(guest.is_err() || session.is_err());
        }
    }
}
