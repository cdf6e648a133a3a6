//! Repeating a call after a transient failure: a read on a fixed schedule, a change until
//! it is answered.

use std::{cell::RefCell, future::Future, time::Duration};

use futures::channel::oneshot;
use leptos::prelude::set_timeout;

use crate::error::{ApiError, Conflict};

/// How long to wait before each retry of a transient failure; its length is the number
/// of retries. About 4 s in all: long enough to ride out a restart, short enough that a
/// person is still looking at the page.
pub const BACKOFF: [Duration; 3] =
    [Duration::from_millis(250), Duration::from_millis(1_000), Duration::from_millis(3_000)];

/// How long a change waits between tries once the [`BACKOFF`] has run out: how soon a
/// connection back is noticed when the browser does not say so (a server that was
/// unreachable, a network that came back without an `online` event).
const PROBE_EVERY: Duration = Duration::from_secs(5);

thread_local! {
    /// The change waiting to be tried again, woken when the browser is back online.
    static WAITING: RefCell<Vec<oneshot::Sender<()>>> = const { RefCell::new(Vec::new()) };
}

/// What the retry policy needs to know of a failure.
pub trait Failure {
    /// The same request may well succeed in a moment (a 503, or no answer at all).
    fn is_transient(&self) -> bool;
    /// The request's identity is over (a revoked session, or a change refused as made
    /// for another identity): the browser's cookies no longer name the viewer this page
    /// was rendered for.
    fn ends_identity(&self) -> bool;
}

impl Failure for ApiError {
    fn is_transient(&self) -> bool {
        ApiError::is_transient(self)
    }

    fn ends_identity(&self) -> bool {
        matches!(self, ApiError::SignedOut | ApiError::Conflict(Conflict::MadeByAnother))
    }
}

/// Calls `call` until it succeeds, fails for good, or the [`BACKOFF`] schedule runs out:
/// for reads, which are safe to repeat. (Changes are repeated with their idempotency key
/// for as long as the page is open: `mutation`.)
/// `sleep` is passed in so that tests can run the schedule without waiting.
pub async fn retry<T, E, Call, Sleep>(
    call: impl Fn() -> Call,
    sleep: impl Fn(Duration) -> Sleep,
) -> Result<T, E>
where
    E: Failure,
    Call: Future<Output = Result<T, E>>,
    Sleep: Future<Output = ()>,
{
    let mut delays = BACKOFF.iter();
    loop {
        match call().await {
            Err(error) if error.is_transient() => match delays.next() {
                Some(delay) => sleep(*delay).await,
                None => return Err(error),
            },
            settled => return settled,
        }
    }
}

/// A change's wait before its try after `tries` failed ones: the [`BACKOFF`], then
/// [`PROBE_EVERY`], cut short when the browser is back online ([`wake`], which the timer
/// calls too: one change waits at a time, and an early try is harmless).
pub async fn pause(tries: usize) {
    let delay = BACKOFF.get(tries).copied().unwrap_or(PROBE_EVERY);
    let (wake_me, woken) = oneshot::channel();
    WAITING.with_borrow_mut(|waiting| waiting.push(wake_me));
    set_timeout(wake, delay);
    let _ = woken.await;
}

/// The browser is back online: the change waiting for the connection is sent now.
pub fn wake() {
    for waiting in WAITING.take() {
        let _ = waiting.send(());
    }
}

/// Waits without blocking, on the browser's timer.
pub async fn sleep(duration: Duration) {
    let (done, wait) = oneshot::channel::<()>();
    set_timeout(
        move || {
            // The receiver is gone only if the caller stopped waiting.
            let _ = done.send(());
        },
        duration,
    );
    let _ = wait.await;
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use futures::executor::block_on;

    use super::*;

    type Outcome = Result<u8, ApiError>;

    /// Runs `retry` over scripted outcomes; returns its result, the delays it slept and
    /// the number of calls.
    fn run(script: Vec<Outcome>) -> (Outcome, Vec<Duration>, usize) {
        let script = RefCell::new(script.into_iter());
        let calls = Cell::new(0);
        let slept = RefCell::new(Vec::new());
        let result = block_on(retry(
            || {
                calls.set(calls.get() + 1);
                let next = script.borrow_mut().next().expect("script long enough");
                async move { next }
            },
            |delay| {
                slept.borrow_mut().push(delay);
                async {}
            },
        ));
        (result, slept.into_inner(), calls.get())
    }

    #[test]
    fn a_success_is_not_retried() {
        assert_eq!(run(vec![Ok(1)]), (Ok(1), vec![], 1));
    }

    #[test]
    fn a_refusal_is_not_retried() {
        for refusal in [
            ApiError::Conflict(Conflict::AvatarLimit { limit: 3 }),
            ApiError::NotFound,
            ApiError::SignedOut,
            ApiError::Forbidden,
            ApiError::TooLarge,
            ApiError::TooManyRequests { retry_after: Some(5) },
        ] {
            assert_eq!(run(vec![Err(refusal.clone())]), (Err(refusal), vec![], 1));
        }
    }

    #[test]
    fn a_transient_failure_is_retried_after_growing_delays_until_it_succeeds() {
        let script = vec![Err(ApiError::Unavailable), Err(ApiError::Unreachable), Ok(7)];
        assert_eq!(run(script), (Ok(7), BACKOFF[..2].to_vec(), 3));
    }

    #[test]
    fn retries_stop_when_the_schedule_runs_out() {
        let script = vec![Err(ApiError::Unavailable); BACKOFF.len() + 1];
        assert_eq!(run(script), (Err(ApiError::Unavailable), BACKOFF.to_vec(), BACKOFF.len() + 1));
    }

    #[test]
    fn a_refusal_after_a_transient_failure_ends_the_retries() {
        let script = vec![Err(ApiError::Unavailable), Err(ApiError::NotFound)];
        assert_eq!(run(script), (Err(ApiError::NotFound), BACKOFF[..1].to_vec(), 2));
    }
}
