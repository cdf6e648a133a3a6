//! Where the outbox hands mail: an SMTP server, or (for development, needing no server)
//! `.eml` files in a folder, with each mail's link logged so it can be followed.

use std::{path::PathBuf, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
    transport::smtp::PoolConfig,
};

use crate::email::Mail;

/// Why a mail was not taken.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The mail could not be written as a message (an address the builder refuses).
    #[error("the message cannot be built: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("an address is invalid: {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("the SMTP server did not take it: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the outbox folder cannot be written: {0}")]
    Files(#[from] std::io::Error),
}

impl TransportError {
    /// Whether trying the same mail again cannot help: it cannot be written as a message,
    /// or the server refused it for good (a 5xx reply). A server that is down, slow or
    /// busy (4xx), and a folder that cannot be written now, are worth another try.
    pub fn is_permanent(&self) -> bool {
        match self {
            TransportError::Message(_) | TransportError::Address(_) => true,
            TransportError::Smtp(error) => error.is_permanent(),
            TransportError::Files(_) => false,
        }
    }
}

/// A transport, and the sender every mail is from.
#[derive(Clone)]
pub struct Transport {
    from: Mailbox,
    to: Destination,
}

#[derive(Clone)]
enum Destination {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Names the kind and the folder, never the SMTP URL: it may carry a password.
impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.to {
            Destination::Smtp(_) => f.write_str("Transport::Smtp"),
            Destination::Files(folder) => write!(f, "Transport::Files({})", folder.display()),
        }
    }
}

impl Transport {
    /// An SMTP server at `url`: `smtp://host:port` (no TLS: a relay on this machine),
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465` (TLS from the first
    /// byte), with `user:password@` when the server asks for it. Up to 4 pooled
    /// connections; any step that takes longer than `timeout` fails the try. Called
    /// within a Tokio runtime (the pool starts a task of its own).
    pub fn smtp(url: &str, from: &str, timeout: Duration) -> Result<Self, TransportError> {
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(timeout))
            .pool_config(PoolConfig::new().max_size(4))
            .build();
        Ok(Self { from: from.parse()?, to: Destination::Smtp(smtp) })
    }

    /// `.eml` files in `folder` (made when missing), one per mail.
    pub fn files(folder: PathBuf, from: &str) -> Result<Self, TransportError> {
        Ok(Self { from: from.parse()?, to: Destination::Files(folder) })
    }

    pub(super) async fn deliver(&self, mail: &Mail) -> Result<(), TransportError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse()?)
            .subject(&mail.subject)
            .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))?;
        match &self.to {
            Destination::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Destination::Files(folder) => {
                tokio::fs::create_dir_all(folder).await?;
                let name = format!("{}.eml", uuid::Uuid::new_v4());
                let path = folder.join(name);
                tokio::fs::write(&path, message.formatted()).await?;
                // Development only (no SMTP server): the link is what the person would
                // click, so it is shown here.
                tracing::info!(path = %path.display(), link = %mail.link, subject = %mail.subject, "a mail was written");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_transport_prints_without_its_credentials() {
        let url = "smtps://ada:hunter2@smtp.example.com:465";
        let smtp = Transport::smtp(url, "Guestroom <g@localhost>", Duration::from_secs(1));
        let printed = format!("{:?}", smtp.expect("a valid URL"));
        assert_eq!(printed, "Transport::Smtp");
        let files = Transport::files(PathBuf::from("data/outbox"), "Guestroom <g@localhost>");
        assert_eq!(format!("{:?}", files.expect("valid")), "Transport::Files(data/outbox)");
    }
}
