//! What TanStack Query's `useMutation` does, for a cached [`Query`]: mutations, each made
//! once, online or not.
//!
//! [`Mutation::run`] gives every change to cached data the same life:
//! 1. the cache is updated at once (optimistic), so the page answers the click;
//! 2. the change gets its idempotency key, made once for it, and waits its turn: changes
//!    are sent one at a time, in the order they were made. A later change to an avatar
//!    waits for the earlier one, and so does one to another avatar: a move or a delete
//!    changes the places of the others;
//! 3. it is sent with its key (and whose page made it: `transport`), and sent again with
//!    the same key when no answer comes or the server answers 503: after a short
//!    backoff, then every few seconds and at once when the browser is back online, for
//!    as long as the page is open. The key makes a repeat harmless, so a change made in
//!    a tunnel waits instead of failing, and the page says that it waits;
//! 4. on a refusal the cache is put back, and the caller shows the error;
//! 5. once no change is left waiting, the query is fetched again (not before: the ones
//!    still waiting are in the cache, not yet on the server), and other tabs are told —
//!    unless a failure ended the identity (a revoked session; a change refused as made
//!    for another identity): then nothing more is fetched into this page, which was
//!    rendered for a viewer the cookies no longer name.

use std::{cell::RefCell, future::Future, rc::Rc};

use futures::{
    channel::oneshot,
    future::{FutureExt, LocalBoxFuture},
};
use leptos::prelude::*;

use super::{
    query::Query,
    retry::{Failure, pause},
};

thread_local! {
    /// The end of the line of changes: the last one's turn, which the next one waits for.
    static LAST: RefCell<Option<Turn>> = const { RefCell::new(None) };
}

/// What a page can show of its mutations.
#[derive(Clone, Copy, Debug)]
pub struct Activity {
    /// How many mutations are made and not yet settled, up to the end of their refetch
    /// (TanStack's `useIsMutating`); a page can expose it (the roster's `data-busy`).
    pub in_flight: RwSignal<usize>,
    /// How many of them had no answer (or a 503) and wait to be sent again: the page says
    /// that they are not saved yet.
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

/// A change's turn: given when the change before it has settled (or dropped).
type Turn = oneshot::Receiver<()>;

/// A change to one cached query.
#[derive(Debug)]
pub struct Mutation<V: 'static> {
    query: Query<V>,
    activity: Activity,
}

impl<V: Clone + Send + Sync + 'static> Mutation<V> {
    pub fn new(query: Query<V>, activity: Activity) -> Self {
        Mutation { query, activity }
    }

    /// Applies `optimistic` to the cached value now, then makes `call` in the background,
    /// in its turn, until it is answered. `settled` gets the outcome after a refusal has
    /// been rolled back and before the query is fetched again.
    pub fn run<T, E, Call>(
        self,
        optimistic: impl FnOnce(&mut V),
        call: impl Fn() -> Call + 'static,
        settled: impl FnOnce(Result<T, E>) + 'static,
    ) where
        T: 'static,
        E: Failure + 'static,
        Call: Future<Output = Result<T, E>> + 'static,
    {
        let Mutation { query, activity } = self;
        let before = query.get_untracked();
        activity.in_flight.update(|n| *n += 1);
        query.update(optimistic);
        // Boxed here, so the background part below is compiled once per result type
        // rather than once per kind of change (the bundle's weight budget).
        let call: Rc<dyn Fn() -> LocalBoxFuture<'static, Result<T, E>>> =
            Rc::new(move || call().boxed_local());
        let (done, mine) = oneshot::channel();
        let turn = LAST.replace(Some(mine));
        let change = Change { query, activity, before };
        change.spawn(turn, done, call, Box::new(settled));
    }
}

/// A change whose optimistic edit is made: what is left to do in the background.
struct Change<V: 'static> {
    query: Query<V>,
    activity: Activity,
    /// The cached value before the optimistic edit, to roll back to.
    before: V,
}

impl<V: Clone + Send + Sync + 'static> Change<V> {
    fn spawn<T: 'static, E: Failure + 'static>(
        self,
        turn: Option<Turn>,
        done: oneshot::Sender<()>,
        call: Rc<dyn Fn() -> LocalBoxFuture<'static, Result<T, E>>>,
        settled: Box<dyn FnOnce(Result<T, E>)>,
    ) {
        let Change { query, activity, before } = self;
        leptos::task::spawn_local(async move {
            if let Some(turn) = turn {
                let _ = turn.await;
            }
            let outcome = until_answered(&*call, activity.retrying).await;
            let ended = matches!(&outcome, Err(error) if error.ends_identity());
            if outcome.is_err() {
                roll_back(query, activity.in_flight, before, ended);
            }
            settled(outcome);
            let _ = done.send(());
            finish(query, activity.in_flight, ended).await;
        });
    }
}

/// After a refusal, puts back the value from before the change when no later change has
/// edited the cache since (else the refetch after the last one does), and does so too
/// for the first refusal that ends the identity: it is the oldest change waiting, every
/// one after it is refused too, and nothing is fetched again. Not generic over the
/// change's answer, so the bundle holds it once.
fn roll_back<V: Clone + Send + Sync + 'static>(
    query: Query<V>,
    in_flight: RwSignal<usize>,
    before: V,
    ended: bool,
) {
    let last = in_flight.get_untracked() == 1;
    let first_to_end = ended && !super::sync::identity_is_over();
    if (last && !ended) || first_to_end {
        query.set(before);
    }
}

/// Calls `call` until the server answers it, each time with the change's one idempotency
/// key: after a transient failure, again after each [`pause`]. Counted in `retrying` from
/// its first wait until it is answered.
async fn until_answered<T, E: Failure>(
    call: &dyn Fn() -> LocalBoxFuture<'static, Result<T, E>>,
    retrying: RwSignal<usize>,
) -> Result<T, E> {
    let key = super::transport::new_key();
    let mut tries = 0;
    let outcome = loop {
        let request = call();
        // Taken by the request, which is made when the call is first polled: at once.
        super::transport::send_next_with_key(&key);
        match request.await {
            Err(error) if error.is_transient() => {
                if tries == 0 {
                    retrying.update(|n| *n += 1);
                }
                pause(tries).await;
                tries += 1;
            }
            answered => break answered,
        }
    };
    if tries > 0 {
        retrying.update(|n| *n -= 1);
    }
    outcome
}

/// The end of every mutation of a query: once none is left waiting, fetch it again and
/// tell the other tabs, unless the identity ended. Not generic over the call, so the
/// browser bundle holds it once per query rather than once per kind of change.
async fn finish<V: Clone + Send + Sync + 'static>(
    query: Query<V>,
    in_flight: RwSignal<usize>,
    ended: bool,
) {
    let last = in_flight.get_untracked() == 1;
    if ended {
        super::sync::identity_ended();
    } else if last {
        query.refetch().await;
    }
    in_flight.update(|n| *n -= 1);
    if !ended && last {
        super::sync::announce_change();
    }
    if last {
        super::sync::changes_settled();
    }
}
