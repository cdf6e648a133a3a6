//! The app's pages, each written in one synchronous pass and sent with its length.
//!
//! `leptos_axum`'s page handler streams a page: its writer hands the page over as a stream
//! of chunks, which are joined, copied again to put the head's tags in (after a yield to
//! the executor), and sent chunked. Nothing on Guestroom's pages waits on data — each
//! page's data is loaded before it renders (`router::preload_page`) — so the stream buys
//! nothing, and it cost 15% of the roster page's instructions (bench/RESULTS.md, "rows
//! from their template"). Here the page is written into one string, its head's tags put
//! in, and sent as one body; the page's bytes are written once and not moved
//! (`PageBuffer`). The contexts, the response options (status, headers, redirects) and
//! the head's tags are `leptos_axum`'s and `leptos_meta`'s own, provided as `leptos_axum`
//! provides them; `bench/http.mjs` (run by CI) checks the page byte for byte against the
//! hand-written one, which is how a missing part was found once. A plain home page is not
//! rendered at all: it is written from a template cut out of its own render (`home`).

use std::{
    future::Future,
    pin::{Pin, pin},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering::Relaxed},
    },
};

use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{
        HeaderMap, HeaderValue, StatusCode, header::CONTENT_TYPE, request::Parts, uri::PathAndQuery,
    },
    response::Response,
};
use futures::{StreamExt, future::ready, stream};
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::{
    nonce::Nonce,
    prelude::*,
    reactive::owner::{Owner, Sandboxed},
    tachys::view::Position,
};
use leptos_axum::ResponseOptions;
use leptos_meta::ServerMetaContext;
use leptos_router::{components::provide_server_redirect, location::RequestUrl};
use memchr::memmem;

/// The home page in its plain state, written from a template of itself.
mod home;

/// A page answered by `leptos_axum`'s router hook (`LeptosRoutes::leptos_routes_with_handler`).
type PageFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The handler of every page route: `app` rendered with `context` provided. The two are
/// shared, not cloned for each request as `leptos_axum` clones them: cloning and dropping
/// what they hold (the bundle's options, the sign-in buttons) was about 3% of the page's
/// CPU time (sampled, bench/RESULTS.md). A plain home page is written from its template
/// (`home`), kept with them: it holds what the context does (the retention, the providers).
pub fn handler<C, A, IV>(context: C, app: A) -> impl Fn(Request) -> PageFuture + Clone + Send + Sync
where
    C: Fn() + Send + Sync + 'static,
    A: Fn() -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let source = Arc::new(Source { context, app, home: home::Templates::default() });
    move |request| Box::pin(answer(request, Arc::clone(&source)))
}

/// What every page is made from.
struct Source<C, A> {
    context: C,
    app: A,
    home: home::Templates,
}

/// The page `request` asks for: a plain home page from its template, any other rendered.
async fn answer<C, A, IV>(request: Request, source: Arc<Source<C, A>>) -> Response
where
    C: Fn() + Send + Sync + 'static,
    A: Fn() -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let (parts, _) = request.into_parts();
    match home::written(&parts, &source).await {
        Some(page) => page,
        None => render(parts, &source, Nonce::new()).await,
    }
    .into_response()
}

/// A page: its body, and the status and headers its render set.
#[derive(Debug)]
struct Page {
    body: Bytes,
    status: Option<StatusCode>,
    headers: HeaderMap,
}

impl Page {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        if let Some(status) = self.status {
            *response.status_mut() = status;
        }
        let headers = response.headers_mut();
        headers.extend(self.headers);
        headers.entry(CONTENT_TYPE).or_insert(HeaderValue::from_static("text/html; charset=utf-8"));
        response
    }
}

/// The page `parts` asks for, rendered by the app with `nonce` as its scripts' nonce.
async fn render<C, A, IV>(parts: Parts, source: &Arc<Source<C, A>>, nonce: Nonce) -> Page
where
    C: Fn() + Send + Sync + 'static,
    A: Fn() -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let path = parts.uri.path_and_query().map_or("/", PathAndQuery::as_str);
    // The router matches on a whole URL, as `leptos_axum` writes it.
    let url = ["http://leptos.dev", path].concat();
    let options = ResponseOptions::default();
    let (meta, head_tags) = ServerMetaContext::new();
    // Each page in an arena of its own, as `leptos_axum` renders them.
    let body = Sandboxed::new({
        let options = options.clone();
        let source = Arc::clone(source);
        async move {
            let shared: Arc<dyn SharedContext + Send + Sync> = Arc::new(SsrSharedContext::new());
            let owner = Owner::new_root(Some(Arc::clone(&shared)));
            let mut page = PageBuffer::new();
            owner.with(|| {
                provide_context(RequestUrl::new(&url));
                provide_context(meta);
                provide_context(parts);
                provide_context(options);
                provide_server_redirect(leptos_axum::redirect);
                provide_context(nonce.clone());
                (source.context)();
                let view = (source.app)();
                view.to_html_with_buf(page.text(), &mut Position::FirstChild, true, false, vec![]);
            });
            // What the page's hydration reads (its resources and errors: none on these
            // pages, but the browser's side expects the lists), after the page as
            // `leptos_axum` writes it.
            if let Some(data) = shared.pending_data() {
                let mut data = pin!(data);
                while let Some(chunk) = data.next().await {
                    page.text().extend(["<script nonce=\"", &*nonce, "\">", &chunk, "</script>"]);
                }
            }
            let (end, head) = page.head();
            let head = head.to_owned();
            let mut head = pin!(head_tags.inject_meta_context(stream::once(ready(head))).await);
            let head = head.next().await.unwrap_or_default();
            owner.unset_with_forced_cleanup();
            page.with_head(end, &head)
        }
    })
    .await;
    let mut set = options.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    Page { body, status: set.status, headers: std::mem::take(&mut set.headers) }
}

/// A page being written: room for what its head gains, then the page.
///
/// `leptos_meta` puts the head's tags (the `<title>`, attributes of `<html>` and `<body>`)
/// in by copying the text it is given. Given the whole page, that was a copy of all of it;
/// given the head (up to `<body`, a few kilobytes), the copy is small, and the gained head
/// is written back into the room before the rest, which stays where it was written. The
/// buffer starts as big as the largest page so far, so writing a page does not regrow (and
/// copy) it either. For the roster page with 10 avatars, 75 KB fewer bytes copied of 130 KB
/// (callgrind), too little for req/s to show on this machine; the copies grew with the
/// page (bench/RESULTS.md, "the count is not the time").
struct PageBuffer {
    text: String,
}

/// Room for the head's tags: a title, with room to spare. More falls back to one copy.
const HEAD_ROOM: usize = 256;
/// The largest page so far, the next buffer's size; capped, so that one huge page does not
/// make every buffer huge.
static LARGEST: AtomicUsize = AtomicUsize::new(16 * 1024);
const LARGEST_CAP: usize = 256 * 1024;

impl PageBuffer {
    fn new() -> Self {
        let mut text = String::with_capacity(HEAD_ROOM + LARGEST.load(Relaxed));
        text.extend(std::iter::repeat_n(' ', HEAD_ROOM));
        Self { text }
    }

    /// Where the page is written.
    fn text(&mut self) -> &mut String {
        &mut self.text
    }

    /// Where the head ends in the buffer, and the page's start up to there: just past the
    /// `<body` after `</head>` (the whole page if there is none). `leptos_meta` needs the
    /// `</head>` (it panics without), and a `<body` in the head's text (a script's) must
    /// not end it early. Searched with `memchr`'s vector search, once: `str::find`, twice,
    /// was 5% of the roster page's instructions (bench/RESULTS.md, "the list in one piece").
    fn head(&self) -> (usize, &str) {
        let page = &self.text.as_bytes()[HEAD_ROOM..];
        let end = memmem::find(page, b"</head>")
            .and_then(|head| memmem::find(&page[head..], b"<body").map(|body| head + body))
            .map_or(self.text.len(), |at| HEAD_ROOM + at + "<body".len());
        (end, &self.text[HEAD_ROOM..end])
    }

    /// The page, its head (up to `end`, as `head` found it) replaced by `head` (the head
    /// with its tags in).
    fn with_head(self, end: usize, head: &str) -> Bytes {
        LARGEST.fetch_max((self.text.len() - HEAD_ROOM).min(LARGEST_CAP), Relaxed);
        let mut bytes = self.text.into_bytes();
        match end.checked_sub(head.len()) {
            Some(start) => {
                bytes[start..end].copy_from_slice(head.as_bytes());
                Bytes::from(bytes).slice(start..)
            }
            None => [head.as_bytes(), &bytes[end..]].concat().into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer holding `page`, given back with `gain` put before its head's end, as
    /// `leptos_meta` puts the title in.
    fn written(page: &str, gain: &str) -> String {
        let mut buffer = PageBuffer::new();
        buffer.text().push_str(page);
        let (end, head) = buffer.head();
        let head = head.replacen("</head>", &format!("{gain}</head>"), 1);
        String::from_utf8(buffer.with_head(end, &head).to_vec()).unwrap()
    }

    const PAGE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body class=\"x\"><p>rest</p></body></html>";

    #[test]
    fn the_head_gains_its_tags_and_the_rest_is_kept() {
        let title = "<title>Your avatars · Guestroom</title>";
        assert_eq!(written(PAGE, title), PAGE.replace("</head>", &format!("{title}</head>")));
        assert_eq!(written(PAGE, ""), PAGE);
    }

    #[test]
    fn a_head_that_outgrows_its_room_is_copied_once() {
        let title = format!("<title>{}</title>", "a".repeat(HEAD_ROOM * 2));
        assert_eq!(written(PAGE, &title), PAGE.replace("</head>", &format!("{title}</head>")));
    }

    #[test]
    fn a_body_named_in_the_head_does_not_end_it() {
        let page = PAGE.replace("</head>", "<script>\"<body\"</script></head>");
        let title = "<title>t</title>";
        assert_eq!(written(&page, title), page.replace("</head>", &format!("{title}</head>")));
    }

    #[test]
    fn a_page_without_a_body_is_all_head() {
        let page = "<html><head></head></html>";
        assert_eq!(written(page, "<title>t</title>"), "<html><head><title>t</title></head></html>");
    }
}
