//! The part of TanStack Query that leptos-fetch leaves to us: mutations.
//!
//! [`Mutation::run`] gives every change to cached data the same life:
//! 1. the cache is updated at once (optimistic), so the page answers the click;
//! 2. the server call is made, and retried with backoff when the failure is transient
//!    (a 503, or no answer for a change that is safe to repeat; see [`Retry`]) — never
//!    when the server said no;
//! 3. on failure the cache is put back as it was, and the caller shows the error;
//! 4. once settled, either way, the query is invalidated and fetched again, so what the
//!    page shows is what the server has, and other open tabs are told — unless the
//!    failure ended the identity (a revoked session): then nothing more is fetched into
//!    this page, which was rendered for a viewer the cookies no longer name.

use std::{future::Future, hash::Hash, rc::Rc};

use futures::future::{FutureExt, LocalBoxFuture};
use leptos::prelude::*;
use leptos_fetch::{QueryClient, QueryScope};

use super::retry::{Failure, Retry, retry, sleep};

/// What a page can show of its mutations.
#[derive(Clone, Copy, Debug)]
pub struct Activity {
    /// How many mutations are running, up to the end of their refetch (TanStack's
    /// `useIsMutating`); a page can expose it (the roster's `data-busy`).
    pub in_flight: RwSignal<usize>,
    /// How many of them failed for a moment and wait to be tried again (no answer, a
    /// 503): the page says that they are not saved yet, rather than nothing until the
    /// retries give up.
    pub retrying: RwSignal<usize>,
}

impl Activity {
    pub fn new() -> Self {
        Activity { in_flight: RwSignal::new(0), retrying: RwSignal::new(0) }
    }
}

impl Default for Activity {
    fn default() -> Self {
        Self::new()
    }
}

/// A change to one cached query.
#[derive(Debug)]
pub struct Mutation<K: 'static, V: 'static> {
    client: QueryClient,
    scope: QueryScope<K, V>,
    key: K,
    activity: Activity,
}

impl<K, V> Mutation<K, V>
where
    K: std::fmt::Debug + Clone + Hash + Send + Sync + 'static,
    V: std::fmt::Debug + Clone + Send + Sync + 'static,
{
    pub fn new(client: QueryClient, scope: QueryScope<K, V>, key: K, activity: Activity) -> Self {
        Mutation { client, scope, key, activity }
    }

    /// Applies `optimistic` to the cached value now, then makes `call` (retried as
    /// `policy` allows) in the background. `settled` gets the outcome after a failure has
    /// been rolled back and before the query is fetched again.
    pub fn run<T, E, Call>(
        self,
        policy: Retry,
        optimistic: impl FnOnce(&mut V),
        call: impl Fn() -> Call + 'static,
        settled: impl FnOnce(Result<T, E>) + 'static,
    ) where
        T: 'static,
        E: Failure + 'static,
        Call: Future<Output = Result<T, E>> + 'static,
    {
        let Mutation { client, scope, key, activity } = self;
        activity.in_flight.update(|n| *n += 1);
        let before = client.get_cached_query(&scope, &key);
        client.update_query(&scope, &key, |cached| {
            if let Some(cached) = cached {
                optimistic(cached);
            }
        });
        // Boxed here, so the background part below is compiled once per result type
        // rather than once per kind of change (the bundle's weight budget).
        let call: Rc<dyn Fn() -> LocalBoxFuture<'static, Result<T, E>>> =
            Rc::new(move || call().boxed_local());
        let change = Change { client, scope, key, activity, before };
        change.spawn(policy, call, Box::new(settled));
    }
}

/// A change whose optimistic edit is made: what is left to do in the background.
struct Change<K: 'static, V: 'static> {
    client: QueryClient,
    scope: QueryScope<K, V>,
    key: K,
    activity: Activity,
    /// The cached value before the optimistic edit, to roll back to.
    before: Option<V>,
}

impl<K, V> Change<K, V>
where
    K: std::fmt::Debug + Clone + Hash + Send + Sync + 'static,
    V: std::fmt::Debug + Clone + Send + Sync + 'static,
{
    fn spawn<T: 'static, E: Failure + 'static>(
        self,
        policy: Retry,
        call: Rc<dyn Fn() -> LocalBoxFuture<'static, Result<T, E>>>,
        settled: Box<dyn FnOnce(Result<T, E>)>,
    ) {
        let Change { client, scope, key, activity, before } = self;
        leptos::task::spawn_local(async move {
            // Counted as retrying from its first wait until it settles.
            let waited = std::cell::Cell::new(false);
            let wait = |delay| {
                if !waited.replace(true) {
                    activity.retrying.update(|n| *n += 1);
                }
                sleep(delay)
            };
            let outcome = retry(policy, || call(), wait).await;
            if waited.get() {
                activity.retrying.update(|n| *n -= 1);
            }
            let ended = matches!(&outcome, Err(error) if error.ends_identity());
            if outcome.is_err()
                && let Some(before) = before
            {
                client.set_query(&scope, &key, before);
            }
            settled(outcome);
            finish(client, scope, key, activity.in_flight, ended).await;
        });
    }
}

/// The end of every mutation of a query: fetch it again and tell the other tabs, unless
/// the identity ended. Not generic over the call, so the browser bundle holds it once per
/// query rather than once per kind of change.
async fn finish<K, V>(
    client: QueryClient,
    scope: QueryScope<K, V>,
    key: K,
    in_flight: RwSignal<usize>,
    ended: bool,
) where
    K: std::fmt::Debug + Clone + Hash + Send + Sync + 'static,
    V: std::fmt::Debug + Clone + Send + Sync + 'static,
{
    if ended {
        super::sync::identity_ended();
    } else {
        refetch(client, &scope, &key).await;
    }
    in_flight.update(|n| *n -= 1);
    if !ended {
        super::sync::announce_change();
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
