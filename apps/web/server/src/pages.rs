//! The app's pages, each written in one synchronous pass and sent with its length.
//!
//! `leptos_axum`'s page handler streams a page: its writer hands the page over as a stream
//! of chunks, which are joined, copied again to put the head's tags in (after a yield to
//! the executor), and sent chunked. Nothing on Guestroom's pages waits on data — each
//! page's data is loaded before it renders (`router::preload_page`) — so the stream buys
//! nothing, and it cost 15% of the roster page's instructions (bench/RESULTS.md, "rows
//! from their template"). Here the page is written into one string, its head's tags put
//! in, and sent as one body. The contexts, the response options (status, headers,
//! redirects) and the head's tags are `leptos_axum`'s and `leptos_meta`'s own, provided
//! as `leptos_axum` provides them; `bench/http.mjs` (run by CI) checks the page byte for
//! byte against the hand-written one, which is how a missing part was found once.

use std::{
    future::Future,
    pin::{Pin, pin},
    sync::Arc,
};

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderValue, header::CONTENT_TYPE, uri::PathAndQuery},
    response::Response,
};
use futures::{StreamExt, future::ready, stream};
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::{
    prelude::*,
    reactive::owner::{Owner, Sandboxed},
};
use leptos_axum::ResponseOptions;
use leptos_meta::ServerMetaContext;
use leptos_router::{components::provide_server_redirect, location::RequestUrl};

/// A page answered by `leptos_axum`'s router hook (`LeptosRoutes::leptos_routes_with_handler`).
type PageFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The handler of every page route: `app` rendered with `context` provided. The two are
/// shared, not cloned for each request as `leptos_axum` clones them: cloning and dropping
/// what they hold (the bundle's options, the sign-in buttons) was about 3% of the page's
/// CPU time (sampled, bench/RESULTS.md).
pub fn handler<C, A, IV>(context: C, app: A) -> impl Fn(Request) -> PageFuture + Clone + Send + Sync
where
    C: Fn() + Send + Sync + 'static,
    A: Fn() -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let source = Arc::new((context, app));
    move |request| Box::pin(render(request, Arc::clone(&source)))
}

async fn render<C, A, IV>(request: Request, source: Arc<(C, A)>) -> Response
where
    C: Fn() + Send + Sync + 'static,
    A: Fn() -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let (parts, _) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", PathAndQuery::as_str);
    // The router matches on a whole URL, as `leptos_axum` writes it.
    let url = ["http://leptos.dev", path].concat();
    let options = ResponseOptions::default();
    let (meta, head) = ServerMetaContext::new();
    // Each page in an arena of its own, as `leptos_axum` renders them.
    let page = Sandboxed::new({
        let options = options.clone();
        async move {
            let shared: Arc<dyn SharedContext + Send + Sync> = Arc::new(SsrSharedContext::new());
            let owner = Owner::new_root(Some(Arc::clone(&shared)));
            let (mut page, nonce) = owner.with(|| {
                provide_context(RequestUrl::new(&url));
                provide_context(meta);
                provide_context(parts);
                provide_context(options);
                provide_server_redirect(leptos_axum::redirect);
                leptos::nonce::provide_nonce();
                (source.0)();
                ((source.1)().to_html(), leptos::nonce::use_nonce())
            });
            // What the page's hydration reads (its resources and errors: none on these
            // pages, but the browser's side expects the lists), after the page as
            // `leptos_axum` writes it; before the head's tags go in, so that the page is
            // copied once, there.
            if let Some(data) = shared.pending_data() {
                let mut data = pin!(data);
                while let Some(chunk) = data.next().await {
                    page.push_str("<script");
                    if let Some(nonce) = &nonce {
                        page.extend([" nonce=\"", nonce, "\""]);
                    }
                    page.extend([">", &chunk, "</script>"]);
                }
            }
            let mut chunks = pin!(head.inject_meta_context(stream::once(ready(page))).await);
            let mut page = chunks.next().await.unwrap_or_default();
            while let Some(more) = chunks.next().await {
                page.push_str(&more);
            }
            owner.unset_with_forced_cleanup();
            page
        }
    })
    .await;
    let mut response = Response::new(Body::from(page));
    let mut set = options.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(status) = set.status {
        *response.status_mut() = status;
    }
    let headers = response.headers_mut();
    headers.extend(std::mem::take(&mut set.headers));
    headers.entry(CONTENT_TYPE).or_insert(HeaderValue::from_static("text/html; charset=utf-8"));
    drop(set);
    response
}
