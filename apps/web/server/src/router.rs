//! The whole application as one axum router, and the endpoints that are not the app's:
//! the health checks and the metrics (the bundle's files are `bundle`'s).

use app::{App, account::SignInButtons, shell};
use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, Request, State},
    http::{StatusCode, header::SET_COOKIE},
    middleware::{Next, from_fn, from_fn_with_state},
    response::Response,
    routing::get,
};
use identity::{
    http::cookies::{clear_cookie, cookie_values},
    identify, refuse_cross_site,
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use persistence::{Store, db};
use tower::ServiceBuilder;
use tower_http::{
    CompressionLevel, compression::CompressionLayer, map_response_body::MapResponseBodyLayer,
    timeout::RequestBodyTimeoutLayer, trace::TraceLayer,
};

use crate::{
    bundle,
    middleware::{edge, headers, stack},
    observe, pages, passkeys, paths,
    state::AppState,
};

/// Loads a page's data before Leptos renders it (`app::preload`: page routes only, each
/// through its own loader), and hands it over in the request. Rendering then never waits
/// on the database, so nothing on a page suspends: the HTML is complete in one pass, with
/// no streaming of late parts (whose Suspense machinery is also where rendering under
/// load has been seen to hang). Server functions load what they need themselves.
/// A page (a GET) that shows a refused form post's details (`app::server::form_failure`)
/// clears their cookie: shown once, not again on a reload. (A post carries it too, and
/// may set it anew.)
async fn preload_page(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ended = app::preload(&state.store, &state.identity, &mut request).await;
    let refused = request.method() == axum::http::Method::GET
        && cookie_values(request.headers(), app::server::FORM_COOKIE).next().is_some();
    let mut response = next.run(request).await;
    let cleared = refused.then(|| clear_cookie(app::server::FORM_COOKIE));
    for cookie in ended.into_iter().chain(cleared) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// The whole application as one router: pages, server functions, the bundle, the health
/// endpoints and `/metrics`. Tests build it around their own state.
///
/// Layers, outermost first: the security headers (`headers`), tracing; metrics, the
/// client's address, load shedding (per network too), the host allow-list and the request
/// deadline (`stack::admit`); the body timeout, response compression and the body limit;
/// panics contained, redirects kept here, a declared body over the limit refused, and the
/// identity layer's refusals said in the app's words (`stack::answer`); the cross-site
/// write guard (so a refused request mints nothing); the database's circuit breaker and
/// the per-address write limit, before anything reads the database for a request
/// (`stack::before_identity`); the identity middleware (every page and server function
/// sees a `Viewer`); then the rate limits that need the viewer and a plain form's
/// idempotency key (`stack::after_identity`). Page routes also preload their data
/// (`preload_page`). Every layer that refuses answers with the app's typed error
/// (`app::error::ApiError`) when the client accepts JSON.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let (page_bundle, error_bundle) = (state.bundle.clone(), state.bundle.clone());
    let services = std::sync::Arc::new(app::server::Services {
        store: state.store.clone(),
        identity: state.identity.clone(),
        accounts: state.accounts.clone(),
        mail: state.mail.clone(),
    });
    let passkeys = state.passkeys.as_ref().map(|party| party.id().into());
    let buttons = SignInButtons { passkeys, ..state.sign_in_providers.buttons() };
    let https_only = state.https_only;
    // What pages and server functions reach through Leptos's context.
    let context = move || {
        provide_context(services.clone());
        provide_context(buttons.clone());
    };
    let app = Router::new()
        // The server functions (given no page routes, `leptos_axum` registers only those,
        // and renders nothing)…
        .leptos_routes_with_context(&state, Vec::new(), context.clone(), || ())
        // …and the pages, each written in one pass (`pages`).
        .leptos_routes_with_handler(routes, pages::handler(context, move || shell(&page_bundle)))
        .route_layer(from_fn_with_state(state.clone(), preload_page))
        .merge(state.sign_in_providers.routes(&state.identity, &state.accounts))
        .merge(passkeys::routes(
            state.passkeys.clone(),
            &state.sign_in_providers.keys,
            &state.identity,
            &state.accounts,
        ))
        .route(paths::HEALTHZ, get(healthz))
        .route(paths::READYZ, get(readyz))
        .route(paths::METRICS, get(observe::scrape))
        .nest_service(paths::BUNDLE, bundle::files(&state.bundle))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(move |_| shell(&error_bundle)))
        // The layers are stacked first and added to the router a stack at a time: each
        // `Router::layer` wraps every route in a box of its own, and every middleware
        // clones what it wraps for each request, so 25 layers added one by one cost about
        // 400 boxed clones a request (15% of `/`'s instructions; bench/RESULTS.md,
        // "instructions per request, counted"). Within a stack the first is outermost;
        // the body timeout stands alone because it changes the request's body type.
        .layer(
            ServiceBuilder::new()
                // Pages and server-function replies; the bundle is already compressed on
                // disk. Brotli at quality 0: at 1 it zeroes about 0.9 MB of tables for the
                // 40 KB roster page, and quality 0 serves that page about 16% faster for
                // 10% more bytes (bench/RESULTS.md, "the count is not the time";
                // tower-http's 4 cost more CPU than rendering the page). Gzip, for clients
                // without brotli, at 1: at 0 it stores. A layer has one quality, so each has
                // its own; the outer one leaves alone what the inner compressed.
                .layer(CompressionLayer::new().no_br().quality(CompressionLevel::Precise(1)))
                // Boxed between the two: else the outer layer's answer holds both layers'
                // encoders inline, and moving it copied 38 KB an answer (callgrind).
                .layer(MapResponseBodyLayer::new(Body::new))
                .layer(CompressionLayer::new().no_gzip().quality(CompressionLevel::Precise(0)))
                .layer(DefaultBodyLimit::max(edge::MAX_REQUEST_BODY_BYTES))
                .layer(from_fn(stack::answer))
                .layer(from_fn_with_state(state.cross_site_guard.clone(), refuse_cross_site))
                .layer(from_fn_with_state(state.clone(), stack::before_identity))
                .layer(from_fn_with_state(state.identity.clone(), identify::<Store>))
                .layer(from_fn_with_state(state.clone(), stack::after_identity)),
        )
        .layer(RequestBodyTimeoutLayer::new(state.timeouts.header))
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(from_fn_with_state(state.clone(), stack::admit)),
        )
        .with_state(state);
    headers::secure(app, https_only)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers (at once 503 while the breaker knows it
/// does not).
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.breaker.is_open() {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    match db::ping(state.store.connection()).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::error!(error = ?error, "readiness check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
