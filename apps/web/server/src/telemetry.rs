use std::io::IsTerminal;

use tracing::Level;
use tracing_subscriber::{
    EnvFilter, Layer,
    filter::{FilterExt, Targets, filter_fn},
    fmt,
    layer::SubscriberExt,
    util::SubscriberInitExt,
};

use crate::{
    config::{Config, LogFormat},
    observe::AuditCounter,
};

/// Installs the process-wide tracing subscriber. Call once, from `main`.
///
/// - Logs: human-readable or JSON lines on stderr (`LOG_FORMAT`), filtered by `RUST_LOG`.
/// - The audit log (`identity::audit`, target `audit`): JSON lines on stderr whatever the
///   format and filter, so security events are always kept and always machine-readable.
/// - Audit events are also counted for `/metrics` ([`AuditCounter`]).
pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let not_audit = filter_fn(|metadata| metadata.target() != identity::audit::TARGET);
    let audit = || Targets::new().with_target(identity::audit::TARGET, Level::INFO);
    let logs = fmt::layer().with_writer(std::io::stderr);
    let logs = match config.log_format {
        // Colour codes only for a person at a terminal, never in files or pipes.
        LogFormat::Pretty => logs.with_ansi(std::io::stderr().is_terminal()).boxed(),
        LogFormat::Json => logs.json().boxed(),
    };
    tracing_subscriber::registry()
        .with(logs.with_filter(filter.and(not_audit)))
        .with(fmt::layer().json().with_writer(std::io::stderr).with_filter(audit()))
        .with(AuditCounter.with_filter(audit()))
        .init();
}
