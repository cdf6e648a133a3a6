//! The email channel: mail the account rules send (a link to set a new password, one to
//! confirm an address, one to sign in), the single-use tokens those links carry, and the [`Mailer`] port that delivers them.
//!
//! Nothing here waits on a mail server: a [`Mailer`] takes a mail or refuses it at once,
//! and delivers in the background (feature `mail`: [`Outbox`], over SMTP or into `.eml`
//! files). A mail lost on the way is asked for again by the person; nothing is applied
//! until they follow its link.

/// Changing the address: the link to the new one, the news to the old one.
mod change;
/// "Email me a sign-in link": the request, the link and its code.
mod link;
/// The messages: what each mail says, in plain text and HTML.
mod messages;
/// Asking for a link by address: one way for every kind.
mod request;
/// "Forgot password?": the request and the reset.
mod reset;
/// A sign-up refused for a taken address: its owner is told.
mod sign_up;
/// The tokens links carry.
mod token;
/// Confirming an address: the link mailed after sign-up.
mod verify;

/// Delivery: the bounded queue with retries, and its transports (SMTP, files).
#[cfg(feature = "mail")]
mod delivery;

use std::{net::IpAddr, sync::Arc, time::Duration};

#[cfg(feature = "mail")]
pub use delivery::{DeliveryCounts, Outbox, OutboxOptions, Transport, TransportError};
pub use link::LinkSignIn;
pub use messages::Links;
pub use reset::Reset;
pub use token::{
    EmailToken, RESET_LIFETIME, SIGN_IN_LIFETIME, ShortCode, TokenDigest, TokenPurpose,
    VERIFY_LIFETIME,
};

use crate::{Clock, account::Accounts};

/// One mail to one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// A normalised address ([`crate::account::Email`]).
    pub to: String,
    pub subject: String,
    /// The plain-text body; every link in it is on a line of its own.
    pub text: String,
    /// The same as HTML, every piece of text escaped.
    pub html: String,
    /// The link the mail carries (in both bodies), for a development outbox to show.
    pub link: String,
}

/// Where mail goes. Taking a mail never waits for a server: an implementation queues it
/// (bounded) and delivers it in the background, or refuses it now.
pub trait Mailer: Send + Sync + std::fmt::Debug + 'static {
    fn send(&self, mail: Mail) -> Result<(), MailRefused>;
}

/// A mail that was not taken: the queue is full. Nothing was sent; the person asks again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the outgoing mail queue is full")]
pub struct MailRefused;

/// How many mails an address, and a client network, may ask for per window: a
/// stranger cannot flood someone's inbox, nor one client many inboxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailLimits {
    pub per_email: u32,
    pub per_ip: u32,
    pub window: Duration,
}

impl Default for MailLimits {
    /// 5 mails per address and 20 per network, per hour.
    fn default() -> Self {
        Self { per_email: 5, per_ip: 20, window: Duration::from_secs(60 * 60) }
    }
}

/// The account rules that go through mail, over the same store, hashing and attempt
/// limits as [`Accounts`].
#[derive(Clone, Debug)]
pub struct EmailAccounts<S> {
    pub(crate) accounts: Accounts<S>,
    pub(crate) mailer: Arc<dyn Mailer>,
    /// Shared: the application clones these rules into every request's context.
    pub(crate) links: Arc<Links>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) limits: MailLimits,
}

impl<S> EmailAccounts<S> {
    pub fn new(
        accounts: Accounts<S>,
        mailer: Arc<dyn Mailer>,
        links: Links,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { accounts, mailer, links: Arc::new(links), clock, limits: MailLimits::default() }
    }

    /// The origin people reach the application at (`https://guestroom.example`), as the
    /// links in mail use it: for other links the application shows (a QR code's).
    pub fn public_origin(&self) -> &str {
        &self.links.origin
    }

    /// The same rules with other mail limits.
    pub fn with_limits(self, limits: MailLimits) -> Self {
        Self { limits, ..self }
    }

    /// Gives the mailer `mail`, for an audit line's outcome: `taken` when the mailer took
    /// it, `queue_full` when it did not.
    fn hand_over(&self, mail: Mail, taken: &'static str) -> &'static str {
        match self.mailer.send(mail) {
            Ok(()) => taken,
            Err(MailRefused) => "queue_full",
        }
    }
}

/// Who asked for a mail, for the limits and the audit line.
pub(crate) type Client = Option<IpAddr>;
