//! The part of TanStack Query that leptos-fetch leaves to us: mutations.
//!
//! [`Mutation::run`] gives every change to cached data the same life:
//! 1. the cache is updated at once (optimistic), so the page answers the click;
//! 2. the server call is made, and retried with backoff when the failure is transient
//!    (a 503, or no answer for a change that is safe to repeat; see [`Retry`]) — never
//!    when the server said no;
//! 3. on failure the cache is put back as it was, and the caller shows the error;
//! 4. once settled, either way, the query is invalidated and fetched again, so what the
//!    page shows is what the server has, and other open tabs are told.

use std::{future::Future, hash::Hash, time::Duration};

use leptos::prelude::*;
use leptos_fetch::{QueryClient, QueryScope};

use crate::api::AppError;

/// How long to wait before each retry of a transient failure; its length is the number
/// of retries. About 4 s in all: long enough to ride out a restart, short enough that a
/// person is still looking at the page.
pub const BACKOFF: [Duration; 3] =
    [Duration::from_millis(250), Duration::from_millis(1_000), Duration::from_millis(3_000)];

/// Which failures a call may be repeated after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Any transient failure, a 503 or no answer at all: for reads, and for changes that
    /// come out the same when made twice (set a flag, rename, delete).
    Transient,
    /// Only a 503, where the server answered that it changed nothing: for changes that
    /// would be made twice if repeated after an answer that got lost on the way (add,
    /// undo, move one place).
    Unavailable,
}

impl Retry {
    fn allows(self, error: &AppError) -> bool {
        match self {
            Retry::Transient => error.is_transient(),
            Retry::Unavailable => matches!(error, AppError::Unavailable),
        }
    }
}

/// Calls `call` until it succeeds, fails for good, or the [`BACKOFF`] schedule runs out.
/// `sleep` is passed in so that tests can run the schedule without waiting.
pub async fn retry<T, Call, Sleep>(
    policy: Retry,
    call: impl Fn() -> Call,
    sleep: impl Fn(Duration) -> Sleep,
) -> Result<T, AppError>
where
    Call: Future<Output = Result<T, AppError>>,
    Sleep: Future<Output = ()>,
{
    let mut delays = BACKOFF.iter();
    loop {
        match call().await {
            Err(error) if policy.allows(&error) => match delays.next() {
                Some(delay) => sleep(*delay).await,
                None => return Err(error),
            },
            settled => return settled,
        }
    }
}

/// Waits without blocking, on the browser's timer.
pub async fn sleep(duration: Duration) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            // The receiver is gone only if the caller stopped waiting.
            let _ = done.send(());
        },
        duration,
    );
    let _ = wait.await;
}

/// A change to one cached query.
#[derive(Debug)]
pub struct Mutation<K: 'static, V: 'static> {
    client: QueryClient,
    scope: QueryScope<K, V>,
    key: K,
    /// How many mutations are running, up to the end of their refetch (TanStack's
    /// `useIsMutating`); the page exposes it as `data-busy`.
    in_flight: RwSignal<usize>,
}

impl<K, V> Mutation<K, V>
where
    K: std::fmt::Debug + Clone + Hash + Send + Sync + 'static,
    V: std::fmt::Debug + Clone + Send + Sync + 'static,
{
    pub fn new(
        client: QueryClient,
        scope: QueryScope<K, V>,
        key: K,
        in_flight: RwSignal<usize>,
    ) -> Self {
        Mutation { client, scope, key, in_flight }
    }

    /// Applies `optimistic` to the cached value now, then makes `call` (retried as `policy`
    /// allows) in the background. `settled` gets the outcome after a failure has been rolled back
    /// and before the query is fetched again.
    pub fn run<T, Call>(
        self,
        policy: Retry,
        optimistic: impl FnOnce(&mut V),
        call: impl Fn() -> Call + 'static,
        settled: impl FnOnce(Result<T, AppError>) + 'static,
    ) where
        T: 'static,
        Call: Future<Output = Result<T, AppError>> + 'static,
    {
        let Mutation { client, scope, key, in_flight } = self;
        in_flight.update(|n| *n += 1);
        let before = client.get_cached_query(&scope, &key);
        client.update_query(&scope, &key, |cached| {
            if let Some(cached) = cached {
                optimistic(cached);
            }
        });
        leptos::task::spawn_local(async move {
            let outcome = retry(policy, call, sleep).await;
            if outcome.is_err()
                && let Some(before) = before
            {
                client.set_query(&scope, &key, before);
            }
            settled(outcome);
            refetch(client, &scope, &key).await;
            in_flight.update(|n| *n -= 1);
            crate::sync::announce_change();
        });
    }
}

/// Fetches a query again now, even if it is fresh (it is invalidated first).
pub async fn refetch<K, V>(client: QueryClient, scope: &QueryScope<K, V>, key: &K)
where
    K: std::fmt::Debug + Clone + Hash + Send + Sync + 'static,
    V: std::fmt::Debug + Clone + Send + Sync + 'static,
{
    client.invalidate_query(scope, key);
    client.prefetch_query(scope, key).await;
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use futures::executor::block_on;

    use super::*;

    /// Runs `retry` over scripted outcomes; returns its result, the delays it slept and
    /// the number of calls.
    fn run(script: Vec<Result<u8, AppError>>) -> (Result<u8, AppError>, Vec<Duration>, usize) {
        run_with(Retry::Transient, script)
    }

    fn run_with(
        policy: Retry,
        script: Vec<Result<u8, AppError>>,
    ) -> (Result<u8, AppError>, Vec<Duration>, usize) {
        let script = RefCell::new(script.into_iter());
        let calls = Cell::new(0);
        let slept = RefCell::new(Vec::new());
        let result = block_on(retry(
            policy,
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
        let conflict = AppError::Conflict("full".into());
        assert_eq!(run(vec![Err(conflict.clone())]), (Err(conflict), vec![], 1));
        let invalid = AppError::Invalid { field: "name".into(), message: "empty".into() };
        assert_eq!(run(vec![Err(invalid.clone())]), (Err(invalid), vec![], 1));
        assert_eq!(run(vec![Err(AppError::NotFound)]), (Err(AppError::NotFound), vec![], 1));
    }

    #[test]
    fn a_transient_failure_is_retried_after_growing_delays_until_it_succeeds() {
        let script =
            vec![Err(AppError::Unavailable), Err(AppError::Unreachable("x".into())), Ok(7)];
        assert_eq!(run(script), (Ok(7), BACKOFF[..2].to_vec(), 3));
    }

    #[test]
    fn retries_stop_when_the_schedule_runs_out() {
        let script = vec![Err(AppError::Unavailable); BACKOFF.len() + 1];
        assert_eq!(run(script), (Err(AppError::Unavailable), BACKOFF.to_vec(), BACKOFF.len() + 1));
    }

    #[test]
    fn a_change_unsafe_to_repeat_is_retried_after_a_503_but_not_after_a_lost_answer() {
        let script = vec![Err(AppError::Unavailable), Ok(3)];
        assert_eq!(run_with(Retry::Unavailable, script), (Ok(3), BACKOFF[..1].to_vec(), 2));
        let lost = AppError::Unreachable("connection reset".into());
        assert_eq!(run_with(Retry::Unavailable, vec![Err(lost.clone())]), (Err(lost), vec![], 1));
    }

    #[test]
    fn a_refusal_after_a_transient_failure_ends_the_retries() {
        let script = vec![Err(AppError::Unavailable), Err(AppError::NotFound)];
        assert_eq!(run(script), (Err(AppError::NotFound), BACKOFF[..1].to_vec(), 2));
    }
}
