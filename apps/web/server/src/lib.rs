//! Guestroom's server: configuration, start-up and the axum router.
//!
//! `main` only reads the configuration and calls [`startup::Application::build`]; the
//! integration tests build the very same application on port 0.

/// `guestroom migrate …`: the migration command line.
pub mod cli;
/// Settings from environment variables.
pub mod config;
/// Refusals answered before the app runs (oversized bodies).
pub mod edge;
/// Security headers on every response.
pub mod headers;
/// The application builder, the router and the health endpoints.
pub mod startup;
/// The sweep of stale guests and expired records.
pub mod sweep;
/// Structured logging.
pub mod telemetry;
