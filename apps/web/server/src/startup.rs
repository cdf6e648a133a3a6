use std::{future::Future, io, net::SocketAddr, path::Path, sync::Arc};

use app::{App, OUTPUT_NAME, shell};
use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRef, Request, State},
    http::{
        HeaderValue, StatusCode,
        header::{CACHE_CONTROL, SET_COOKIE},
    },
    middleware::{Next, from_fn_with_state},
    response::Response,
    routing::get,
};
use identity::{
    Clock, CrossSiteGuard, Identity, IdentityOptions, KeyError, Keyring, SystemClock,
    account::{Accounts, PasswordHasher},
    identify, refuse_cross_site,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use metrics_exporter_prometheus::PrometheusHandle;
use persistence::{Store, StoreError, db};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, services::ServeDir, set_header::SetResponseHeaderLayer,
    timeout::RequestBodyTimeoutLayer, trace::TraceLayer,
};

use crate::{
    config::{Config, Environment, Secret, Timeouts},
    edge, headers,
    limits::{self, Limits},
    observe, serve, sweep,
};

/// Where a development run keeps the secret it generates when `AUTH_SECRET` is unset.
pub const DEV_SECRET_PATH: &str = "data/auth_secret";

/// Paths that carry no identity: static files, health checks and metrics get no cookie.
const ANONYMOUS_PATHS: [&str; 4] = ["/pkg/", "/healthz", "/readyz", "/metrics"];

/// What every handler and server function can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub identity: Identity<Store>,
    /// Sign-up and sign-in (argon2id hashing; its dummy hash is made once, here).
    pub accounts: Accounts<Store>,
    pub cross_site_guard: CrossSiteGuard,
    /// Production: tell browsers to use HTTPS only (`Strict-Transport-Security`).
    pub https_only: bool,
    /// The host names requests may name (`Config::host_names`).
    pub allowed_hosts: Arc<[String]>,
    /// `CLIENT_IP_HEADER`: the trusted proxy's header with the client's address.
    pub client_ip_header: Option<axum::http::HeaderName>,
    /// Rate limits and the cap on requests in flight.
    pub limits: Limits,
    /// `REQUEST_TIMEOUT_SECS` and `HEADER_TIMEOUT_SECS` (the latter also bounds the body).
    pub timeouts: Timeouts,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// `METRICS_TOKEN`: lets a scraper on another machine read `/metrics`.
    pub metrics_token: Option<Secret>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

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
    #[error("cannot listen on {address}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: io::Error,
    },
}

/// Loads a page's data before Leptos renders it (`app::preload`: page routes only, each
/// through its own loader), and hands it over in the request. Rendering then never waits
/// on the database, so nothing on a page suspends: the HTML is complete in one pass, with
/// no streaming of late parts (whose Suspense machinery is also where rendering under
/// load has been seen to hang). Server functions load what they need themselves.
async fn preload_page(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ended = app::preload(&state.store, &state.identity, &mut request).await;
    let mut response = next.run(request).await;
    for cookie in ended.into_iter().flatten() {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// The browser bundle (`/pkg`), as `scripts/build.sh` left it: with hashed names (a name
/// never changes content) it may be cached for a year; the `.br`/`.gz` copies made at
/// build time go to browsers that accept them. Unhashed files (a build without
/// `hash.txt`) must be revalidated. Only successes are marked cacheable.
fn bundle(options: &LeptosOptions) -> Router {
    let folder = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let cache = HeaderValue::from_static(if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    });
    Router::new()
        .fallback_service(ServeDir::new(folder).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, move |response: &Response| {
            response.status().is_success().then(|| cache.clone())
        }))
}

/// The whole application as one router: pages, server functions, the bundle and the
/// health endpoints. Tests build it around their own state.
///
/// Layers, outermost first: the security headers (`headers`), tracing, metrics, load
/// shedding, the host allow-list, the client's address, the request deadline and body
/// timeout, response compression, panics contained, redirects kept here, the body limits,
/// the cross-site write guard (so a refused request mints nothing), the identity
/// middleware (every page and server function sees a `Viewer`), then the rate limits
/// (which need the viewer); page routes also preload their data (`preload_page`). Every
/// layer that refuses answers with the app's typed error (`app::error::ApiError`) when
/// the client accepts JSON.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (store, identity, accounts) =
        (state.store.clone(), state.identity.clone(), state.accounts.clone());
    let https_only = state.https_only;
    let app = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            // What pages and server functions reach through Leptos's context.
            move || {
                provide_context(store.clone());
                provide_context(identity.clone());
                provide_context(accounts.clone());
            },
            move || shell(options.clone()),
        )
        .route_layer(from_fn_with_state(state.clone(), preload_page))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(observe::metrics))
        .nest_service("/pkg", bundle(&state.leptos_options))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn_with_state(state.limits.clone(), limits::throttle))
        .layer(from_fn_with_state(state.identity.clone(), identify::<Store>))
        .layer(from_fn_with_state(state.cross_site_guard.clone(), refuse_cross_site))
        .layer(DefaultBodyLimit::max(edge::MAX_REQUEST_BODY_BYTES))
        .layer(axum::middleware::from_fn(edge::refuse_oversized))
        .layer(axum::middleware::from_fn(edge::own_origin_redirects))
        .layer(axum::middleware::from_fn(edge::contain_panics))
        // Pages and server-function replies; the bundle is already compressed on disk.
        .layer(CompressionLayer::new())
        .layer(RequestBodyTimeoutLayer::new(state.timeouts.header))
        .layer(from_fn_with_state(state.timeouts.request, edge::deadline))
        .layer(from_fn_with_state(state.client_ip_header.clone(), edge::client_address))
        .layer(from_fn_with_state(state.allowed_hosts.clone(), edge::refuse_unknown_hosts))
        .layer(from_fn_with_state(state.limits.clone(), limits::shed_load))
        .layer(axum::middleware::from_fn(observe::measure))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    headers::secure(app, https_only)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match db::ping(state.store.connection()).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::error!(error = ?error, "readiness check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
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
        let connection = db::connect(config.database_url.expose()).await.map_err(|source| {
            StartupError::Database { url: config.database_url.redacted(), source }
        })?;
        db::migrate(&connection).await.map_err(StartupError::Migration)?;
        let store = Store::new(connection, Arc::clone(&clock));
        let identity = Identity::new(
            keys,
            store.clone(),
            clock,
            IdentityOptions {
                skip_prefixes: ANONYMOUS_PATHS.map(str::to_owned).to_vec(),
                ..IdentityOptions::default()
            },
        );
        let cross_site_guard = CrossSiteGuard::new(config.public_origin.clone());

        // `scripts/build.sh` records the bundle's content hashes here; a site without it
        // (a hand-made one) is served under the plain names.
        let hash_file = config.site_root.join("hash.txt");
        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .hash_files(hash_file.is_file())
            // Absolute, so Leptos finds it wherever the binary is (it joins it to the
            // executable's folder, and joining an absolute path replaces that).
            .hash_file(
                std::path::absolute(&hash_file).unwrap_or(hash_file).to_string_lossy().into(),
            )
            .build();
        let accounts =
            Accounts::new(store.clone(), PasswordHasher::new()).with_limits(config.attempt_limits);
        let https_only = config.environment == Environment::Production;
        let allowed_hosts = config.host_names().into();
        let state = AppState {
            leptos_options,
            store,
            identity,
            accounts,
            cross_site_guard,
            https_only,
            allowed_hosts,
            client_ip_header: config.client_ip_header.clone(),
            limits: Limits::new(&config.traffic),
            timeouts: config.timeouts,
            metrics: observe::recorder(),
            metrics_token: config.metrics_token.clone(),
        };

        let requested = SocketAddr::new(config.bind_address, config.port);
        let listener = TcpListener::bind(requested)
            .await
            .map_err(|source| StartupError::Bind { address: requested, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { address: requested, source })?;
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

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Serves until the process receives Ctrl-C or SIGTERM, then lets the requests in
    /// flight finish (up to `SHUTDOWN_TIMEOUT_SECS`).
    pub async fn run_until_stopped(self) -> io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// [`Application::run_until_stopped`], stopping when `stop` completes instead of on a
    /// signal. Sweeps stale guests and expired records every hour meanwhile, and forgets
    /// the rate-limit buckets of quiet clients every minute.
    pub async fn run_until(self, stop: impl Future<Output = ()>) -> io::Result<()> {
        sweep::every_hour(self.state.store.clone(), self.guest_retention);
        self.state.limits.forget_idle_every_minute();
        let timeouts = self.state.timeouts;
        serve::serve(self.listener, router(self.state), timeouts, stop).await
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
