//! The crate's axum side: the identity cookies, the identity middleware, the cross-site
//! write guard, the sign-in endpoints an application mounts, and the one shape in which
//! they refuse a request.

use std::net::IpAddr;

use http::{HeaderMap, header};

/// The cookies, their names and attributes.
pub mod cookies;
/// The cross-site write guard.
pub(crate) mod cross_site;
/// The identity middleware.
pub(crate) mod middleware;
/// Sign-in with passkeys: the ceremonies' JSON endpoints.
#[cfg(feature = "passkeys")]
pub mod passkeys;
/// Sign-in with OpenID Connect providers: the start and callback endpoints.
#[cfg(feature = "oidc")]
pub mod providers;
/// How this crate's layers and endpoints refuse.
mod refusal;

pub use refusal::{PasskeyRefusal, ProviderRefusal, Refusal};

/// The client's address as the application's edge decided it (the peer, or a trusted
/// proxy's header), in the request's extensions: the account rules count attempts by it
/// and the audit log names it.
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
