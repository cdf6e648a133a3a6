//! Delivery: a bounded queue in front of a transport, drained by one task that retries
//! each mail a few times with a growing pause and then gives it up (counted as dead); a
//! mail that no try can deliver (refused for good) is given up at once. A request only
//! ever puts a mail in the queue, or is told the queue is full. The queue lives in the
//! process: a server stopping waits for it ([`Outbox::settled`]), so that a mail a person
//! was just told about is not lost with a restart.

/// SMTP and `.eml` files.
mod transport;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::sync::{mpsc, watch};

pub use transport::{Transport, TransportError};

use super::{Mail, MailRefused, Mailer};

/// How the outbox queues and retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxOptions {
    /// Mails waiting at most; one more is refused ([`MailRefused`]).
    pub capacity: usize,
    /// Tries per mail, the first included.
    pub attempts: u32,
    /// The pause before the first retry; each next pause is twice as long.
    pub first_pause: Duration,
}

impl OutboxOptions {
    /// The pause after failed try number `tries` (1 for the first): `first_pause`,
    /// doubled for each try after the first.
    pub fn pause_after(&self, tries: u32) -> Duration {
        self.first_pause.saturating_mul(2_u32.saturating_pow(tries.saturating_sub(1)))
    }
}

impl Default for OutboxOptions {
    /// 256 waiting, 5 tries over about 15 s (1, 2, 4 and 8 s apart).
    fn default() -> Self {
        Self { capacity: 256, attempts: 5, first_pause: Duration::from_secs(1) }
    }
}

/// What the outbox did, for the metrics.
#[derive(Debug, Default)]
pub struct DeliveryCounts {
    /// Mails the transport took.
    pub sent: AtomicU64,
    /// Tries that failed and were tried again.
    pub retried: AtomicU64,
    /// Mails given up after their last try (the dead letters).
    pub dead: AtomicU64,
    /// Mails refused because the queue was full.
    pub refused: AtomicU64,
}

/// The [`Mailer`] the server uses: a bounded queue over a [`Transport`].
#[derive(Clone, Debug)]
pub struct Outbox {
    queue: mpsc::Sender<Mail>,
    counts: Arc<DeliveryCounts>,
    /// Mails taken and not yet sent or given up.
    unsettled: Arc<watch::Sender<usize>>,
}

impl Outbox {
    /// Starts the task that delivers through `transport`; it ends when every `Outbox`
    /// clone is dropped and the queue is empty. Needs a Tokio runtime.
    pub fn start(transport: Transport, options: OutboxOptions) -> Self {
        let (queue, mut waiting) = mpsc::channel::<Mail>(options.capacity.max(1));
        let counts = Arc::new(DeliveryCounts::default());
        let unsettled = Arc::new(watch::Sender::new(0));
        let (counting, settling) = (Arc::clone(&counts), Arc::clone(&unsettled));
        tokio::spawn(async move {
            while let Some(mail) = waiting.recv().await {
                deliver(&transport, &mail, options, &counting).await;
                settling.send_modify(|unsettled| *unsettled -= 1);
            }
        });
        Self { queue, counts, unsettled }
    }

    pub fn counts(&self) -> &DeliveryCounts {
        &self.counts
    }

    /// How many mails are taken and not yet sent or given up.
    pub fn unsettled(&self) -> usize {
        *self.unsettled.borrow()
    }

    /// Resolves once no mail waits: each one taken is sent or given up (at once if none
    /// waits). A stopping server, which takes no more, waits for it within its shutdown
    /// deadline: retries can take about 15 s.
    pub async fn settled(&self) {
        // The sender lives as long as `self`: the wait cannot fail.
        let _ = self.unsettled.subscribe().wait_for(|&unsettled| unsettled == 0).await;
    }
}

impl Mailer for Outbox {
    fn send(&self, mail: Mail) -> Result<(), MailRefused> {
        // Counted before it is queued: the task may settle it before `try_send` returns.
        self.unsettled.send_modify(|unsettled| *unsettled += 1);
        self.queue.try_send(mail).map_err(|_| {
            self.unsettled.send_modify(|unsettled| *unsettled -= 1);
            self.counts.refused.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("the outgoing mail queue is full: a mail was refused");
            MailRefused
        })
    }
}

/// Tries one mail until the transport takes it, its tries run out or an error says no try
/// can help. Logs the subject and the error, never the body (it carries a token).
async fn deliver(
    transport: &Transport,
    mail: &Mail,
    options: OutboxOptions,
    counts: &DeliveryCounts,
) {
    for attempt in 1..=options.attempts.max(1) {
        match transport.deliver(mail).await {
            Ok(()) => {
                counts.sent.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Err(error) if attempt < options.attempts && !error.is_permanent() => {
                counts.retried.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%error, subject = %mail.subject, attempt, "a mail was not taken; trying again");
                tokio::time::sleep(options.pause_after(attempt)).await;
            }
            Err(error) => {
                counts.dead.fetch_add(1, Ordering::Relaxed);
                tracing::error!(%error, subject = %mail.subject, attempt, "a mail was given up");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pause_is_twice_the_one_before() {
        let options = OutboxOptions::default();
        let pauses: Vec<u64> = (1..=4).map(|try_| options.pause_after(try_).as_secs()).collect();
        assert_eq!(pauses, [1, 2, 4, 8], "about 15 s over the 5 tries");
    }
}
