//! What every handler and layer can reach: the application's state, built once at
//! start-up (`startup`) and read by the router, the handlers and the layers. It imports
//! nothing above it.

use std::sync::Arc;

use app::Bundle;
use axum::extract::FromRef;
use identity::{CrossSiteGuard, Identity, account::Accounts, passkeys::RelyingParty};
use leptos::config::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use persistence::Store;

use crate::{
    config::{ClientAddress, Secret, Timeouts},
    middleware::{breaker::Breaker, limits::Limits},
    providers::SignInProviders,
};

/// What every handler and server function can reach. axum clones it for every `State`
/// extraction and every layer that holds it, so it is one `Arc`: a clone is a reference
/// count. (Cloned field by field — Leptos's options, the keyrings, the strings — the clone
/// and its drop took about 5% of the roster read's CPU under load: bench/RESULTS.md.)
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The state itself, behind [`AppState`]'s `Arc`.
#[derive(Debug)]
pub struct Shared {
    /// The browser bundle's names (and Leptos's options, within).
    pub bundle: Bundle,
    pub store: Store,
    pub identity: Identity<Store>,
    /// Sign-up and sign-in (argon2id hashing; its dummy hash is made once, here).
    pub accounts: Accounts<Store>,
    /// What goes through mail (password reset), and the outbox it goes through.
    pub mail: identity::email::EmailAccounts<Store>,
    pub outbox: identity::email::Outbox,
    pub cross_site_guard: CrossSiteGuard,
    /// Production: tell browsers to use HTTPS only (`Strict-Transport-Security`).
    pub https_only: bool,
    /// The host names requests may name (`Config::host_names`).
    pub allowed_hosts: Arc<[String]>,
    /// `CLIENT_IP_HEADER` and `TRUSTED_PROXIES`: where the client's address comes from.
    pub client_address: Arc<ClientAddress>,
    /// Rate limits and the cap on requests in flight.
    pub limits: Limits,
    /// Refuses at once while the database does not answer.
    pub breaker: Breaker,
    /// `REQUEST_TIMEOUT_SECS` and `HEADER_TIMEOUT_SECS` (the latter also bounds the body).
    pub timeouts: Timeouts,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// `METRICS_TOKEN`: lets a scraper on another machine read `/metrics`.
    pub metrics_token: Option<Secret>,
    pub sign_in_providers: SignInProviders,
    /// This site as a passkeys' relying party; `None` where this deployment has no
    /// origin to make them for.
    pub passkeys: Option<RelyingParty>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.bundle.options.clone()
    }
}
