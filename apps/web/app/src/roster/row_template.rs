//! The server's rows, written from a template made by rendering the row itself.
//!
//! Building the rows' reactive views and rendering them through Leptos was nearly two
//! thirds of the server's instructions for `/` (bench/RESULTS.md, "rows from their
//! template"), where a row is the same HTML each time but for the avatar's three strings,
//! the five forms' keys and which of eight shapes it takes (active or not, first or not,
//! last or not). So the first row of each shape in the process renders the real row
//! (`row::row`) for a stand-in avatar whose strings are markers, and cuts the HTML at the
//! markers and keys; every later row of that shape is the template's pieces with its own
//! strings, escaped as Leptos escapes them where they stand, and new keys. The view stays
//! the one source of the row's HTML, and the browser hydrates the same bytes.
//!
//! A row in any other state — an optimistic one (never on the server), one whose editor
//! comes back open after a refused edit, one with an empty name or emoji — is rendered as
//! a view.
//!
//! The rows are written as one piece, where the browser's `For` hydrates them
//! (`island::list`): the server's `For` made an owner, a key and a view for each row only
//! to write the same bytes, and looked up the roster's contexts from each row
//! (bench/RESULTS.md, "the list in one piece").

use std::sync::OnceLock;

use leptos::{prelude::*, tachys::html::InertElement};

use super::{
    AvatarView, FormFailure, queries,
    state::{PENDING_ID, RosterState},
};
use crate::server::template::{Escape, Mark, Template};

/// How a row is rendered as a view (`row::row`), which the templates are made with.
pub type RenderRow = fn(String) -> AnyView;

/// What `For` writes after its rows, where the browser's `For` finds its end.
const FOR_END: &str = "<!>";

/// Put in a request's extensions while the home page's template is cut (`crate::home`):
/// the list is written as [`LIST_HOLE`], and every row template is made, so that the
/// page's copies can write their rows with [`Rows`] alone.
#[derive(Clone, Copy, Debug)]
pub struct ListHole;

/// Where the rows go, in a page cut with [`ListHole`].
pub const LIST_HOLE: &str = "\u{E000}list\u{E000}";

/// The rows of the roster in context, as the browser's `For` over `RosterState::rows`
/// hydrates them: each written from its shape's template, or rendered as a view (`render`)
/// in a state the templates do not cover. On the server nothing is deleted yet, so the
/// rows are the list's.
pub fn write_list(render: RenderRow) -> InertElement {
    if crate::server::request(|parts| parts.extensions.get::<ListHole>().is_some()) == Some(true) {
        for shape in Shape::ALL {
            template(shape, render);
        }
        return InertElement::new([LIST_HOLE, FOR_END].concat());
    }
    let ui = expect_context::<RosterState>();
    let edit_refused =
        ui.edit_error.with_untracked(|error| error.as_ref().map(|(id, _)| id.clone()));
    let post_refused = use_context::<FormFailure>().map(|failure| failure.id);
    let refused =
        |id: &String| edit_refused.as_ref() == Some(id) || post_refused.as_ref() == Some(id);
    let mut html = String::new();
    // The rows left to the view, and where in `html` each goes.
    let mut views = Vec::new();
    ui.list.with_untracked(|list| {
        // Sized once: grown row by row, the list was copied as often as it doubled.
        html.reserve(
            (0..list.len()).map(|index| template(Shape::of(list, index), render).size()).sum(),
        );
        for (index, avatar) in list.iter().enumerate() {
            if refused(&avatar.id) || !from_template(avatar) {
                views.push((html.len(), avatar.id.clone()));
                continue;
            }
            write_row(template(Shape::of(list, index), render), avatar, &mut html);
        }
    });
    // Outside the list's lock, which the view takes too; from the last, so that each
    // place is still where it was.
    for (at, id) in views.into_iter().rev() {
        html.insert_str(at, &render(id).to_html());
    }
    html.push_str(FOR_END);
    InertElement::new(html)
}

/// The rows of a list as [`write_list`] writes them when no form was refused, for the
/// home page's copies (`crate::home`): each row's template, and its avatar.
#[derive(Debug)]
pub struct Rows<'a>(Vec<(&'static Template, &'a AvatarView)>);

impl<'a> Rows<'a> {
    /// The rows of `list`; `None` when one would be left to the view, or its template is
    /// not made yet (no page was cut with [`ListHole`]).
    pub fn of(list: &'a [AvatarView]) -> Option<Self> {
        let rows = list
            .iter()
            .enumerate()
            .map(|(index, avatar)| {
                let template = TEMPLATES[Shape::of(list, index).index()].get()?;
                from_template(avatar).then_some((template, avatar))
            })
            .collect::<Option<_>>()?;
        Some(Self(rows))
    }

    /// About how long they are written.
    pub fn size(&self) -> usize {
        self.0.iter().map(|(template, _)| template.size()).sum()
    }

    /// Writes them at the end of `html`.
    pub fn write(&self, html: &mut String) {
        for (template, avatar) in &self.0 {
            write_row(template, avatar, html);
        }
    }
}

/// Whether `avatar`'s row can be written from a template: not an optimistic one (never on
/// the server), and no empty string (Leptos writes an empty text node as a space).
fn from_template(avatar: &AvatarView) -> bool {
    !(avatar.id.starts_with(PENDING_ID) || avatar.name.is_empty() || avatar.emoji.is_empty())
}

/// The row of `avatar`, with new keys, written to `html`.
fn write_row(template: &Template, avatar: &AvatarView, html: &mut String) {
    template.write([&avatar.id, &avatar.emoji, &avatar.name], html);
}

/// What varies in a row's HTML besides its strings and keys.
#[derive(Clone, Copy)]
struct Shape {
    active: bool,
    first: bool,
    last: bool,
}

impl Shape {
    /// Every shape, each at its index.
    const ALL: [Shape; 8] = {
        let mut all = [Shape { active: false, first: false, last: false }; 8];
        let mut index = 0;
        while index < 8 {
            all[index] =
                Shape { active: index & 1 != 0, first: index & 2 != 0, last: index & 4 != 0 };
            index += 1;
        }
        all
    };

    /// The shape of the row at `index` in `list`.
    fn of(list: &[AvatarView], index: usize) -> Shape {
        Shape { active: list[index].is_active, first: index == 0, last: index + 1 == list.len() }
    }

    fn index(self) -> usize {
        usize::from(self.active) | usize::from(self.first) << 1 | usize::from(self.last) << 2
    }
}

/// Each shape's template, made by its first row in this process.
static TEMPLATES: [OnceLock<Template>; 8] = [const { OnceLock::new() }; 8];

/// The template of `shape`, made now if this is its first row.
fn template(shape: Shape, render: RenderRow) -> &'static Template {
    TEMPLATES[shape.index()].get_or_init(|| {
        let marks =
            [ID, EMOJI, NAME].map(|text| Mark { text: text.to_owned(), escape: Escape::AsPlaced });
        Template::cut(&rendered(shape, render), &marks)
    })
}

/// The stand-in avatar's strings: private-use characters, which nothing escapes and no
/// part of the row's own text holds.
const ID: &str = "\u{E000}id\u{E000}";
const EMOJI: &str = "\u{E000}emoji\u{E000}";
const NAME: &str = "\u{E000}name\u{E000}";

/// The real row, rendered for a stand-in avatar of `shape` in a roster of its own (with a
/// neighbour above unless it is first, and below unless it is last).
fn rendered(shape: Shape, render: RenderRow) -> String {
    let stand_in = |id: &str, is_active| AvatarView {
        id: id.to_owned(),
        emoji: EMOJI.to_owned(),
        name: NAME.to_owned(),
        is_active,
        position: 0,
    };
    let mut list = vec![stand_in(ID, shape.active)];
    if !shape.first {
        list.insert(0, stand_in("\u{E000}above", true));
    }
    if !shape.last {
        list.push(stand_in("\u{E000}below", true));
    }
    Owner::new().with(|| {
        provide_context(RosterState::new(queries::roster(Ok(list))));
        render(ID.to_owned()).to_html()
    })
}

#[cfg(test)]
mod tests;
