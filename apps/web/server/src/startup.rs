//! Start-up: the configuration made into the application's state (`state`), the
//! database migrated and the socket bound; then serving until told to stop.

use std::{future::Future, io, net::SocketAddr, sync::Arc};

use identity::{
    Clock, CrossSiteGuard, Identity, IdentityOptions, KeyError, Keyring, SystemClock,
    account::{Accounts, PasswordHasher},
    providers::{Provider, Providers},
};
use leptos::config::LeptosOptions;
use persistence::{Store, StoreError, db};
use tokio::{net::TcpListener, time::Instant};

use crate::{
    config::{Config, Environment},
    middleware::{breaker::Breaker, limits::Limits},
    observe,
    providers::SignInProviders,
    router::router,
    serve,
    state::{AppState, Shared},
    sweep,
};

/// Where a development run keeps the secret it generates when `AUTH_SECRET` is unset.
pub const DEV_SECRET_PATH: &str = "data/auth_secret";

/// Why the server did not start. `main` prints it and exits non-zero.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database {url}")]
    Database {
        url: String,
        #[source]
        source: StoreError,
    },
    #[error("refusing to start: the database schema could not be brought up to date")]
    Migration(#[source] StoreError),
    #[error("refusing to start: no usable AUTH_SECRET")]
    Keys(#[source] KeyError),
    #[error("refusing to start: an OpenID Connect provider's settings are invalid: {0}")]
    Provider(String),
    #[error("refusing to start: passkeys cannot be offered at {0}")]
    Passkeys(String),
    #[error("refusing to start: the browser bundle's names: {0}")]
    Bundle(String),
    #[error("refusing to start: mail cannot be sent as configured: {0}")]
    Mail(String),
    #[error("cannot listen on {address}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: io::Error,
    },
}

/// A started (bound, migrated) server that has not begun serving yet.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
    address: SocketAddr,
    guest_retention: chrono::Duration,
}

impl Application {
    /// Loads the keys, opens the database, applies pending migrations and binds the
    /// listening socket. Any failure stops here, before a single request is served.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] with a clock of the caller's (tests move time with it).
    pub async fn build_with_clock(
        config: &Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let keys = load_keys(config).map_err(StartupError::Keys)?;
        let unreachable =
            |source| StartupError::Database { url: config.database_url.redacted(), source };
        db::migrate_before_connecting(config.database_url.expose()).await.map_err(|error| {
            match error {
                StoreError::Migration(_) => StartupError::Migration(error),
                source => unreachable(source),
            }
        })?;
        let connection =
            db::connect_for_serving(config.database_url.expose()).await.map_err(unreachable)?;
        let store = Store::new(connection, Arc::clone(&clock));
        let providers = config
            .providers
            .iter()
            .map(|settings| Provider::new(settings.clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(StartupError::Provider)?;
        let sign_in_providers = SignInProviders {
            providers: Providers::new(providers),
            keys: keys.clone(),
            public_origin: config.public_origin.clone(),
        };
        let passkeys = crate::passkeys::relying_party(config).map_err(StartupError::Passkeys)?;
        let identity = Identity::new(
            keys,
            store.clone(),
            Arc::clone(&clock),
            IdentityOptions {
                skip_prefixes: crate::paths::ANONYMOUS.map(str::to_owned).to_vec(),
                // A guest's cookie lives as long as the sweep keeps its data: the page's
                // "kept for N days after your last visit" holds for both.
                guest_lifetime: config.guest_retention(),
                ..IdentityOptions::default()
            },
        );
        let cross_site_guard = CrossSiteGuard::new(config.public_origin.clone());

        let leptos_options = LeptosOptions::builder()
            .output_name(app::OUTPUT_NAME)
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .build();
        let bundle = crate::bundle::names(leptos_options).map_err(StartupError::Bundle)?;
        let accounts =
            Accounts::new(store.clone(), PasswordHasher::new()).with_limits(config.attempt_limits);
        let requested = SocketAddr::new(config.bind_address, config.port);
        let listener = serve::listen(requested)
            .map_err(|source| StartupError::Bind { address: requested, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { address: requested, source })?;
        let (mail, outbox) = crate::mail::start(config, accounts.clone(), address, clock)
            .map_err(StartupError::Mail)?;
        let https_only = config.environment == Environment::Production;
        let allowed_hosts = config.host_names().into();
        let breaker = Breaker::new(config.database_url.clone());
        let state = AppState::new(Shared {
            bundle,
            store,
            identity,
            accounts,
            mail,
            outbox,
            cross_site_guard,
            https_only,
            allowed_hosts,
            client_address: Arc::new(config.client_address.clone()),
            limits: Limits::new(&config.traffic),
            breaker,
            timeouts: config.timeouts,
            metrics: observe::recorder(),
            metrics_token: config.metrics_token.clone(),
            sign_in_providers,
            passkeys,
        });

        Ok(Self { listener, state, address, guest_retention: config.guest_retention() })
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The store the application serves from (tests use it to arrange and inspect data).
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// The identity layer (tests use it to preload pages as the router does).
    pub fn identity(&self) -> &Identity<Store> {
        &self.state.identity
    }

    /// What the handlers share (the limits, the breaker …), for tests to look into.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Serves until the process receives Ctrl-C or SIGTERM, then lets the requests in
    /// flight finish and the mail waiting be sent (up to `SHUTDOWN_TIMEOUT_SECS`).
    pub async fn run_until_stopped(self) -> io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// [`Application::run_until_stopped`], stopping when `stop` completes instead of on a
    /// signal. Sweeps stale guests and expired records every hour meanwhile, forgets the
    /// rate-limit buckets of quiet clients every minute, and keeps the metrics drained.
    pub async fn run_until(self, stop: impl Future<Output = ()>) -> io::Result<()> {
        sweep::every_hour(self.state.store.clone(), self.guest_retention);
        self.state.limits.forget_idle_every_minute();
        observe::upkeep_every_few_seconds(self.state.metrics.clone());
        let (timeouts, outbox) = (self.state.timeouts, self.state.outbox.clone());
        let mut stopped_at = None;
        let stop = async {
            stop.await;
            stopped_at = Some(Instant::now());
        };
        serve::serve(self.listener, router(self.state), timeouts, stop).await?;
        // One deadline from the stop: the requests in flight, then the mail they queued.
        let deadline = stopped_at.unwrap_or_else(Instant::now) + timeouts.shutdown;
        crate::mail::settle(&outbox, deadline).await;
        Ok(())
    }
}

/// `AUTH_SECRET` when set. Without it, production refuses to start and development uses
/// a random secret kept in [`DEV_SECRET_PATH`] (so sessions survive restarts).
fn load_keys(config: &Config) -> Result<Keyring, KeyError> {
    match (&config.auth_secret, config.environment) {
        (Some(secret), _) => Keyring::from_secrets(secret.expose()),
        (None, Environment::Production) => Err(KeyError::MissingInProduction),
        (None, Environment::Development) => {
            tracing::warn!(
                path = DEV_SECRET_PATH,
                "AUTH_SECRET is not set: using a development secret stored on disk; \
                 set AUTH_SECRET (openssl rand -base64 32) for any real deployment"
            );
            Keyring::load_or_create_dev_secret(std::path::Path::new(DEV_SECRET_PATH))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
