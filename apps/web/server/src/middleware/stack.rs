//! The server's own checks, in the order a request meets them, as four middleware.
//!
//! Each check is an async function of the request and what runs after it (`next`), and
//! these four call them one inside the other, so that a group is one future. Each check
//! was a layer of its own once, but axum's `from_fn` costs every request, per layer, a
//! copy of the service below it, three boxes, and the answer moved up once more: with
//! seventeen such layers, `/healthz`, which passes them all, took 66,000 instructions
//! against bare axum's 18,000; with these four, 54,000, and the roster read and the toggle
//! serve 16–19% more requests a second (bench/RESULTS.md, "the checks in four layers").
//! The identity crate's two middleware, the cross-site guard and the identity layer,
//! stand between the groups as layers of their own (`router`).

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};

use super::{breaker, change_keys, client, edge, limits};
use crate::{observe, state::AppState};

/// First, outside the body timeout and compression: every request counted and timed
/// (`observe::measure`), its client's address found (`client`), shed past the cap on
/// requests in flight (`limits::shed_load`: 503), refused for an unknown host (400), and
/// answered 503 at the request deadline.
pub async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    observe::measure(request, |request| {
        client::client_address(&state.client_address, request, |request| {
            limits::shed_load(&state.limits, request, |request| {
                edge::refuse_unknown_hosts(&state.allowed_hosts, request, |request| {
                    edge::deadline(state.timeouts.request, request, |request| next.run(request))
                })
            })
        })
    })
    .await
}

/// Around the app, inside compression: a panic answered 500 (`edge::contain_panics`),
/// redirects kept on this origin, a declared body over the limit refused (413), and the
/// identity layer's refusals said in the app's words (which wraps the cross-site guard
/// and the identity layer).
pub async fn answer(request: Request, next: Next) -> Response {
    edge::contain_panics(request, |request| {
        edge::own_origin_redirects(request, |request| {
            edge::refuse_oversized(request, |request| {
                edge::in_our_words(request, |request| next.run(request))
            })
        })
    })
    .await
}

/// After the cross-site guard and before the identity layer, which reads the database
/// for some requests: 503 at once while the database's breaker is open, and the
/// per-address write limit (429).
pub async fn before_identity(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    breaker::guard(&state.breaker, request, |request| {
        limits::throttle_addresses(&state.limits, request, |request| next.run(request))
    })
    .await
}

/// After the identity layer: the limits that need the viewer (429), then a plain form's
/// idempotency key moved to its header (`change_keys`).
pub async fn after_identity(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    limits::throttle(&state.limits, request, |request| {
        change_keys::from_form(request, |request| next.run(request))
    })
    .await
}
