//! Where the keyboard focus goes after a change, and what the page's live region says.
//!
//! A row's buttons can be moved in the document (a move) or replaced (an avatar put back
//! gets its id from the server): focus would fall to `<body>`. So each action names where
//! focus belongs, and whenever the rows change while focus is lost it is put there again.

use leptos::{
    prelude::*,
    wasm_bindgen::JsCast,
    web_sys::{Element, HtmlElement},
};

use super::state::RosterState;

impl RosterState {
    /// Says `text` in the live region (present, empty, since the page loaded). Written
    /// into the element, not rendered from a signal: nothing else on the page reads it, and
    /// a signal and its effect cost the wasm about a kilobyte.
    pub fn say(self, text: String) {
        if let Ok(Some(region)) = document().query_selector(".roster-body > [role=status]") {
            region.set_text_content(Some(&text));
        }
    }

    /// Focus on the first of `controls` (`data-control` values, in order) that can take
    /// it in the row `id`, or where [`row_targets`] says.
    pub fn focus_row(self, id: &str, at: Option<usize>, controls: &[&str]) {
        self.focus_on(row_targets(id, at, controls));
    }

    /// After deleting the row `id`, shown at `at`: focus on the toast's "Undo", then (once
    /// the offer has ended and the row is gone) on the row that took its place.
    pub fn focus_after_delete(self, id: &str, at: usize) {
        let mut wanted = vec![".toast button".to_owned()];
        wanted.extend(row_targets(id, Some(at), &["toggle"]));
        self.focus_on(wanted);
    }

    /// Focus on the first of `wanted` (CSS selectors) that can take it, now and whenever
    /// the rows change while it is lost ([`RosterState::refocus`]).
    pub fn focus_on(self, wanted: Vec<String>) {
        self.keep(|kept| (kept.focus, kept.focus_fresh) = (wanted, true));
        request_animation_frame(move || self.refocus());
    }

    /// Puts focus where the latest action wanted it: once it is there, again only when it
    /// is lost (to `<body>`) as the rows change, until the next action wants it elsewhere.
    pub fn refocus(self) {
        let page = document();
        let lost = page.active_element().is_none_or(|e| page.body().is_some_and(|b| e == *b));
        let (wanted, fresh) = self.keep(|kept| (kept.focus.clone(), kept.focus_fresh));
        if !(fresh || lost) {
            return;
        }
        let found =
            wanted.iter().filter_map(|selector| page.query_selector(selector).ok().flatten());
        for element in found {
            if focus(element) {
                self.keep(|kept| kept.focus_fresh = false);
                return;
            }
        }
    }
}

/// Selectors for `controls` (`data-control` values) in the row `id`, or, when that row is
/// gone (an avatar put back has a new id, a deleted row goes when the undo offer ends),
/// in the row shown at `at`, the last row if there are fewer, or the add form when none
/// is left.
pub fn row_targets(id: &str, at: Option<usize>, controls: &[&str]) -> Vec<String> {
    let mut rows = vec![format!("[data-id=\"{id}\"]")];
    if let Some(at) = at {
        rows.extend([format!("li:nth-child({})", at + 1), "li:last-child".to_owned()]);
    }
    let mut wanted: Vec<String> = rows
        .iter()
        .flat_map(|row| {
            controls.iter().map(move |c| format!(".avatars > {row} [data-control={c}]"))
        })
        .collect();
    if at.is_some() {
        wanted.push("#new-emoji".to_owned());
    }
    wanted
}

/// Focuses `element`; false when it cannot take focus (hidden, disabled, not yet shown).
fn focus(element: Element) -> bool {
    let element = element.unchecked_into::<HtmlElement>();
    let _ = element.focus();
    document().active_element().is_some_and(|active| active == *element)
}
