//! Signing in with OpenID Connect providers: the authorization code flow with PKCE
//! (S256), `state` and `nonce`, discovery from the issuer, and the ID token checked for
//! issuer, audience, expiry, nonce and signature (the provider's JWKS). The flow's state
//! lives in a sealed cookie ([`flow`]); what a verified identity may do to accounts is
//! decided by the linking rules ([`super::ProviderIdentity`]).

/// The ID token's claims, read into a provider identity.
mod claims;
/// The flow cookie.
mod flow;
/// The start and callback endpoints.
#[cfg(feature = "axum")]
pub mod http;
/// One configured provider: discovery, the authorization URL, the code exchange.
mod provider;
/// The HTTP client a provider is called with.
mod transport;

pub use flow::{FLOW_COOKIE, FLOW_LIFETIME, Flow, FlowRefusal, Intent};
pub use provider::{Provider, ProviderSettings};

use std::sync::Arc;

/// Why a provider sign-in stopped before the account rules ran.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The flow cookie is missing, expired, from another browser or another provider.
    #[error("sign-in flow refused: {0}")]
    Flow(#[from] FlowRefusal),
    /// The provider sent the person back with an error (`access_denied`, say).
    #[error("the provider answered with an error: {0}")]
    Cancelled(String),
    /// The provider could not be reached, or answered the code exchange with an error.
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
    /// The ID token failed a check (issuer, audience, expiry, nonce, signature) or was
    /// missing.
    #[error("the ID token was refused: {0}")]
    Rejected(String),
}

/// The providers this deployment offers, in the order configured.
#[derive(Clone, Debug, Default)]
pub struct Providers(Arc<[Provider]>);

impl Providers {
    pub fn new(providers: Vec<Provider>) -> Self {
        Self(providers.into())
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.0.iter().find(|provider| provider.id() == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Provider> {
        self.0.iter()
    }
}
