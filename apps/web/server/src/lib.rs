//! Guestroom's server: configuration, start-up and the axum router.
//!
//! `main` only reads the configuration and calls [`startup::Application::build`]; the
//! integration tests build the very same application on port 0.

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
/// Serving connections, with timeouts and a shutdown deadline.
pub mod serve;
/// The application builder, the router and the health endpoints.
pub mod startup;
/// The sweep of stale guests and expired records.
pub mod sweep;
/// Structured logging.
pub mod telemetry;
