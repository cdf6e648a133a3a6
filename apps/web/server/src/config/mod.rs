use std::{net::IpAddr, path::PathBuf, str::FromStr};

use identity::account::Limits;

mod mail;
mod providers;
mod proxies;
mod secret;
mod traffic;

pub use mail::MailSettings;
pub use proxies::{ClientAddress, Network};
pub use secret::{DatabaseUrl, Secret};
pub use traffic::{Timeouts, Traffic};

/// Where the server takes its settings from: environment variables, each with a default
/// that runs the app on a fresh machine (see `.env.example`).
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` (default, a file under `./data/`) or `postgres://…`.
    pub database_url: DatabaseUrl,
    /// `BIND_ADDRESS`: the interface to listen on (default `127.0.0.1`).
    pub bind_address: IpAddr,
    /// `PORT`: default 3000; 0 picks a free port (what the tests do).
    pub port: u16,
    /// `LEPTOS_SITE_ROOT`: the folder with `pkg/` (the wasm bundle, its JS and the CSS).
    pub site_root: PathBuf,
    /// `RUST_LOG`: a tracing filter (default `info`).
    pub log_filter: String,
    /// `LOG_FORMAT`: `pretty` (default) or `json`.
    pub log_format: LogFormat,
    /// `APP_ENV`: `development` (default) or `production`, which requires `AUTH_SECRET`.
    pub environment: Environment,
    /// `AUTH_SECRET`: one secret, or several separated by commas, newest first.
    pub auth_secret: Option<Secret>,
    /// `PUBLIC_ORIGIN`: the origin users type (`https://guestroom.example`), for the
    /// cross-site write guard behind a proxy that rewrites `Host`. Optional; when set it
    /// must be `http(s)://host[:port]` and nothing more.
    pub public_origin: Option<String>,
    /// `ALLOWED_HOSTS`: comma-separated host names (no ports) requests may name in `Host`,
    /// besides `localhost`, the loopback addresses, the bind address and
    /// `PUBLIC_ORIGIN`'s host. Anything else is refused (DNS rebinding, host-header
    /// poisoning).
    pub allowed_hosts: Vec<String>,
    /// `AUTH_ATTEMPTS_PER_IP` and `AUTH_ATTEMPTS_PER_EMAIL_PER_IP`: how many sign-ins,
    /// sign-ups and password confirmations a client network, and one email from one
    /// network, get per 15 minutes (defaults 100 and 10). A successful sign-in uses none.
    pub attempt_limits: Limits,
    /// `GUEST_RETENTION_DAYS`: guests not seen for this many days are deleted with their
    /// avatars (default 90, at least 31; members are never deleted).
    pub guest_retention_days: u32,
    /// `CLIENT_IP_HEADER` and `TRUSTED_PROXIES`: behind a reverse proxy, the header it
    /// sets with the client's address, and which peers may set it.
    pub client_address: ClientAddress,
    /// `METRICS_TOKEN`: when set, `/metrics` also answers requests that carry it as
    /// `Authorization: Bearer …`; without it, only clients on this machine get metrics.
    pub metrics_token: Option<Secret>,
    /// Rate limits on writes and new guests, and the cap on requests in flight.
    pub traffic: Traffic,
    /// How long a client may take to send a request, and the server to shut down.
    pub timeouts: Timeouts,
    /// `OIDC_PROVIDERS` and each provider's settings (`config::providers`).
    pub providers: Vec<identity::providers::ProviderSettings>,
    /// `SMTP_URL`, `MAIL_FROM` and `MAIL_OUTBOX` (`config::mail`).
    pub mail: MailSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, thiserror::Error)]
#[error("{name} is invalid ({value:?}): {expected}")]
pub struct ConfigError {
    name: &'static str,
    value: String,
    expected: &'static str,
}

impl Config {
    pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/guestroom.db?mode=rwc";

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let read = Reader(lookup);
        let limits = Limits::default();
        let environment = read.choose(
            "APP_ENV",
            "development",
            &[("development", Environment::Development), ("production", Environment::Production)],
            "development or production",
        )?;
        let config = Config {
            database_url: DatabaseUrl::new(read.get("DATABASE_URL", Self::DEFAULT_DATABASE_URL)),
            bind_address: read.parse("BIND_ADDRESS", "127.0.0.1", "an IP address")?,
            port: read.parse("PORT", "3000", "a port number (0–65535)")?,
            site_root: PathBuf::from(read.get("LEPTOS_SITE_ROOT", "target/site")),
            log_filter: read.get("RUST_LOG", "info"),
            environment,
            auth_secret: read.optional("AUTH_SECRET").map(Secret::new),
            public_origin: read
                .optional("PUBLIC_ORIGIN")
                .map(|o| checked_origin(&o))
                .transpose()?,
            guest_retention_days: read.at_least(
                "GUEST_RETENTION_DAYS",
                "90",
                MIN_RETENTION_DAYS,
                "a whole number of days, at least 31 (longer than a guest token lives)",
            )?,
            client_address: ClientAddress::read(&read)?,
            allowed_hosts: read
                .get("ALLOWED_HOSTS", "")
                .split(',')
                .map(|host| host.trim().to_ascii_lowercase())
                .filter(|host| !host.is_empty())
                .collect(),
            attempt_limits: Limits {
                per_ip: read.parse(
                    "AUTH_ATTEMPTS_PER_IP",
                    &limits.per_ip.to_string(),
                    "a whole number",
                )?,
                per_email_per_ip: read.parse(
                    "AUTH_ATTEMPTS_PER_EMAIL_PER_IP",
                    &limits.per_email_per_ip.to_string(),
                    "a whole number",
                )?,
                ..limits
            },
            metrics_token: read.optional("METRICS_TOKEN").map(Secret::new),
            traffic: Traffic::read(&read)?,
            providers: providers::read(&read)?,
            mail: mail::read(&read, environment)?,
            timeouts: Timeouts::read(&read)?,
            log_format: read.choose(
                "LOG_FORMAT",
                "pretty",
                &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)],
                "pretty or json",
            )?,
        };
        // Renamed when it stopped being a lockout (per email alone): never ignored silently.
        if let Some(value) = read.optional("AUTH_ATTEMPTS_PER_EMAIL") {
            return Err(ConfigError {
                name: "AUTH_ATTEMPTS_PER_EMAIL",
                value,
                expected: "nothing: it is AUTH_ATTEMPTS_PER_EMAIL_PER_IP now (attempts at one \
                           email from one network)",
            });
        }
        // Behind a proxy the request's host and scheme are not the callback's: say it.
        if config.environment == Environment::Production
            && !config.providers.is_empty()
            && config.public_origin.is_none()
        {
            return Err(ConfigError {
                name: "PUBLIC_ORIGIN",
                value: String::new(),
                expected: "the origin users type, required in production with OIDC_PROVIDERS \
                           (it makes the providers' callback URL)",
            });
        }
        Ok(config)
    }
}

/// Reads named settings, each with its default, and names the one that is invalid.
struct Reader<F>(F);

impl<F: Fn(&str) -> Option<String>> Reader<F> {
    fn get(&self, name: &str, default: &str) -> String {
        (self.0)(name).unwrap_or_else(|| default.to_owned())
    }

    /// The setting when it is set to something other than blanks, trimmed.
    fn optional(&self, name: &str) -> Option<String> {
        (self.0)(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
    }

    fn value<T: FromStr>(
        &self,
        name: &'static str,
        value: String,
        expected: &'static str,
    ) -> Result<T, ConfigError> {
        value.parse().map_err(|_| ConfigError { name, value, expected })
    }

    fn parse<T: FromStr>(
        &self,
        name: &'static str,
        default: &str,
        expected: &'static str,
    ) -> Result<T, ConfigError> {
        self.value(name, self.get(name, default), expected)
    }

    /// A whole number no smaller than `minimum`.
    fn at_least(
        &self,
        name: &'static str,
        default: &str,
        minimum: u32,
        expected: &'static str,
    ) -> Result<u32, ConfigError> {
        let number: u32 = self.parse(name, default, expected)?;
        if number >= minimum {
            Ok(number)
        } else {
            Err(ConfigError { name, value: number.to_string(), expected })
        }
    }

    fn choose<T: Copy>(
        &self,
        name: &'static str,
        default: &str,
        options: &[(&str, T)],
        expected: &'static str,
    ) -> Result<T, ConfigError> {
        let value = self.get(name, default);
        match options.iter().find(|(option, _)| *option == value) {
            Some((_, chosen)) => Ok(*chosen),
            None => Err(ConfigError { name, value, expected }),
        }
    }
}

/// Longer than a guest token lives (30 days), so a retired guest's row outlives every
/// token that names it.
const MIN_RETENTION_DAYS: u32 = 31;

/// `origin` when it is exactly `http(s)://host[:port]` (a trailing `/` allowed), without
/// the slash.
fn checked_origin(origin: &str) -> Result<String, ConfigError> {
    let invalid = || ConfigError {
        name: "PUBLIC_ORIGIN",
        value: origin.to_owned(),
        expected: "an origin like https://guestroom.example (scheme and host, nothing after)",
    };
    let uri: axum::http::Uri = origin.parse().map_err(|_| invalid())?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let bare = uri.authority().is_some_and(|a| !a.as_str().contains('@'))
        && matches!(uri.path(), "" | "/")
        && uri.query().is_none()
        && !origin.ends_with("//");
    if scheme_ok && bare { Ok(origin.trim_end_matches('/').to_owned()) } else { Err(invalid()) }
}

impl Config {
    /// `GUEST_RETENTION_DAYS` as a duration.
    pub fn guest_retention(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.guest_retention_days))
    }

    /// The host names `Host` may carry: the loopback names, the bind address (unless it
    /// is every interface), `PUBLIC_ORIGIN`'s host, and `ALLOWED_HOSTS`.
    pub fn host_names(&self) -> Vec<String> {
        let mut hosts: Vec<String> =
            ["localhost", "127.0.0.1", "[::1]"].into_iter().map(str::to_owned).collect();
        if !self.bind_address.is_unspecified() {
            hosts.push(match self.bind_address {
                IpAddr::V4(v4) => v4.to_string(),
                IpAddr::V6(v6) => format!("[{v6}]"),
            });
        }
        let public = self.public_origin.as_ref().and_then(|o| o.parse::<axum::http::Uri>().ok());
        if let Some(host) = public.as_ref().and_then(axum::http::Uri::host) {
            hosts.push(host.to_ascii_lowercase());
        }
        hosts.extend(self.allowed_hosts.iter().cloned());
        hosts
    }
}

#[cfg(test)]
mod tests;
