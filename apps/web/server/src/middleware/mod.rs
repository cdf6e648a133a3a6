//! What stands around the app: refusals at the edge, rate limits and load shedding, the
//! database breaker, each an async function of the request and what runs after it, which
//! `stack` nests into the four middleware the router adds (`router`, outermost first);
//! and the security headers, tower-http's layers (`headers`).

/// Answering 503 at once while the database is down.
pub mod breaker;
/// A plain form's idempotency key, moved to the header the app reads.
pub mod change_keys;
/// Who the client is: the peer, or a trusted proxy's word for it.
pub mod client;
/// Refusals answered before the app runs (unknown hosts, oversized bodies, deadlines).
pub mod edge;
/// Security headers on every response.
pub mod headers;
/// Rate limits and load shedding.
pub mod limits;
/// The checks above, in the order a request meets them: four middleware.
pub mod stack;
