//! The rows written from their templates, held to the rows the view renders.

use leptos::prelude::*;

use super::{RenderRow, Rows, write_list};
use crate::{
    roster::{AvatarView, FormFailure, once, queries, row::row, state::RosterState},
    server::template::keys_blanked,
};

/// The row as the view renders it (`row::row`), which makes the templates.
const RENDER: RenderRow = |id| row(id).into_any();

/// `RENDER` for rows that must be written from their template: asked for a real avatar's
/// row (not the stand-in's, whose id starts with a private-use marker), it fails the test.
const TEMPLATES_ONLY: RenderRow = |id| {
    assert!(id.starts_with('\u{E000}'), "row {id} rendered as a view, not from its template");
    row(id).into_any()
};

fn avatar(n: usize, emoji: &str, name: &str, is_active: bool) -> AvatarView {
    AvatarView {
        id: format!("0190f2a4-1b2c-7d3e-8f40-{n:012}"),
        emoji: emoji.to_owned(),
        name: name.to_owned(),
        is_active,
        position: i32::try_from(n).expect("small"),
    }
}

/// The rows of `list` written in one piece (`render` for the rows left to the view), and
/// as a `For` over the rows renders them (which the browser's `For` hydrates).
fn both_ways(
    list: Vec<AvatarView>,
    failure: Option<FormFailure>,
    render: RenderRow,
) -> (String, String) {
    Owner::new().with(|| {
        provide_context(RosterState::new(queries::roster(Ok(list.clone()))));
        if let Some(failure) = failure {
            provide_context(failure);
        }
        let ui = expect_context::<RosterState>();
        let each =
            view! { <For each=move || ui.rows() key=String::clone let(id)>{RENDER(id)}</For> };
        (write_list(render).to_html(), each.to_html())
    })
}

/// Each row of `html`, a list's: its text from its `<li` to the next.
fn rows(html: &str) -> Vec<&str> {
    html.match_indices("<li")
        .map(|(at, _)| at)
        .chain([html.len()])
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| &html[w[0]..w[1]])
        .collect()
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
            let (written, rendered) = both_ways(list, None, TEMPLATES_ONLY);
            assert_eq!(rows(&rendered).len(), length, "{name}: {rendered}");
            assert_eq!(keys_blanked(&written), keys_blanked(&rendered), "{name}");
        }
    }
}

#[test]
fn each_row_takes_keys_of_its_own() {
    let list = vec![avatar(0, "🐱", "One", true), avatar(1, "🐶", "Two", true)];
    let (written, _) = both_ways(list, None, TEMPLATES_ONLY);
    let key = |html: &str| {
        let at = html.find(once::key_prefix()).expect("a key");
        html[at..at + 32].to_owned()
    };
    let keys: Vec<String> = rows(&written).into_iter().map(key).collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
}

/// The refused row is rendered as a view, in its place between rows from their templates.
#[test]
fn an_editor_open_again_after_a_refusal_is_left_to_the_view() {
    let list = vec![
        avatar(0, "🐱", "One", true),
        avatar(1, "🐶", "Two", true),
        avatar(2, "🦊", "Three", true),
    ];
    let failure = FormFailure {
        action: "/api/roster/update".into(),
        error: crate::error::ApiError::BadRequest,
        id: list[1].id.clone(),
        emoji: "🐶".into(),
        name: String::new(),
    };
    let (written, rendered) = both_ways(list, Some(failure), RENDER);
    let written_rows = rows(&written);
    assert!(written_rows[1].contains("<details open"), "{}", written_rows[1]);
    assert!(
        !written_rows[0].contains("<details open") && !written_rows[2].contains("<details open")
    );
    assert_eq!(keys_blanked(&written), keys_blanked(&rendered));
}

/// Empty strings are left to the view, which writes an empty text node as a space.
#[test]
fn a_row_with_an_empty_name_is_left_to_the_view() {
    let list = vec![avatar(0, "🐱", "", true), avatar(1, "", "Two", false)];
    let (written, rendered) = both_ways(list, None, RENDER);
    assert_eq!(keys_blanked(&written), keys_blanked(&rendered));
}

/// The home page's copies write their rows with `Rows` alone (`crate::home`): the rows
/// `write_list` writes, but for the end it puts after them; none, if one is left to the
/// view.
#[test]
fn rows_written_alone_are_the_lists() {
    let list = vec![avatar(0, "🐱", "One", true), avatar(1, "🐶", "Two & two", false)];
    let (written, _) = both_ways(list.clone(), None, TEMPLATES_ONLY);
    let rows = Rows::of(&list).expect("the templates of both shapes are made");
    let mut alone = String::new();
    rows.write(&mut alone);
    assert_eq!(keys_blanked(&alone) + "<!>", keys_blanked(&written));
    assert!(Rows::of(&[avatar(0, "🐱", "", true)]).is_none(), "an empty name is the view's");
}
