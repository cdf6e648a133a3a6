//! Rate limits and load shedding: what keeps one client, or a flood, from taking the
//! server and its database away from everyone else.
//!
//! **Where the buckets live.** In this process's memory (`governor`'s GCRA buckets, one
//! atomic per key). They guard this instance's CPU and the writes it sends to the
//! database, and cost nothing per request; with several instances behind a load balancer
//! a client gets each instance's budget (three instances, three times the writes). The
//! limit that must hold across instances — guesses at a password — lives in the database
//! instead (`identity::account::limits`, the `attempts` table), where the total counts.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc, time::Duration};

use app::{error::ApiError, server::ClientIp};
use axum::{
    extract::Request,
    http::{HeaderValue, Method, header::RETRY_AFTER},
    response::Response,
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use identity::{NewGuest, OwnerId, Shares, Viewer};
use tokio::sync::Semaphore;

use super::edge;
use crate::{config::Traffic, paths};

/// One bucket per key, refilled at a steady rate, a minute's worth at most.
#[derive(Debug)]
struct Buckets<K: std::hash::Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    name: &'static str,
}

impl<K: std::hash::Hash + Eq + Clone> Buckets<K> {
    fn per_minute(name: &'static str, quota: NonZeroU32) -> Self {
        Self { limiter: RateLimiter::keyed(Quota::per_minute(quota)), name }
    }

    /// `Ok` when `key` has a token left (and takes it), else how long until it has one.
    fn take(&self, key: &K) -> Result<(), Refused> {
        self.limiter.check_key(key).map_err(|not_until| Refused {
            limit: self.name,
            retry_after: not_until.wait_time_from(self.limiter.clock().now()),
        })
    }

    /// Forgets keys whose bucket is full again, so memory follows the active clients.
    fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Which limit refused, and when to try again.
#[derive(Debug)]
struct Refused {
    limit: &'static str,
    retry_after: Duration,
}

/// The traffic limits of one instance. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Limits {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    writes_per_ip: Buckets<IpAddr>,
    writes_per_owner: Buckets<OwnerId>,
    new_guests_per_ip: Buckets<IpAddr>,
    in_flight: Arc<Semaphore>,
    /// A quarter of the places in flight per network, so that one network's burst (600
    /// sign-ins at once from one /64) cannot take every place from everyone else.
    in_flight_per_network: Shares,
}

impl Limits {
    /// How many more requests may be in flight before one is shed.
    pub fn places_left(&self) -> usize {
        self.inner.in_flight.available_permits()
    }

    pub fn new(traffic: &Traffic) -> Self {
        Self {
            inner: Arc::new(Inner {
                writes_per_ip: Buckets::per_minute("writes_per_ip", traffic.writes_per_ip),
                writes_per_owner: Buckets::per_minute("writes_per_owner", traffic.writes_per_owner),
                new_guests_per_ip: Buckets::per_minute(
                    "new_guests_per_ip",
                    traffic.new_guests_per_ip,
                ),
                in_flight: Arc::new(Semaphore::new(traffic.max_in_flight)),
                in_flight_per_network: Shares::new(traffic.max_in_flight / 4),
            }),
        }
    }

    /// Drops the buckets of clients that went quiet; run every minute.
    pub fn forget_idle(&self) {
        let inner = &self.inner;
        inner.writes_per_ip.forget_idle();
        inner.writes_per_owner.forget_idle();
        inner.new_guests_per_ip.forget_idle();
    }

    /// [`Limits::forget_idle`] every minute, in the background, for as long as the
    /// process runs.
    pub fn forget_idle_every_minute(&self) {
        let limits = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                limits.forget_idle();
            }
        });
    }

    /// Whether this request may go on, before anything knows who sends it: a write
    /// takes from its address's bucket (an IPv6 address counts by its /64).
    fn admit_address(&self, request: &Request) -> Result<(), Refused> {
        let client = request.extensions().get::<ClientIp>();
        match client {
            Some(ClientIp(ip)) if !only_reads(request) => {
                self.inner.writes_per_ip.take(&identity::network(*ip))
            }
            _ => Ok(()),
        }
    }

    /// Whether this request may go on, now that the viewer is known: a write takes from
    /// its owner's bucket and, when it mints a guest, from its address's new-guest bucket.
    /// A read that mints a guest is not refused: a guest stores nothing until it writes,
    /// so an office or a crawler behind one address still gets its pages.
    fn admit_viewer(&self, request: &Request) -> Result<(), Refused> {
        let inner = &self.inner;
        let extensions = request.extensions();
        let mints = extensions.get::<NewGuest>().is_some();
        if !only_reads(request) {
            if let (true, Some(ClientIp(ip))) = (mints, extensions.get::<ClientIp>()) {
                inner.new_guests_per_ip.take(&identity::network(*ip))?;
            }
            if let Some(viewer) = extensions.get::<Viewer>() {
                inner.writes_per_owner.take(&viewer.owner_id())?;
            }
        }
        if mints {
            metrics::counter!("guestroom_guests_minted_total").increment(1);
        }
        Ok(())
    }
}

/// Server functions that only read, though called by POST (the default of Leptos's
/// server functions): not writes, so not in the write buckets.
const READS_BY_POST: [&str; 1] = ["/api/roster/list"];

/// Whether the request changes nothing: a safe method, or a read by POST.
fn only_reads(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || READS_BY_POST.contains(&request.uri().path())
}

/// The per-address rate limit, outside the identity layer: a flood of writes is refused
/// before anything reads the database for it (a member session's revocation check, an
/// audit line for each refusal).
pub async fn throttle_addresses(
    limits: &Limits,
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    match limits.admit_address(&request) {
        Ok(()) => next(request).await,
        Err(refused) => too_many(&request, &refused),
    }
}

/// The rate limits that need the viewer and whether this request minted it, inside the
/// identity layer.
pub async fn throttle(
    limits: &Limits,
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    match limits.admit_viewer(&request) {
        Ok(()) => next(request).await,
        Err(refused) => too_many(&request, &refused),
    }
}

/// Over a limit: 429 with `Retry-After` and the typed error, an audit line, and no guest
/// minted (the identity layer sets no cookie on a 429).
fn too_many(request: &Request, refused: &Refused) -> Response {
    // Rounded up: "try again in 0 seconds" would invite the same refusal.
    let seconds = refused.retry_after.as_secs() + 1;
    let client = request.extensions().get::<ClientIp>().map(|ClientIp(ip)| *ip);
    metrics::counter!("guestroom_rate_limited_total", "limit" => refused.limit).increment(1);
    tracing::info!(
        target: identity::audit::TARGET,
        event = "rate_limit",
        outcome = "refused",
        limit = refused.limit,
        client = client.map(tracing::field::display),
    );
    edge::refusal(request.headers(), ApiError::TooManyRequests { retry_after: Some(seconds) })
}

/// Load shedding: at most `MAX_REQUESTS_IN_FLIGHT` requests are served at once, and at
/// most a quarter of them from one network (an IPv4 address, an IPv6 /64); one more is
/// answered 503 with `Retry-After: 1` straight away, so a flood meets fast refusals
/// instead of a queue that grows until everything times out, and one network's flood
/// leaves places for everyone else. The health checks are never shed: a load balancer
/// must still see the process alive. Inside `client::client_address`, which names the
/// network.
pub async fn shed_load(
    limits: &Limits,
    request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    if [paths::HEALTHZ, paths::READYZ].contains(&request.uri().path()) {
        return next(request).await;
    }
    let client = request.extensions().get::<ClientIp>().map(|ClientIp(ip)| *ip);
    let Some(_share) = limits.inner.in_flight_per_network.take(client) else {
        return shed(&request);
    };
    let Ok(_permit) = limits.inner.in_flight.try_acquire() else {
        return shed(&request);
    };
    next(request).await
}

/// 503 with `Retry-After: 1`, counted.
fn shed(request: &Request) -> Response {
    metrics::counter!("guestroom_requests_shed_total").increment(1);
    let mut response = edge::refusal(request.headers(), ApiError::Unavailable);
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
