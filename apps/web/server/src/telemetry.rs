use std::io::IsTerminal;

use tracing::Level;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::{
    EnvFilter, Layer,
    filter::{FilterExt, Targets, filter_fn},
    fmt,
    layer::SubscriberExt,
    util::SubscriberInitExt,
};

use crate::{
    config::{Config, LogFormat},
    observe::{self, AuditCounter},
};

/// How many lines may wait for stderr before new ones are dropped (and counted). The
/// buffer is allocated and written whole at start-up, so a large one costs every start and
/// the idle server's memory (bench/RESULTS.md, "The start: a smaller log buffer").
const BUFFERED_LINES: usize = 8 * 1024;

/// Installs the process-wide tracing subscriber. Call once, from `main`, and keep the
/// guard until exit: dropping it flushes what is still buffered.
///
/// - Logs: human-readable or JSON lines on stderr (`LOG_FORMAT`), filtered by `RUST_LOG`.
/// - The audit log (`identity::audit`, target `audit`): JSON lines on stderr whatever the
///   format and filter, so security events are always kept and always machine-readable.
/// - Audit events are also counted for `/metrics` ([`AuditCounter`]), so a count survives
///   even a dropped line.
///
/// Both are written by a thread of their own through a bounded buffer: a stderr that
/// stops draining (a full pipe, a stuck log shipper) once blocked the workers that log,
/// and with them the whole server. Now lines beyond the buffer are dropped and counted
/// (`guestroom_log_lines_dropped_total`).
pub fn init(config: &Config) -> WorkerGuard {
    let (stderr, guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(BUFFERED_LINES)
        .thread_name("guestroom-log")
        .finish(std::io::stderr());
    observe::count_dropped_lines(stderr.error_counter());
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let not_audit = filter_fn(|metadata| metadata.target() != identity::audit::TARGET);
    let audit = || Targets::new().with_target(identity::audit::TARGET, Level::INFO);
    let logs = fmt::layer().with_writer(stderr.clone());
    let logs = match config.log_format {
        // Colour codes only for a person at a terminal, never in files or pipes.
        LogFormat::Pretty => logs.with_ansi(std::io::stderr().is_terminal()).boxed(),
        LogFormat::Json => logs.json().boxed(),
    };
    tracing_subscriber::registry()
        .with(logs.with_filter(filter.and(not_audit)))
        .with(fmt::layer().json().with_writer(stderr).with_filter(audit()))
        .with(AuditCounter.with_filter(audit()))
        .init();
    guard
}
