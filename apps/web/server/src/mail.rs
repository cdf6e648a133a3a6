//! The email channel's wiring: the outbox (over `SMTP_URL`, or `.eml` files under
//! `MAIL_OUTBOX` in development) and the account rules that send through it, with links
//! to `PUBLIC_ORIGIN` or, without one, to the address the server listens on.

use std::{net::SocketAddr, sync::Arc, sync::atomic::Ordering, time::Duration};

use identity::{
    Clock,
    account::Accounts,
    email::{EmailAccounts, Links, Outbox, OutboxOptions, Transport},
};
use persistence::Store;
use tokio::time::Instant;

use crate::{config::Config, paths};

/// How long one step of talking to the SMTP server may take before the try fails.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the outbox and returns the rules that mail through it, and the outbox (for its
/// counts).
pub fn start(
    config: &Config,
    accounts: Accounts<Store>,
    address: SocketAddr,
    clock: Arc<dyn Clock>,
) -> Result<(EmailAccounts<Store>, Outbox), String> {
    let settings = &config.mail;
    let transport = match &settings.smtp_url {
        Some(url) => Transport::smtp(url.expose(), &settings.from, SMTP_TIMEOUT),
        None => Transport::files(settings.outbox.clone(), &settings.from),
    }
    .map_err(|error| error.to_string())?;
    let outbox = Outbox::start(transport, OutboxOptions::default());
    let origin = config.public_origin.clone().unwrap_or_else(|| match address.ip() {
        ip if ip.is_unspecified() => format!("http://localhost:{}", address.port()),
        _ => format!("http://{address}"),
    });
    let links = Links {
        origin,
        reset_path: paths::RESET_PASSWORD.to_owned(),
        forgot_path: paths::FORGOT_PASSWORD.to_owned(),
        verify_path: paths::VERIFY_EMAIL.to_owned(),
        sign_in_path: paths::SIGN_IN_LINK.to_owned(),
        change_email_path: paths::CHANGE_EMAIL.to_owned(),
    };
    let mail = EmailAccounts::new(accounts, Arc::new(outbox.clone()), links, clock);
    Ok((mail, outbox))
}

/// Waits, until `deadline`, for the mail already taken to be sent or given up: at
/// shutdown, so that a person told a link is on its way (a reset, a confirmation) still
/// gets it when the server restarts just then.
pub async fn settle(outbox: &Outbox, deadline: Instant) {
    if outbox.unsettled() == 0 {
        return;
    }
    tracing::info!(waiting = outbox.unsettled(), "shutting down: sending the mail still waiting");
    if tokio::time::timeout_at(deadline, outbox.settled()).await.is_err() {
        tracing::warn!(
            unsent = outbox.unsettled(),
            "mail still unsent at the shutdown deadline; exiting anyway"
        );
    }
}

/// The outbox's counts as `guestroom_mail_total{outcome}`, brought up to date for a
/// `/metrics` answer.
pub fn publish_counts(outbox: &Outbox) {
    let counts = outbox.counts();
    for (outcome, count) in [
        ("sent", &counts.sent),
        ("retried", &counts.retried),
        ("dead", &counts.dead),
        ("refused", &counts.refused),
    ] {
        metrics::counter!("guestroom_mail_total", "outcome" => outcome)
            .absolute(count.load(Ordering::Relaxed));
    }
}
