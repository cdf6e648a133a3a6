//! What an operator sees: `/metrics` in Prometheus's text format, and the counts behind
//! it. Counters go through the `metrics` facade (any module can count without a handle);
//! `metrics-exporter-prometheus` renders them. Security events are counted from the audit
//! log itself ([`AuditCounter`]), so the log and the metrics never disagree.

use std::{net::IpAddr, sync::OnceLock, time::Instant};

use app::server::ClientIp;
use axum::{
    extract::{MatchedPath, Request, State},
    http::{
        HeaderValue, StatusCode,
        header::{AUTHORIZATION, CONTENT_TYPE},
    },
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use persistence::db;
use tracing::{
    Event, Subscriber,
    field::{Field, Visit},
};
use tracing_appender::non_blocking::ErrorCounter;
use tracing_subscriber::layer::{Context, Layer};

use crate::state::AppState;

const LATENCY: &str = "guestroom_http_request_duration_seconds";

/// The log writer's count of lines it dropped because stderr did not keep up
/// (`telemetry`), read at each scrape.
static DROPPED_LINES: OnceLock<ErrorCounter> = OnceLock::new();

/// Counts, from now on, the lines the log writer drops (once per process: the first
/// writer's).
pub fn count_dropped_lines(counter: ErrorCounter) {
    let _ = DROPPED_LINES.set(counter);
}

/// From a millisecond to ten seconds (the request timeout is longer; slower is "+Inf").
const LATENCY_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process's recorder, installed on first use. One per process: the tests build many
/// applications in one and they share it (counts add up across them).
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let builder = builder
                .set_buckets_for_metric(Matcher::Full(LATENCY.to_owned()), &LATENCY_BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics will be empty");
            }
            handle
        })
        .clone()
}

/// Drains the recorded histogram samples into their buckets every five seconds. Without
/// it they pile up between scrapes, eight bytes a request, and a soak with nobody scraping
/// grew the process steadily (bench/RESULTS.md, "Figures behind the code's choices").
pub fn upkeep_every_few_seconds(handle: PrometheusHandle) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            every.tick().await;
            handle.run_upkeep();
        }
    });
}

/// Counts every request by route and status, and times it. The route is the pattern it
/// matched (`/api/add_avatar`, `/pkg/{*rest}`), or `unmatched`: never the raw path, which
/// a client could vary without end.
pub async fn measure(request: Request, next: impl AsyncFnOnce(Request) -> Response) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next(request).await;
    let elapsed = started.elapsed().as_secs_f64();
    let status = response.status().as_u16().to_string();
    metrics::counter!("guestroom_http_requests_total", "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(LATENCY, "route" => route).record(elapsed);
    response
}

/// `GET /metrics`. Answered to clients on this machine, or to a request that carries
/// `METRICS_TOKEN` as a bearer token; anyone else gets 404, as if there were none.
pub async fn scrape(State(state): State<AppState>, request: Request) -> Response {
    let local = request.extensions().get::<ClientIp>().is_some_and(|ClientIp(ip)| is_local(*ip));
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok()?.strip_prefix("Bearer "));
    let authorised = match (&state.metrics_token, presented) {
        (Some(token), Some(presented)) => same(token.expose().as_bytes(), presented.as_bytes()),
        _ => false,
    };
    if !(local || authorised) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (open, idle) = db::pool_usage(state.store.connection());
    let in_use = f64::from(open) - idle as f64;
    metrics::gauge!("guestroom_db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("guestroom_db_pool_connections", "state" => "in_use").set(in_use);
    let dropped = DROPPED_LINES.get().map_or(0, ErrorCounter::dropped_lines);
    metrics::counter!("guestroom_log_lines_dropped_total").absolute(dropped as u64);
    crate::mail::publish_counts(&state.outbox);
    state.metrics.run_upkeep();
    let text = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    ([(CONTENT_TYPE, text)], state.metrics.render()).into_response()
}

fn is_local(ip: IpAddr) -> bool {
    ip.is_loopback() || ip.to_canonical().is_loopback()
}

/// Whether two byte strings are equal, in time that depends only on their lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// A tracing layer that counts audit events (`identity::audit`) by event and outcome:
/// `guestroom_security_events_total{event="sign_in",outcome="wrong_credentials"}`.
#[derive(Debug, Default)]
pub struct AuditCounter;

impl<S: Subscriber> Layer<S> for AuditCounter {
    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        if event.metadata().target() != identity::audit::TARGET {
            return;
        }
        let mut fields = AuditFields::default();
        event.record(&mut fields);
        metrics::counter!(
            "guestroom_security_events_total",
            "event" => fields.event,
            "outcome" => fields.outcome
        )
        .increment(1);
    }
}

/// The two fields an audit event is counted by.
#[derive(Default)]
struct AuditFields {
    event: String,
    outcome: String,
}

impl Visit for AuditFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "event" => value.clone_into(&mut self.event),
            "outcome" => value.clone_into(&mut self.outcome),
            _ => {}
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"s3cret-token", b"s3cret-token"));
        assert!(!same(b"s3cret-token", b"s3cret-tokem"));
        assert!(!same(b"s3cret-token", b"s3cret"));
        assert!(!same(b"", b"x"));
    }

    #[test]
    fn loopback_is_local_in_either_family() {
        for local in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert!(is_local(local.parse().expect("address")), "{local}");
        }
        assert!(!is_local("192.0.2.1".parse().expect("address")));
    }
}
