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
    AvatarView, FormFailure, once, queries,
    state::{PENDING_ID, RosterState},
};

/// How a row is rendered as a view (`row::row`), which the templates are made with.
pub type RenderRow = fn(String) -> AnyView;

/// What `For` writes after its rows, where the browser's `For` finds its end.
const FOR_END: &str = "<!>";

/// The rows of the roster in context, as the browser's `For` over `RosterState::rows`
/// hydrates them: each written from its shape's template, or rendered as a view (`render`)
/// in a state the templates do not cover. On the server nothing is deleted yet, so the
/// rows are the list's.
pub fn write_list(render: RenderRow) -> InertElement {
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
        let shape = |index: usize| Shape {
            active: list[index].is_active,
            first: index == 0,
            last: index + 1 == list.len(),
        };
        // Sized once: grown row by row, the list was copied as often as it doubled.
        html.reserve((0..list.len()).map(|index| template(shape(index), render).size()).sum());
        for (index, avatar) in list.iter().enumerate() {
            // Leptos writes an empty text node as a space: left to the view.
            if refused(&avatar.id)
                || avatar.id.starts_with(PENDING_ID)
                || avatar.name.is_empty()
                || avatar.emoji.is_empty()
            {
                views.push((html.len(), avatar.id.clone()));
                continue;
            }
            template(shape(index), render).write(avatar, &mut html);
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

/// What varies in a row's HTML besides its strings and keys.
#[derive(Clone, Copy)]
struct Shape {
    active: bool,
    first: bool,
    last: bool,
}

/// The template of `shape`, made by its first row in this process.
fn template(shape: Shape, render: RenderRow) -> &'static Template {
    static TEMPLATES: [OnceLock<Template>; 8] = [const { OnceLock::new() }; 8];
    let index =
        usize::from(shape.active) | usize::from(shape.first) << 1 | usize::from(shape.last) << 2;
    TEMPLATES[index].get_or_init(|| Template::cut(&rendered(shape, render)))
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

/// A row's HTML cut where its strings and keys go: each piece, then what follows it.
struct Template {
    pieces: Vec<(String, Hole)>,
    end: String,
    /// The length of the pieces together.
    len: usize,
}

#[derive(Clone, Copy)]
enum Hole {
    /// A new form key.
    Key,
    /// One of the avatar's strings, escaped as text or as an attribute's value.
    Text(Field),
    Attribute(Field),
}

/// Which of the avatar's strings, as an index into `[id, emoji, name]`.
#[derive(Clone, Copy)]
enum Field {
    Id = 0,
    Emoji = 1,
    Name = 2,
}

impl Template {
    /// Cuts `html` at the stand-in's strings and at each form key (the process's key
    /// prefix and 16 digits).
    fn cut(html: &str) -> Template {
        let marks = [
            (ID, Some(Field::Id)),
            (EMOJI, Some(Field::Emoji)),
            (NAME, Some(Field::Name)),
            (once::key_prefix(), None),
        ];
        let (mut pieces, mut rest, mut len) = (Vec::new(), html, 0);
        // The next mark in what is left, as long as there is one.
        while let Some((at, mark, field)) = marks
            .iter()
            .filter_map(|&(mark, field)| Some((rest.find(mark)?, mark, field)))
            .min_by_key(|found| found.0)
        {
            let piece = &rest[..at];
            let (hole, width) = match field {
                // Inside a tag (its last `<` after its last `>`): an attribute's value.
                Some(field) if in_tag(&html[..html.len() - rest.len() + at]) => {
                    (Hole::Attribute(field), mark.len())
                }
                Some(field) => (Hole::Text(field), mark.len()),
                None => (Hole::Key, 32),
            };
            len += piece.len();
            pieces.push((piece.to_owned(), hole));
            rest = &rest[at + width..];
        }
        Template { pieces, end: rest.to_owned(), len: len + rest.len() }
    }

    /// About how long a row written from it is: its pieces and, for each hole, a key or a
    /// string of about a key's length.
    fn size(&self) -> usize {
        self.len + self.pieces.len() * 40
    }

    /// The row of `avatar`, with new keys, written to `html`. Each string is escaped once
    /// for text and once for attributes, however many holes it fills (a row writes its id
    /// eighteen times).
    fn write(&self, avatar: &AvatarView, html: &mut String) {
        let strings = [&avatar.id, &avatar.emoji, &avatar.name];
        let text = strings.map(|string| html_escape::encode_text(string));
        let attribute = strings.map(|string| html_escape::encode_double_quoted_attribute(string));
        for (piece, hole) in &self.pieces {
            html.push_str(piece);
            match *hole {
                Hole::Key => once::push_form_key(html),
                Hole::Text(field) => html.push_str(&text[field as usize]),
                Hole::Attribute(field) => html.push_str(&attribute[field as usize]),
            }
        }
        html.push_str(&self.end);
    }
}

/// Whether the end of `html` is inside a tag.
fn in_tag(html: &str) -> bool {
    html.rfind('<') > html.rfind('>')
}

#[cfg(test)]
mod tests;
