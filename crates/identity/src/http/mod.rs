//! The crate's axum side: the identity cookies, the identity middleware, the cross-site
//! write guard, and the one shape in which they (and the sign-in endpoints of
//! `providers` and `passkeys`) refuse a request.

use std::net::IpAddr;

use http::{HeaderMap, header};

/// The cookies, their names and attributes.
pub mod cookies;
/// The cross-site write guard.
pub(crate) mod cross_site;
/// The identity middleware.
pub(crate) mod middleware;
/// How this crate's layers and endpoints refuse.
mod refusal;

pub use refusal::{PasskeyRefusal, ProviderRefusal, Refusal};

/// The client's address as the application's edge decided it (the peer, or a trusted
/// proxy's header), in the request's extensions: the account rules count attempts by it
/// and the audit log names it. Budgets count it by its [`crate::network`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Whether the request's `Accept` names JSON (`application/json`, `*/json`, `+json`).
pub fn accepts_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains("json"))
}
