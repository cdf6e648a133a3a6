//! The client cache: what TanStack Query's `useQuery` gives a page, for the queries a page
//! holds. A [`Query`] is a value in a signal, seeded from the server's render (hydration
//! fetches nothing), edited optimistically by mutations (`mutation`), and fetched again
//! on demand (after a change, on focus, from another tab: `sync`).
//!
//! A query's answer is kept only if nothing was written since its fetch started: a list
//! fetched before a change was made does not overwrite the change (what TanStack's
//! `cancelQueries` in `onMutate` is for), nor does an older fetch overwrite a newer one.
//!
//! Written here rather than taken from leptos-fetch: a page's queries are few and seeded,
//! and leptos-fetch's scopes, keyed maps, locks and garbage collection were 10% of the
//! browser bundle (`bench/RESULTS.md`, "The client cache, ours").

use futures::future::LocalBoxFuture;
use leptos::prelude::*;

/// One cached query: its value and how to fetch it again.
#[derive(Debug)]
pub struct Query<V: 'static> {
    value: RwSignal<V>,
    /// Counts the writes and the fetches started: a fetch's answer is kept when the count
    /// is still the one its start made.
    writes: RwSignal<usize>,
    fetch: fn() -> LocalBoxFuture<'static, V>,
}

impl<V> Clone for Query<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V> Copy for Query<V> {}

impl<V: Clone + Send + Sync + 'static> Query<V> {
    /// A query holding `seed` (what the page was rendered from), fetched again by `fetch`
    /// (`|| fetch_it().boxed_local()`: one type of query for every fetcher).
    pub fn new(seed: V, fetch: fn() -> LocalBoxFuture<'static, V>) -> Self {
        Query { value: RwSignal::new(seed), writes: RwSignal::new(0), fetch }
    }

    /// The cached value, for views and memos to follow.
    pub fn value(self) -> ReadSignal<V> {
        self.value.read_only()
    }

    /// The cached value now, without following it.
    pub fn get_untracked(self) -> V {
        self.value.get_untracked()
    }

    /// Replaces the cached value; a fetch in flight is no longer kept.
    pub fn set(self, value: V) {
        self.overtake();
        self.value.set(value);
    }

    /// Edits the cached value in place (an optimistic change); a fetch in flight is no
    /// longer kept.
    pub fn update(self, edit: impl FnOnce(&mut V)) {
        self.overtake();
        self.value.update(edit);
    }

    /// Fetches the value again now, and keeps the answer unless something was written
    /// (or another fetch started) meanwhile.
    pub async fn refetch(self) {
        let mine = self.overtake();
        let answer = (self.fetch)().await;
        if self.writes.try_get_untracked() == Some(mine) {
            self.value.try_set(answer);
        }
    }

    fn overtake(self) -> usize {
        let next = self.writes.get_untracked().wrapping_add(1);
        self.writes.set(next);
        next
    }
}
