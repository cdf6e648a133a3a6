//! The picker's emoji, on the server: a category's whole list, or a search by name and
//! keyword over the Unicode table with the CLDR's English keywords (`keywords.tsv`,
//! written by `scripts/emoji-keywords.sh`). `picker.js` asks for them.

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

/// The emoji whose names or keywords match `query` ("cat", "smile"), best matches
/// first; for an empty query, every emoji of the category `group`, an index into the
/// Unicode table's categories (`GROUPS` in `picker.js` names them; it sends 0 with a
/// search, so one search is one cached answer).
/// The table stays on the server: in the wasm it would weigh more than the whole first
/// load may (docs/architecture.md). A GET, cacheable for a day: the answers change only
/// with a new server build.
#[server(
    endpoint = "emoji",
    input = server_fn::codec::GetUrl,
    client = ApiClient,
    output = Json
)]
pub async fn list_emoji(query: String, group: u8) -> Result<Vec<EmojiChoice>, ApiError> {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("public, max-age=86400"),
        );
    }
    if query.trim().is_empty() {
        let group = emojis::Group::iter().nth(group.into());
        let group = group.ok_or_else(|| crate::error::answer(ApiError::BadRequest))?;
        Ok(group.emojis().map(choice).collect())
    } else {
        Ok(rank(&query))
    }
}

fn choice(emoji: &emojis::Emoji) -> EmojiChoice {
    EmojiChoice { emoji: emoji.as_str().to_owned(), name: emoji.name().to_owned() }
}

/// The CLDR's keywords of an emoji (written without variation selectors), or none.
fn keywords(emoji: &emojis::Emoji) -> impl Iterator<Item = &'static str> {
    use std::{collections::HashMap, sync::LazyLock};
    static TABLE: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
        include_str!("keywords.tsv")
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(emoji, words)| (emoji.to_owned(), words))
            .collect()
    });
    let bare = emoji.as_str().replace('\u{FE0F}', "");
    TABLE.get(&bare).copied().unwrap_or_default().split('|').filter(|word| !word.is_empty())
}

/// Most relevant first: the emoji's own name; a keyword equal to the query ("smile"
/// finds 🙂); a name that starts with it; a word of the name, a keyword or a shortcode
/// that starts with it. Nothing matches in the middle of a word: "cat" does not find
/// "identification card" or "multiplication sign".
fn rank(query: &str) -> Vec<EmojiChoice> {
    let query: String = query.trim().to_lowercase().chars().take(40).collect();
    let starts = |text: &str| text.split([' ', '-', '_', ':']).any(|word| word.starts_with(&query));
    let score = |emoji: &emojis::Emoji| {
        let name = emoji.name();
        if name == query {
            Some(0)
        } else if keywords(emoji).any(|word| word == query) {
            Some(1)
        } else if name.starts_with(&query) {
            Some(2)
        } else if starts(name) || keywords(emoji).any(starts) || emoji.shortcodes().any(starts) {
            Some(3)
        } else {
            None
        }
    };
    let mut found: Vec<_> =
        emojis::iter().filter_map(|emoji| score(emoji).map(|s| (s, emoji))).collect();
    // Stable: within a rank, the table's own order (which groups like with like).
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, emoji)| choice(emoji)).collect()
}

#[cfg(test)]
mod tests {
    use super::rank as search_emoji;

    fn emoji(query: &str) -> Vec<String> {
        search_emoji(query).into_iter().map(|choice| choice.emoji).collect()
    }

    fn names(query: &str) -> Vec<String> {
        search_emoji(query).into_iter().map(|choice| choice.name).collect()
    }

    #[test]
    fn an_exact_name_comes_first_then_names_that_start_with_the_query() {
        let found = names("cat");
        assert_eq!(found[0], "cat");
        assert!(found.contains(&"cat face".to_owned()), "{found:?}");
        assert!(found.contains(&"grinning cat".to_owned()), "{found:?}");
    }

    #[test]
    fn keywords_find_what_names_do_not() {
        let found = emoji("smile");
        for wanted in ["🙂", "😊"] {
            assert!(found.contains(&wanted.to_owned()), "{wanted} in {found:?}");
        }
        // 🐱's keyword "pet" (and not its name) finds it.
        assert!(emoji("pet").contains(&"🐱".to_owned()));
    }

    #[test]
    fn a_word_inside_the_name_matches_but_not_the_middle_of_a_word() {
        let found = emoji("party");
        assert!(found.contains(&"🎉".to_owned()), "party popper: {found:?}");
        assert!(found.contains(&"🥳".to_owned()), "partying face: {found:?}");
        let found = emoji("cat");
        for stray in ["🪪", "✖️", "🈸"] {
            assert!(!found.contains(&stray.to_owned()), "{stray} in {found:?}");
        }
    }

    #[test]
    fn the_search_ignores_case_and_surrounding_space_and_nonsense_finds_nothing() {
        assert_eq!(search_emoji("  CAT "), search_emoji("cat"));
        assert!(search_emoji("qqqzzz").is_empty());
    }

    #[test]
    fn results_are_not_capped() {
        assert!(search_emoji("face").len() > 100);
    }

    #[test]
    fn every_emoji_up_to_unicode_16_has_keywords() {
        // The keyword file matches the table: a CLDR release that renamed or dropped
        // many would show here, not as a search that quietly finds less. (The newest
        // emoji may come before their keywords; their names still find them.)
        let without: Vec<_> = emojis::iter()
            .filter(|e| e.unicode_version() < emojis::UnicodeVersion::new(17, 0))
            .filter(|e| super::keywords(e).next().is_none())
            .map(|e| e.as_str())
            .collect();
        assert!(without.is_empty(), "{without:?}");
    }

    #[test]
    fn a_category_lists_all_of_its_emoji_and_an_unknown_one_is_refused() {
        let list = |group| futures::executor::block_on(super::list_emoji(String::new(), group));
        let animals = list(2).unwrap();
        assert_eq!(animals.len(), emojis::Group::AnimalsAndNature.emojis().count());
        assert_eq!(animals[0].emoji, "🐵");
        // picker.js names each category, one line each.
        let script = include_str!("picker.js");
        let table = &script[script.find("const GROUPS = [").unwrap()..];
        let named = table[..table.find("];").unwrap()].lines().skip(1).count();
        assert_eq!(named, emojis::Group::iter().count());
        assert_eq!(list(9), Err(crate::error::ApiError::BadRequest));
    }
}
