//! The rows written from their templates, held to the rows the view renders.

use leptos::prelude::*;

use super::{RenderRow, write};
use crate::roster::{AvatarView, FormFailure, once, queries, row::row, state::RosterState};

/// The row as the view renders it (`row::row`), which makes the templates.
const RENDER: RenderRow = |id| row(id).into_any();

/// Each key replaced by `KEY`: they are new in every row.
fn keys_blanked(html: &str) -> String {
    let prefix = once::key_prefix();
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        out.push_str("KEY");
        rest = &rest[at + 32..];
    }
    out + rest
}

fn avatar(n: usize, emoji: &str, name: &str, is_active: bool) -> AvatarView {
    AvatarView {
        id: format!("0190f2a4-1b2c-7d3e-8f40-{n:012}"),
        emoji: emoji.to_owned(),
        name: name.to_owned(),
        is_active,
        position: i32::try_from(n).expect("small"),
    }
}

/// Every row of `list`, written from its template and rendered as a view.
fn both_ways(list: Vec<AvatarView>, failure: Option<FormFailure>) -> Vec<(Option<String>, String)> {
    Owner::new().with(|| {
        provide_context(RosterState::new(queries::roster(Ok(list.clone()))));
        if let Some(failure) = failure {
            provide_context(failure);
        }
        list.iter()
            .map(|a| {
                (write(&a.id, RENDER).map(|row| row.to_html()), RENDER(a.id.clone()).to_html())
            })
            .collect()
    })
}

/// Rosters of one to three avatars, active and not in turn: each of the eight shapes, with
/// names and emoji that need escaping (and one that holds a marker itself).
#[test]
fn a_row_from_its_template_is_the_row_the_view_renders() {
    let names = [
        "Avatar 1",
        r#"<b>"Tom" & 'Jerry'</b>"#,
        "Zoë  two  spaces",
        "\u{E000}name\u{E000}",
        "🐱 cat",
    ];
    let emoji = ["🐱", "👩‍🚀", "<&>", "\""];
    for length in 1..=3 {
        for (start, name) in names.iter().enumerate() {
            let list = (0..length)
                .map(|i| {
                    avatar(
                        i,
                        emoji[(start + i) % emoji.len()],
                        names[(start + i) % names.len()],
                        (start + i) % 2 == 0,
                    )
                })
                .collect::<Vec<_>>();
            for (written, rendered) in both_ways(list, None) {
                let written =
                    written.unwrap_or_else(|| panic!("{name}: a row its template covers"));
                assert!(rendered.contains("<li"), "{rendered}");
                assert_eq!(keys_blanked(&written), keys_blanked(&rendered));
            }
        }
    }
}

#[test]
fn each_row_takes_keys_of_its_own() {
    let list = vec![avatar(0, "🐱", "One", true), avatar(1, "🐶", "Two", true)];
    let rows = both_ways(list, None);
    let key = |html: &str| {
        let at = html.find(once::key_prefix()).expect("a key");
        html[at..at + 32].to_owned()
    };
    let keys: Vec<String> =
        rows.iter().filter_map(|(written, _)| written.as_deref().map(key)).collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
}

#[test]
fn an_editor_open_again_after_a_refusal_is_left_to_the_view() {
    let list = vec![avatar(0, "🐱", "One", true), avatar(1, "🐶", "Two", true)];
    let failure = FormFailure {
        action: "/api/roster/update".into(),
        error: crate::error::ApiError::BadRequest,
        id: list[1].id.clone(),
        emoji: "🐶".into(),
        name: String::new(),
    };
    let rows = both_ways(list, Some(failure));
    assert!(rows[0].0.is_some(), "the other row is written from its template");
    assert!(rows[1].0.is_none(), "the refused row is rendered as a view");
    assert!(rows[1].1.contains("<details open"), "{}", rows[1].1);
}
