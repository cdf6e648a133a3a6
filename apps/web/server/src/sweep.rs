//! The sweep of stale guests and expired records (`persistence::Store::sweep`): hourly in
//! a running server, once from `guestroom sweep`.

use identity::{LEEWAY, SessionPolicy};
use persistence::{Store, StoreError, SweepReport};

/// How often a running server sweeps.
const EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// One sweep: guests not seen for `guest_retention`, old attempt counts, ended sessions
/// past the longest session lifetime. A guest's token lives `guest_retention` from its
/// last re-issue, which marks it seen, and is accepted a token's leeway past that: the
/// sweep waits that minute too, so that a guest's row — a retired one's, which tells a
/// stale tab that its guest became a member — outlives every token that names it.
pub async fn sweep_once(
    store: &Store,
    guest_retention: chrono::Duration,
) -> Result<SweepReport, StoreError> {
    store.sweep(guest_retention + LEEWAY, SessionPolicy::default().absolute_lifetime).await
}

/// Sweeps every hour, starting an hour after start-up (a restart does no extra work),
/// for as long as the server runs; a failure is logged and the next hour tries again.
pub fn every_hour(store: Store, guest_retention: chrono::Duration) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
        loop {
            every.tick().await;
            match sweep_once(&store, guest_retention).await {
                Ok(report) => {
                    tracing::info!(?report, "swept");
                    for (what, count) in [
                        ("guests", report.guests),
                        ("attempts", report.attempts),
                        ("ended_sessions", report.ended_sessions),
                        ("ceremonies", report.ceremonies),
                        ("email_tokens", report.email_tokens),
                        ("device_codes", report.device_codes),
                        ("change_keys", report.change_keys),
                    ] {
                        metrics::counter!("guestroom_swept_total", "what" => what).increment(count);
                    }
                }
                Err(error) => {
                    tracing::error!(error = &error as &dyn std::error::Error, "sweep failed");
                }
            }
        }
    });
}
