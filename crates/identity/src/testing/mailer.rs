use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use tokio::sync::watch;

use crate::email::{Mail, MailRefused, Mailer};

/// A [`Mailer`] that keeps what it is given, for tests of the rules (the server's tests
/// send through a real SMTP server instead).
#[derive(Clone, Debug)]
pub struct MemoryMailer {
    sent: Arc<Mutex<Vec<Mail>>>,
    count: Arc<watch::Sender<usize>>,
}

impl Default for MemoryMailer {
    fn default() -> Self {
        Self { sent: Arc::default(), count: Arc::new(watch::Sender::new(0)) }
    }
}

impl MemoryMailer {
    /// Every mail given so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        self.sent.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits until at least `count` mails were given (at most 5 s), and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Mail> {
        let mut given = self.count.subscribe();
        let waited = tokio::time::timeout(Duration::from_secs(5), given.wait_for(|n| *n >= count));
        assert!(
            matches!(waited.await, Ok(Ok(_))),
            "expected {count} mails, got {}",
            self.mails().len()
        );
        self.mails()
    }
}

impl Mailer for MemoryMailer {
    fn send(&self, mail: Mail) -> Result<(), MailRefused> {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        sent.push(mail);
        self.count.send_replace(sent.len());
        Ok(())
    }
}
