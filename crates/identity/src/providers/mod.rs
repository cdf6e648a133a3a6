//! Signing in with another provider, as one slice: the linking rules (what a verified
//! provider identity may do to accounts, against the [`crate::LinkStore`] port) and, with
//! the `oidc` feature, the protocol — OpenID Connect's code flow with PKCE, its sealed
//! flow cookie — and, with `axum` too, its two endpoints ([`ProviderSignIn`]).

/// OpenID Connect: discovery, the flow, the ID token's checks, the endpoints.
#[cfg(feature = "oidc")]
mod oidc;
/// The linking rules.
mod rules;

pub use rules::{Link, LinkedAccount, ProviderIdentity};

#[cfg(all(feature = "oidc", feature = "axum"))]
pub use oidc::http::{ProviderOutcome, ProviderPages, ProviderSignIn};
#[cfg(feature = "oidc")]
pub use oidc::{
    FLOW_COOKIE, FLOW_LIFETIME, Flow, FlowRefusal, Intent, OidcError, Provider, ProviderSettings,
    Providers,
};
