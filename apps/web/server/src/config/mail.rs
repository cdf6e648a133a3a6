//! Mail: `SMTP_URL` (the server to send through; it may carry a password, so it is a
//! [`Secret`]), `MAIL_FROM` (the sender) and `MAIL_OUTBOX` (where mail goes without
//! `SMTP_URL`: `.eml` files, with each link logged, for development). In production
//! `SMTP_URL` is required: a reset link that silently lands in a folder on the server
//! would leave people locked out. See `docs/identity.md`, "Mail".

use std::path::PathBuf;

use super::{ConfigError, Environment, Reader, Secret};

#[derive(Clone, Debug)]
pub struct MailSettings {
    pub smtp_url: Option<Secret>,
    pub from: String,
    pub outbox: PathBuf,
}

pub(super) fn read<F: Fn(&str) -> Option<String>>(
    read: &Reader<F>,
    environment: Environment,
) -> Result<MailSettings, ConfigError> {
    let smtp_url = read.optional("SMTP_URL");
    if let Some(url) = &smtp_url
        && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
    {
        return Err(ConfigError {
            name: "SMTP_URL",
            value: "[redacted]".to_owned(),
            expected: "smtp://host:port (add ?tls=required for STARTTLS) or smtps://host:port",
        });
    }
    if environment == Environment::Production && smtp_url.is_none() {
        return Err(ConfigError {
            name: "SMTP_URL",
            value: String::new(),
            expected: "the SMTP server that sends reset and confirmation links, required in production",
        });
    }
    Ok(MailSettings {
        smtp_url: smtp_url.map(Secret::new),
        from: read.get("MAIL_FROM", "Guestroom <guestroom@localhost>"),
        outbox: PathBuf::from(read.get("MAIL_OUTBOX", "data/outbox")),
    })
}
