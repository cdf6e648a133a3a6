//! Where password hashing runs, and how a flood of it is shed instead of queued.
//!
//! Each hash takes 19 MiB and a core for tens of milliseconds. Hashing runs on the
//! blocking pool, one job per core at a time (more would add memory, not throughput:
//! bench/RESULTS.md). Two bounds keep a burst from becoming everyone's wait:
//!
//! - **Per network**, at most one job per core waiting or running: one client (an IPv4
//!   address, an IPv6 /64) flooding sign-ins holds that many places, and the rest of its
//!   burst is refused at once. A member signing in from anywhere else waits behind at most
//!   those few jobs per flooding network.
//! - **A bounded wait**: a job that finds no slot within [`Hashing::MAX_WAIT`] (many
//!   networks at once) is refused rather than left holding a request for its deadline.
//!
//! Either refusal is [`Busy`]: the server's answer is 503 with `Retry-After`.

use std::{net::IpAddr, sync::Arc, time::Duration};

use tokio::sync::Semaphore;

use super::PasswordHasher;
use crate::Shares;

/// No hashing slot for this attempt now; try again in a second or so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

/// The hashing slots, shared by every clone of [`super::Accounts`].
#[derive(Clone, Debug)]
pub(crate) struct Hashing {
    hasher: PasswordHasher,
    slots: Arc<Semaphore>,
    /// Jobs waiting or running, per network.
    places: Shares,
}

impl Hashing {
    /// How long a job may wait for a slot before it is refused: well past what a crowd
    /// waits (64 sign-ins at once from 64 networks wait about 1.2 s on a debug build),
    /// well short of the request's deadline (`REQUEST_TIMEOUT_SECS`, 30 s).
    pub(crate) const MAX_WAIT: Duration = Duration::from_secs(5);

    pub(crate) fn new(hasher: PasswordHasher) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self { hasher, slots: Arc::new(Semaphore::new(cores)), places: Shares::new(cores) }
    }

    /// How many jobs run at once.
    #[cfg(test)]
    pub(crate) fn slots(&self) -> usize {
        self.slots.available_permits()
    }

    /// Runs `work` on the blocking pool once `client`'s network has a place and a slot is
    /// free, or refuses it ([`Busy`]).
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        client: Option<IpAddr>,
        work: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let _place = self.places.take(client).ok_or(Busy)?;
        let waited = tokio::time::timeout(Self::MAX_WAIT, Arc::clone(&self.slots).acquire_owned());
        // The semaphore is never closed: only the wait can fail.
        let Ok(Ok(slot)) = waited.await else { return Err(Busy) };
        let hasher = self.hasher.clone();
        let done = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work(&hasher)
        });
        match done.await {
            Ok(done) => Ok(done),
            Err(failed) => std::panic::resume_unwind(failed.into_panic()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_hashing_runs_a_bounded_number_at_a_time() {
        let hashing = Hashing::new(PasswordHasher::new());
        let bound = hashing.slots();
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        // Each job from its own network, so none is refused for its network's share.
        let burst = (0..4 * bound).map(|n| {
            let (hashing, running, most) = (hashing.clone(), running.clone(), most.clone());
            let client = IpAddr::from([198, 51, 100, u8::try_from(n).expect("small")]);
            tokio::spawn(async move {
                hashing
                    .run(Some(client), move |_| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            })
        });
        for task in burst.collect::<Vec<_>>() {
            assert_eq!(task.await.expect("task"), Ok(()));
        }
        assert!(most.load(Ordering::SeqCst) <= bound, "{} > {bound}", most.load(Ordering::SeqCst));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flooding_network_holds_its_share_and_a_quiet_one_still_gets_through() {
        let hashing = Hashing::new(PasswordHasher::new());
        let flood = |n: u16| Some(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, n]));
        let slow = |_: &PasswordHasher| std::thread::sleep(Duration::from_millis(200));
        let burst: Vec<_> = (0..20)
            .map(|n| {
                let hashing = hashing.clone();
                tokio::spawn(async move { hashing.run(flood(n), slow).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let quiet = Some(IpAddr::from([198, 51, 100, 20]));
        assert_eq!(hashing.run(quiet, |_| "signed in").await, Ok("signed in"));
        let mut refused = 0;
        for job in burst {
            refused += usize::from(job.await.expect("task") == Err(Busy));
        }
        assert_eq!(refused, 20 - hashing.slots(), "the flood past its share is refused");
        // Every place is given back.
        assert_eq!(hashing.places.networks(), 0);
    }
}
