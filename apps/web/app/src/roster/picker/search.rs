//! Emoji search by name over the Unicode table, on the server.

use leptos::{prelude::*, server_fn};
use serde::{Deserialize, Serialize};

use crate::{
    client::transport::{ApiClient, Json},
    error::ApiError,
};

/// One emoji the picker offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmojiChoice {
    pub emoji: String,
    pub name: String,
}

/// The emoji whose names match `query` ("cat", "party"), best matches first; a few
/// animals for an empty query. The emoji table stays on the server: compiled into the
/// wasm it would weigh more than the whole budget leaves (see docs/architecture.md).
/// A GET, cacheable for a day: the answers change only with a new server build.
#[server(
    endpoint = "emoji/search",
    input = server_fn::codec::GetUrl,
    client = ApiClient,
    output = Json
)]
pub async fn search_emoji(query: String) -> Result<Vec<EmojiChoice>, ApiError> {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("public, max-age=86400"),
        );
    }
    Ok(rank(&query))
}

/// How many emoji one search returns: a few rows of the picker.
#[cfg(feature = "ssr")]
const EMOJI_RESULTS: usize = 48;

/// An exact name first, then names that start with the query, then names with a word
/// that does, then shortcodes and names containing it.
#[cfg(feature = "ssr")]
fn rank(query: &str) -> Vec<EmojiChoice> {
    let query: String = query.trim().to_lowercase().chars().take(40).collect();
    let choice = |emoji: &emojis::Emoji| EmojiChoice {
        emoji: emoji.as_str().to_owned(),
        name: emoji.name().to_owned(),
    };
    if query.is_empty() {
        return emojis::Group::AnimalsAndNature.emojis().take(EMOJI_RESULTS).map(choice).collect();
    }
    let score = |emoji: &emojis::Emoji| {
        let name = emoji.name();
        if name == query {
            Some(0)
        } else if name.starts_with(&query) {
            Some(1)
        } else if name.split([' ', '-']).any(|word| word.starts_with(&query)) {
            Some(2)
        } else if emoji.shortcodes().any(|code| code.contains(&query)) {
            Some(3)
        } else if name.contains(&query) {
            Some(4)
        } else {
            None
        }
    };
    let mut found: Vec<_> =
        emojis::iter().filter_map(|emoji| score(emoji).map(|s| (s, emoji))).collect();
    // Stable: within a rank, the table's own order (which groups like with like).
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().take(EMOJI_RESULTS).map(|(_, emoji)| choice(emoji)).collect()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::rank as search_emoji;

    fn names(query: &str) -> Vec<String> {
        search_emoji(query).into_iter().map(|choice| choice.name).collect()
    }

    #[test]
    fn an_exact_name_comes_first_then_names_that_start_with_the_query() {
        let found = names("cat");
        assert_eq!(found[0], "cat");
        assert!(found.contains(&"cat face".to_owned()), "{found:?}");
    }

    #[test]
    fn a_word_inside_the_name_matches() {
        let found = search_emoji("party");
        assert!(found.iter().any(|c| c.emoji == "🎉"), "party popper: {found:?}");
        assert!(found.iter().any(|c| c.emoji == "🥳"), "partying face: {found:?}");
    }

    #[test]
    fn the_search_ignores_case_and_surrounding_space() {
        assert_eq!(search_emoji("  CAT "), search_emoji("cat"));
    }

    #[test]
    fn an_empty_query_offers_animals_and_nonsense_finds_nothing() {
        let offered = search_emoji("");
        assert_eq!(offered.len(), super::EMOJI_RESULTS);
        assert!(offered.iter().all(|c| {
            emojis::get(&c.emoji).is_some_and(|e| e.group() == emojis::Group::AnimalsAndNature)
        }));
        assert!(search_emoji("qqqzzz").is_empty());
    }

    #[test]
    fn results_are_capped() {
        assert_eq!(search_emoji("face").len(), super::EMOJI_RESULTS);
    }
}
