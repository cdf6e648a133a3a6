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
//! and leptos-fetch's scopes, keyed maps, locks and collection were 17% of the browser's
//! wasm (`bench/RESULTS.md`, "The client cache, ours").

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

    /// Fetches the value again, and keeps the answer unless something was written (or
    /// another fetch started) meanwhile. The fetch counts as started at this call, not
    /// when the future is first polled: a write made after the call overtakes it.
    pub fn refetch(self) -> impl Future<Output = ()> {
        let mine = self.overtake();
        let answer = (self.fetch)();
        async move {
            let answer = answer.await;
            if self.writes.try_get_untracked() == Some(mine) {
                self.value.try_set(answer);
            }
        }
    }

    /// Counts a write or a fetch started: every fetch started before it is overtaken.
    fn overtake(self) -> usize {
        let next = self.writes.get_untracked().wrapping_add(1);
        self.writes.set(next);
        next
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use futures::{FutureExt, channel::oneshot, executor::block_on, poll};

    use super::*;

    thread_local! {
        /// What the test's fetches answer, in the order they start: each waits for its
        /// sender.
        static ANSWERS: RefCell<Vec<oneshot::Receiver<u32>>> = const { RefCell::new(Vec::new()) };
    }

    /// Runs `test` inside a reactive owner, where signals can be made (on the server each
    /// request's render has one).
    fn owned(test: impl FnOnce()) {
        Owner::new().with(test);
    }

    fn fetch() -> LocalBoxFuture<'static, u32> {
        let answer = ANSWERS.with_borrow_mut(|answers| answers.remove(0));
        async move { answer.await.expect("the test answers every fetch") }.boxed_local()
    }

    /// The answers of the next `N` fetches, given when the test sends them.
    fn answers<const N: usize>() -> [oneshot::Sender<u32>; N] {
        std::array::from_fn(|_| {
            let (send, answer) = oneshot::channel();
            ANSWERS.with_borrow_mut(|answers| answers.push(answer));
            send
        })
    }

    #[test]
    fn a_fetch_answer_replaces_the_value() {
        owned(|| {
            let query = Query::new(1, fetch);
            let [answer] = answers();
            answer.send(2).unwrap();
            block_on(query.refetch());
            assert_eq!(query.get_untracked(), 2);
        });
    }

    /// The value after `write` is made while a fetch is on its way, and the fetch then
    /// answers 2.
    fn written_while_fetching(write: impl FnOnce(Query<u32>)) -> u32 {
        let mut value = 0;
        owned(|| {
            let query = Query::new(1, fetch);
            let [answer] = answers();
            let fetching = query.refetch();
            write(query);
            answer.send(2).unwrap();
            block_on(fetching);
            value = query.get_untracked();
        });
        value
    }

    #[test]
    fn a_fetch_started_before_a_change_does_not_undo_it() {
        let value = written_while_fetching(|query| query.update(|value| *value = 10));
        assert_eq!(value, 10, "the optimistic edit stays");
    }

    #[test]
    fn an_older_fetch_answering_last_does_not_overwrite_a_newer_one() {
        owned(|| {
            let query = Query::new(1, fetch);
            let [older, newer] = answers();
            block_on(async {
                let mut first = Box::pin(query.refetch());
                let second = query.refetch();
                assert!(poll!(&mut first).is_pending());
                newer.send(3).unwrap();
                second.await;
                older.send(2).unwrap();
                first.await;
            });
            assert_eq!(query.get_untracked(), 3);
        });
    }

    #[test]
    fn a_value_set_while_fetching_stays() {
        assert_eq!(written_while_fetching(|query| query.set(5)), 5);
    }
}
