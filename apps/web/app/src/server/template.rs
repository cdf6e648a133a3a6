//! HTML cut into a template where its values go, to be written again with other values.
//!
//! Rendering a view through Leptos costs many times what writing its bytes does, and for
//! the server's hot pieces the bytes are the same each time but for a few values. So the
//! real view is rendered once with stand-in values (marks) in place of the real ones, and
//! its HTML cut at the marks and at the form keys; later copies are the pieces with their
//! own values, escaped as Leptos escapes them where they stand, and new keys. The view
//! stays the one source of the HTML. Used for the roster's rows (`roster::row_template`)
//! and for the home page as a whole (`crate::home`).

use std::borrow::Cow;

use crate::roster::once;

/// A stand-in value, as it stands in the rendered HTML, and how the value that takes its
/// place is written.
#[derive(Clone, Debug)]
pub struct Mark {
    pub text: String,
    pub escape: Escape,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// As Leptos escapes a string where the mark stands: an attribute's value inside a
    /// tag, text elsewhere.
    AsPlaced,
    /// Written as it is, by the copy's writer: HTML made elsewhere (`Template::write_with`).
    None,
}

/// HTML cut where its values and keys go: each piece, then what follows it.
#[derive(Debug)]
pub struct Template {
    pieces: Vec<(String, Hole)>,
    end: String,
    /// The length of the pieces together.
    len: usize,
}

#[derive(Clone, Copy, Debug)]
enum Hole {
    /// A new form key.
    Key,
    /// The value of the mark at this index, escaped as text or as an attribute's value.
    Text(usize),
    Attribute(usize),
    /// Where an [`Escape::None`] mark was: written by the copy's writer (`write_with`).
    Raw,
}

/// The width of a form key: its prefix and 16 digits (`once::form_key`).
const KEY_WIDTH: usize = 32;

impl Template {
    /// Cuts `html` at each of `marks` (a value's index is its mark's; a mark written as it
    /// is comes after those with values) and at each form key (the process's key prefix
    /// and 16 digits).
    pub fn cut(html: &str, marks: &[Mark]) -> Template {
        let prefix = once::key_prefix();
        let (mut pieces, mut rest, mut len) = (Vec::new(), html, 0);
        // The next mark in what is left, as long as there is one; `None` for a key.
        let next = |rest: &str| {
            marks
                .iter()
                .enumerate()
                .map(|(index, mark)| (mark.text.as_str(), Some(index)))
                .chain([(prefix, None)])
                .filter_map(|(text, index)| Some((rest.find(text)?, text.len(), index)))
                .min_by_key(|found| found.0)
        };
        while let Some((at, width, index)) = next(rest) {
            let piece = &rest[..at];
            let (hole, width) = match index {
                None => (Hole::Key, KEY_WIDTH),
                Some(index) if marks[index].escape == Escape::None => (Hole::Raw, width),
                // Inside a tag (its last `<` after its last `>`): an attribute's value.
                Some(index) if in_tag(&html[..html.len() - rest.len() + at]) => {
                    (Hole::Attribute(index), width)
                }
                Some(index) => (Hole::Text(index), width),
            };
            len += piece.len();
            pieces.push((piece.to_owned(), hole));
            rest = &rest[at + width..];
        }
        Template { pieces, end: rest.to_owned(), len: len + rest.len() }
    }

    /// About how long a copy is: its pieces and, for each hole, a key or a value of about
    /// a key's length.
    pub fn size(&self) -> usize {
        self.len + self.pieces.len() * 40
    }

    /// A copy with `values` in place of the marks, and new keys, written to `html`. Each
    /// value is escaped at most once as text and once as an attribute's value, however
    /// many holes it fills (a row writes its id eighteen times).
    pub fn write<const N: usize>(&self, values: [&str; N], html: &mut String) {
        self.write_with(values, html, 0, |_| {});
    }

    /// [`write`](Self::write), with each value of an [`Escape::None`] mark written by
    /// `raw` (about `raw_len` bytes) in place: a page's rows, written where they go rather
    /// than into a string of their own and copied. Room for the whole copy is made first,
    /// so that `html` grows (and is copied) once at most.
    pub fn write_with<const N: usize>(
        &self,
        values: [&str; N],
        html: &mut String,
        raw_len: usize,
        mut raw: impl FnMut(&mut String),
    ) {
        let mut text: [Option<Cow<str>>; N] = [const { None }; N];
        let mut attribute: [Option<Cow<str>>; N] = [const { None }; N];
        let mut len = self.len;
        for (_, hole) in &self.pieces {
            len += match *hole {
                Hole::Key => KEY_WIDTH,
                Hole::Text(index) => {
                    text[index].get_or_insert_with(|| html_escape::encode_text(values[index])).len()
                }
                Hole::Attribute(index) => attribute[index]
                    .get_or_insert_with(|| {
                        html_escape::encode_double_quoted_attribute(values[index])
                    })
                    .len(),
                Hole::Raw => raw_len,
            };
        }
        html.reserve(len);
        for (piece, hole) in &self.pieces {
            html.push_str(piece);
            match *hole {
                Hole::Key => once::push_form_key(html),
                Hole::Text(index) => html.push_str(text[index].as_deref().unwrap_or_default()),
                Hole::Attribute(index) => {
                    html.push_str(attribute[index].as_deref().unwrap_or_default());
                }
                Hole::Raw => raw(html),
            }
        }
        html.push_str(&self.end);
    }
}

/// Whether the end of `html` is inside a tag.
fn in_tag(html: &str) -> bool {
    html.rfind('<') > html.rfind('>')
}

/// `html` with each form key replaced by `KEY`: for comparing copies, whose keys are new
/// in each.
pub fn keys_blanked(html: &str) -> String {
    let prefix = once::key_prefix();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        out.push_str("KEY");
        rest = &rest[(at + KEY_WIDTH).min(rest.len())..];
    }
    out + rest
}
