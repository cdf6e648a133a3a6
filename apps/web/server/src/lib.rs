//! Guestroom's server: configuration, start-up and the axum router.
//!
//! `main` only reads the configuration and calls [`startup::Application::build`]; the
//! integration tests build the very same application on port 0.

/// The browser bundle: its names and its files.
pub mod bundle;
/// `guestroom migrate …`: the migration command line.
pub mod cli;
/// Settings from environment variables.
pub mod config;
/// Mail: the outbox and the account rules that send through it.
pub mod mail;
/// The layers around the app: refusals at the edge, security headers, rate limits and
/// load shedding, the database breaker.
pub mod middleware;
/// `/metrics` and the counts behind it.
pub mod observe;
/// The app's pages, each written in one pass and sent with its length.
mod pages;
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
