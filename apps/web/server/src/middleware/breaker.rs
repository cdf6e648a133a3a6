//! A circuit breaker on the database. While it is down, each request would wait out the
//! pool's acquire timeout (3 s, sqlx retrying the refused connection) before its 503; with
//! the breaker, the first such failure has the database pinged, and once it does not
//! answer every request that needs it is answered 503 at once, until a ping (every
//! 250 ms meanwhile) succeeds again. Nothing is restarted: the pool reconnects by itself.
//! The pings go through a connection of their own (`db::connect_probe`), not the main
//! pool: a pool busy under load is not a database that does not answer. It is opened at
//! the first ping, not at start-up: most runs never ping, and opening it cost every start
//! a connection (bench/RESULTS.md).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::error::ApiError;
use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header::RETRY_AFTER},
    response::Response,
};
use persistence::db::{self, DatabaseConnection};
use tokio::sync::OnceCell;

use super::edge;
use crate::{config::DatabaseUrl, paths};

/// How long a ping may take before the database counts as not answering.
const PING_TIMEOUT: Duration = Duration::from_secs(1);
/// How often an open breaker pings.
const PING_EVERY: Duration = Duration::from_millis(250);

/// The breaker's state, shared by every request. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Breaker {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The database the probe connects to.
    url: DatabaseUrl,
    /// The breaker's own connection to the database (`db::connect_probe`), once pinged.
    probe: OnceCell<DatabaseConnection>,
    /// The database did not answer its last ping: refuse at once.
    open: AtomicBool,
    /// A probe is running (one at a time).
    probing: AtomicBool,
}

impl Breaker {
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            inner: Arc::new(Inner {
                url,
                probe: OnceCell::new(),
                open: AtomicBool::new(false),
                probing: AtomicBool::new(false),
            }),
        }
    }

    /// Whether requests are being refused because the database does not answer.
    pub fn is_open(&self) -> bool {
        self.inner.open.load(Ordering::Acquire)
    }

    /// Whether the database is being pinged (the breaker is deciding, or open).
    pub fn is_probing(&self) -> bool {
        self.inner.probing.load(Ordering::Acquire)
    }

    /// A request failed as if the database were down: ping it (once, in the background),
    /// open the breaker while it does not answer, close it when it does.
    fn suspect(&self) {
        if self.inner.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        let breaker = self.clone();
        tokio::spawn(async move {
            while !breaker.database_answers().await {
                if !breaker.inner.open.swap(true, Ordering::AcqRel) {
                    tracing::error!("the database does not answer: refusing requests with 503");
                    metrics::counter!("guestroom_database_outages_total").increment(1);
                }
                tokio::time::sleep(PING_EVERY).await;
            }
            if breaker.inner.open.swap(false, Ordering::AcqRel) {
                tracing::warn!("the database answers again: serving");
            }
            breaker.inner.probing.store(false, Ordering::Release);
        });
    }

    /// Whether the database answers a ping within a second, on the breaker's own
    /// connection (so whatever load the main pool is under). A probe that cannot be
    /// opened is a database that does not answer; the next ping tries again.
    async fn database_answers(&self) -> bool {
        let ping = async {
            let url = self.inner.url.expose();
            let probe = self.inner.probe.get_or_try_init(|| db::connect_probe(url)).await?;
            db::ping(probe).await
        };
        matches!(tokio::time::timeout(PING_TIMEOUT, ping).await, Ok(Ok(())))
    }
}

/// The breaker before a request, outside the identity layer (whose session checks read the
/// database too). Open: 503 with `Retry-After: 5` and the typed error. Closed: the
/// request goes on, and a 503 coming back has the database checked.
pub async fn guard(
    breaker: &Breaker,
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let path = request.uri().path();
    if paths::ANONYMOUS.iter().any(|prefix| path.starts_with(prefix)) {
        return next(request).await;
    }
    if breaker.is_open() {
        let mut response = edge::refusal(request.headers(), ApiError::Unavailable);
        response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("5"));
        return response;
    }
    let response = next(request).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        breaker.suspect();
    }
    response
}
