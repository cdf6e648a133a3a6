//! The settings that bound traffic: rate limits, the cap on requests in flight, and
//! timeouts. Defaults suit one instance on a small machine; see `docs/operations.md`.

use std::{num::NonZeroU32, time::Duration};

use super::{ConfigError, Reader};

/// Rate limits and load shedding (`server::middleware::limits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traffic {
    /// `WRITES_PER_MINUTE_PER_IP` (default 600): writes from one client address (an IPv6
    /// address counts by its /64), bursts of up to a minute's worth.
    pub writes_per_ip: NonZeroU32,
    /// `WRITES_PER_MINUTE_PER_OWNER` (default 120): writes by one guest or member.
    pub writes_per_owner: NonZeroU32,
    /// `NEW_GUESTS_PER_MINUTE_PER_IP` (default 60): requests from one address that mint a
    /// guest (no identity cookie) — what a script that makes an owner per request does.
    pub new_guests_per_ip: NonZeroU32,
    /// `MAX_REQUESTS_IN_FLIGHT` (default 512): past it, requests are answered 503 at once
    /// rather than queued; past a quarter of it from one network, too.
    pub max_in_flight: usize,
}

/// Timeouts (`server::serve`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// `HEADER_TIMEOUT_SECS` (default 10): for a request's headers, and for the body once
    /// they arrived. An idle keep-alive connection is closed after it too (the server waits
    /// for the next request's headers).
    pub header: Duration,
    /// `REQUEST_TIMEOUT_SECS` (default 30): for the whole answer; past it, 503.
    pub request: Duration,
    /// `SHUTDOWN_TIMEOUT_SECS` (default 10): on SIGTERM or Ctrl-C, requests in flight, then
    /// the mail waiting to be sent, get this long from the signal before the process exits.
    pub shutdown: Duration,
}

const PER_MINUTE: &str = "a whole number of requests per minute, at least 1";
const SECONDS: &str = "a whole number of seconds, at least 1";

impl Traffic {
    pub(super) fn read<F: Fn(&str) -> Option<String>>(
        read: &Reader<F>,
    ) -> Result<Self, ConfigError> {
        Ok(Self {
            writes_per_ip: read.parse("WRITES_PER_MINUTE_PER_IP", "600", PER_MINUTE)?,
            writes_per_owner: read.parse("WRITES_PER_MINUTE_PER_OWNER", "120", PER_MINUTE)?,
            new_guests_per_ip: read.parse("NEW_GUESTS_PER_MINUTE_PER_IP", "60", PER_MINUTE)?,
            max_in_flight: read.at_least(
                "MAX_REQUESTS_IN_FLIGHT",
                "512",
                1,
                "a whole number of requests, at least 1",
            )? as usize,
        })
    }
}

impl Timeouts {
    pub(super) fn read<F: Fn(&str) -> Option<String>>(
        read: &Reader<F>,
    ) -> Result<Self, ConfigError> {
        let seconds = |name, default| {
            read.at_least(name, default, 1, SECONDS).map(|s| Duration::from_secs(s.into()))
        };
        Ok(Self {
            header: seconds("HEADER_TIMEOUT_SECS", "10")?,
            request: seconds("REQUEST_TIMEOUT_SECS", "30")?,
            shutdown: seconds("SHUTDOWN_TIMEOUT_SECS", "10")?,
        })
    }
}
