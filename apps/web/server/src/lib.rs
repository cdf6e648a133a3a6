//! Guestroom's server: configuration, start-up and the axum router.
//!
//! `main` only reads the configuration and calls [`startup::Application::build`]; the
//! integration tests build the very same application on port 0.

/// Answering 503 at once while the database is down.
pub mod breaker;
/// The browser bundle: its names and its files.
pub mod bundle;
/// `guestroom migrate …`: the migration command line.
pub mod cli;
/// Settings from environment variables.
pub mod config;
/// Refusals answered before the app runs (unknown hosts, oversized bodies, deadlines).
pub mod edge;
/// Security headers on every response.
pub mod headers;
/// Rate limits and load shedding.
pub mod limits;
/// `/metrics` and the counts behind it.
pub mod observe;
/// Sign-in with passkeys: the ceremonies' JSON endpoints.
pub mod passkeys;
/// The server's own paths, declared once.
pub mod paths;
/// Sign-in with OpenID Connect providers: identity's endpoints at our paths and pages.
pub mod providers;
/// The router: the app's routes, the bundle, health checks and metrics, and the layers.
pub mod router;
/// Serving connections, with timeouts and a shutdown deadline.
pub mod serve;
/// Building the application from its configuration, and serving it.
pub mod startup;
/// The application's state: what handlers and layers reach.
pub mod state;
/// The sweep of stale guests and expired records.
pub mod sweep;
/// Structured logging.
pub mod telemetry;
