//! The home page in its plain state, written from a template cut from its own render
//! (`app::home` says which pages are plain and what their values are).
//!
//! Each shape's template is made by its first page in this process (for this router's
//! context: the retention in the page and the providers in its policy are the context's):
//! the page rendered for a stand-in request, with a stand-in nonce, cut at the marks
//! there, in its body and in its headers (the nonce is in the Content-Security-Policy).
//! Before it is used, it is written with the values of a second stand-in and held to
//! that stand-in's render, byte for byte but for the form keys; one that differs is not
//! used (every page of its shape is rendered in full) and is a bug, said in the log, and
//! in a debug build a panic. A debug build also renders every page it writes from a
//! template and holds the two to each other, so every home page the test suites load is
//! checked.

use std::sync::Arc;

use app::{
    home::{self, Shape},
    roster::LIST_HOLE,
    server::template::{Escape, Mark, Template, keys_blanked},
};
use axum::http::{HeaderName, HeaderValue, StatusCode, request::Parts};
use leptos::{nonce::Nonce, prelude::IntoView};
use tokio::sync::OnceCell;

use super::{Page, Source, render};

/// Each shape's template, once made; `None` when its check failed.
#[derive(Default)]
pub struct Templates {
    shapes: [OnceCell<Option<PageTemplate>>; Shape::COUNT],
}

/// A page cut where its values go: its body, and its headers.
struct PageTemplate {
    body: Template,
    status: Option<StatusCode>,
    headers: Vec<(HeaderName, Template)>,
}

/// The page `parts` asks for, written from its shape's template when it is plain (made
/// now if this is its shape's first page); `None` when it must be rendered in full.
pub async fn written<C, A, IV>(parts: &Parts, source: &Arc<Source<C, A>>) -> Option<Page>
where
    C: Fn() + Send + Sync + 'static,
    A: Fn() -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let plain = home::plain(parts)?;
    let template = source.home.shapes[plain.shape.index()]
        .get_or_init(|| make(plain.shape, source))
        .await
        .as_ref()?;
    let ([who, data], rows) = (plain.values()?, plain.rows()?);
    let nonce = Nonce::new();
    let page = template.write([&nonce, &who, &data], rows.size(), |html| rows.write(html))?;
    #[cfg(debug_assertions)]
    same(&page, &render(parts.clone(), source, nonce).await, "a home page");
    metrics::counter!("guestroom_pages_from_template_total").increment(1);
    Some(page)
}

/// The template of `shape`, or `None` if it is not the stand-in's render.
async fn make<C, A, IV>(shape: Shape, source: &Arc<Source<C, A>>) -> Option<PageTemplate>
where
    C: Fn() + Send + Sync + 'static,
    A: Fn() -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let (stand_in, other) = (home::stand_in(shape, 0), home::stand_in(shape, 1));
    let (nonce, other_nonce) = (nonce(0), nonce(1));
    let page = render(stand_in.request, source, Nonce::from_value(nonce.as_str())).await;
    let as_placed = Mark { text: nonce, escape: Escape::AsPlaced };
    let marks: Vec<Mark> = [as_placed].into_iter().chain(stand_in.marks).collect();
    let template = PageTemplate::cut(&page, &marks);
    let rendered = render(other.request, source, Nonce::from_value(other_nonce.as_str())).await;
    let [who, data] = &other.values;
    let written = template.as_ref().and_then(|template| {
        template.write([&other_nonce, who, data], LIST_HOLE.len(), |html| html.push_str(LIST_HOLE))
    });
    let what = format!("the home page's {shape:?} template");
    match written {
        Some(written) if same(&written, &rendered, &what) => template,
        _ => {
            tracing::error!("{what} is not its render: every such page is rendered in full");
            debug_assert!(false, "{what} could not be cut from its render");
            None
        }
    }
}

/// A stand-in nonce: ASCII that a nonce may hold (it stands in a header too), and that
/// nothing else on the page does.
fn nonce(variant: u8) -> String {
    format!("StandInNonce{variant}Of{}", "x".repeat(usize::from(variant) + 1))
}

impl PageTemplate {
    /// `page` cut at `marks` (the nonce's, then the page's own); `None` if its body or a
    /// header is not UTF-8.
    fn cut(page: &Page, marks: &[Mark]) -> Option<Self> {
        let headers = page
            .headers
            .iter()
            .map(|(name, value)| Some((name.clone(), Template::cut(value.to_str().ok()?, marks))))
            .collect::<Option<_>>()?;
        let body = Template::cut(std::str::from_utf8(&page.body).ok()?, marks);
        Some(Self { body, status: page.status, headers })
    }

    /// The page with `values` (the nonce, then the page's own) in place of the marks, and
    /// its rows (about `rows_len` bytes) written by `rows`; `None` if a header's value is
    /// not one.
    fn write(
        &self,
        values: [&str; 3],
        rows_len: usize,
        rows: impl FnMut(&mut String),
    ) -> Option<Page> {
        let mut body = String::new();
        self.body.write_with(values, &mut body, rows_len, rows);
        let mut headers = axum::http::HeaderMap::with_capacity(self.headers.len());
        for (name, template) in &self.headers {
            let mut value = String::new();
            template.write(values, &mut value);
            headers.append(name, HeaderValue::try_from(value).ok()?);
        }
        Some(Page { body: body.into(), status: self.status, headers })
    }
}

/// Whether `written` is `rendered` but for its form keys. In a debug build a difference
/// is a panic, naming `what` and showing where the two part.
fn same(written: &Page, rendered: &Page, what: &str) -> bool {
    let text = |page: &Page| keys_blanked(&String::from_utf8_lossy(&page.body));
    let (written_body, rendered_body) = (text(written), text(rendered));
    let same = written_body == rendered_body
        && written.status == rendered.status
        && written.headers == rendered.headers;
    if cfg!(debug_assertions) && !same {
        let at = written_body
            .bytes()
            .zip(rendered_body.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(written_body.len().min(rendered_body.len()));
        let around = |body: &str| {
            let bytes = &body.as_bytes()[at.saturating_sub(80)..(at + 80).min(body.len())];
            String::from_utf8_lossy(bytes).into_owned()
        };
        panic!(
            "{what} written from its template is not its render: at byte {at}, written …{}… \
             rendered …{}…; status {:?} and {:?}; headers {:?} and {:?}",
            around(&written_body),
            around(&rendered_body),
            written.status,
            rendered.status,
            written.headers,
            rendered.headers,
        );
    }
    same
}
