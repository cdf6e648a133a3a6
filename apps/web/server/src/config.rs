use std::{net::IpAddr, path::PathBuf};

use identity::account::Limits;

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
    pub auth_secret: Option<AuthSecret>,
    /// `PUBLIC_ORIGIN`: the origin users type (`https://guestroom.example`), for the
    /// cross-site write guard behind a proxy that rewrites `Host`. Optional; when set it
    /// must be `http(s)://host[:port]` and nothing more.
    pub public_origin: Option<String>,
    /// `ALLOWED_HOSTS`: comma-separated host names (no ports) requests may name in `Host`,
    /// besides `localhost`, the loopback addresses, the bind address and
    /// `PUBLIC_ORIGIN`'s host. Anything else is refused (DNS rebinding, host-header
    /// poisoning).
    pub allowed_hosts: Vec<String>,
    /// `AUTH_ATTEMPTS_PER_IP` and `AUTH_ATTEMPTS_PER_EMAIL`: how many sign-ins, sign-ups
    /// and password confirmations each gets per 15 minutes (defaults 100 and 10).
    pub attempt_limits: Limits,
    /// `GUEST_RETENTION_DAYS`: guests not seen for this many days are deleted with their
    /// avatars (default 90, at least 31; members are never deleted).
    pub guest_retention_days: u32,
    /// `CLIENT_IP_HEADER`: behind a reverse proxy, the header it sets with the client's
    /// address (`X-Forwarded-For`, `X-Real-IP`). Unset (the default), the connection's
    /// peer is the client: set it only when every request comes through that proxy.
    pub client_ip_header: Option<axum::http::HeaderName>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// The raw `AUTH_SECRET`. Never printed.
#[derive(Clone)]
pub struct AuthSecret(String);

impl AuthSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AuthSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthSecret([redacted])")
    }
}

/// A database URL. Its `Debug` hides the password: this value ends up in logs.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced, safe to print.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some((scheme, rest)) = url.split_once("://") else {
            return url.clone();
        };
        match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
                format!("{scheme}://{user}:[redacted]@{host}")
            }
            None => url.clone(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
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
        let get = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_owned());
        fn parse<T: std::str::FromStr>(
            value: String,
            name: &'static str,
            expected: &'static str,
        ) -> Result<T, ConfigError> {
            value.parse().map_err(|_| ConfigError { name, value, expected })
        }
        fn choose<T: Copy>(
            value: String,
            name: &'static str,
            options: &[(&str, T)],
            expected: &'static str,
        ) -> Result<T, ConfigError> {
            match options.iter().find(|(option, _)| *option == value) {
                Some((_, chosen)) => Ok(*chosen),
                None => Err(ConfigError { name, value, expected }),
            }
        }
        Ok(Config {
            database_url: DatabaseUrl::new(get("DATABASE_URL", Self::DEFAULT_DATABASE_URL)),
            bind_address: parse(get("BIND_ADDRESS", "127.0.0.1"), "BIND_ADDRESS", "an IP address")?,
            port: parse(get("PORT", "3000"), "PORT", "a port number (0–65535)")?,
            site_root: PathBuf::from(get("LEPTOS_SITE_ROOT", "target/site")),
            log_filter: get("RUST_LOG", "info"),
            environment: choose(
                get("APP_ENV", "development"),
                "APP_ENV",
                &[
                    ("development", Environment::Development),
                    ("production", Environment::Production),
                ],
                "development or production",
            )?,
            auth_secret: lookup("AUTH_SECRET").filter(|s| !s.trim().is_empty()).map(AuthSecret),
            public_origin: lookup("PUBLIC_ORIGIN")
                .filter(|s| !s.trim().is_empty())
                .map(|origin| checked_origin(origin.trim()))
                .transpose()?,
            guest_retention_days: parse(
                get("GUEST_RETENTION_DAYS", "90"),
                "GUEST_RETENTION_DAYS",
                RETENTION,
            )
            .and_then(|days: u32| {
                (days >= MIN_RETENTION_DAYS).then_some(days).ok_or(ConfigError {
                    name: "GUEST_RETENTION_DAYS",
                    value: days.to_string(),
                    expected: RETENTION,
                })
            })?,
            client_ip_header: lookup("CLIENT_IP_HEADER")
                .filter(|s| !s.trim().is_empty())
                .map(|name| parse(name.trim().to_owned(), "CLIENT_IP_HEADER", "a header name"))
                .transpose()?,
            allowed_hosts: get("ALLOWED_HOSTS", "")
                .split(',')
                .map(|host| host.trim().to_ascii_lowercase())
                .filter(|host| !host.is_empty())
                .collect(),
            attempt_limits: Limits {
                per_ip: parse(
                    get("AUTH_ATTEMPTS_PER_IP", &Limits::default().per_ip.to_string()),
                    "AUTH_ATTEMPTS_PER_IP",
                    "a whole number",
                )?,
                per_email: parse(
                    get("AUTH_ATTEMPTS_PER_EMAIL", &Limits::default().per_email.to_string()),
                    "AUTH_ATTEMPTS_PER_EMAIL",
                    "a whole number",
                )?,
                ..Limits::default()
            },
            log_format: choose(
                get("LOG_FORMAT", "pretty"),
                "LOG_FORMAT",
                &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)],
                "pretty or json",
            )?,
        })
    }
}

/// Longer than a guest token lives (30 days), so a retired guest's row outlives every
/// token that names it.
const MIN_RETENTION_DAYS: u32 = 31;
const RETENTION: &str = "a whole number of days, at least 31 (longer than a guest token lives)";

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
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn defaults_run_on_a_sqlite_file_on_port_3000() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(config.database_url.expose(), Config::DEFAULT_DATABASE_URL);
        assert_eq!(config.port, 3000);
        assert_eq!(config.bind_address.to_string(), "127.0.0.1");
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.attempt_limits, Limits::default());
    }

    #[test]
    fn attempt_limits_are_whole_numbers() {
        let three = config(&[("AUTH_ATTEMPTS_PER_EMAIL", "3")]).expect("valid");
        assert_eq!(three.attempt_limits.per_email, 3);
        let error = config(&[("AUTH_ATTEMPTS_PER_IP", "lots")]).expect_err("invalid");
        assert!(error.to_string().starts_with("AUTH_ATTEMPTS_PER_IP is invalid"), "{error}");
    }

    #[test]
    fn a_port_that_is_not_a_number_is_rejected_by_name() {
        let error = config(&[("PORT", "eighty")]).expect_err("invalid");
        assert!(error.to_string().starts_with("PORT is invalid"), "{error}");
    }

    #[test]
    fn an_unknown_log_format_is_rejected() {
        assert!(config(&[("LOG_FORMAT", "xml")]).is_err());
    }

    #[test]
    fn the_auth_secret_never_prints() {
        let config =
            config(&[("AUTH_SECRET", "correct-horse-battery-staple-0123456789")]).expect("valid");
        assert!(!format!("{config:?}").contains("correct-horse"));
    }

    #[test]
    fn a_public_origin_is_an_origin_and_nothing_more() {
        let ok = config(&[("PUBLIC_ORIGIN", "https://guestroom.example/")]).expect("valid");
        assert_eq!(ok.public_origin.as_deref(), Some("https://guestroom.example"));
        for bad in [
            "guestroom.example",
            "ftp://guestroom.example",
            "https://guestroom.example/app",
            "https://guestroom.example?x=1",
            "https://user@guestroom.example",
        ] {
            let error = config(&[("PUBLIC_ORIGIN", bad)]).expect_err(bad);
            assert!(error.to_string().starts_with("PUBLIC_ORIGIN is invalid"), "{error}");
        }
    }

    #[test]
    fn the_allowed_hosts_are_loopback_the_bind_address_and_the_public_origin() {
        let hosts = config(&[
            ("BIND_ADDRESS", "192.0.2.10"),
            ("PUBLIC_ORIGIN", "https://Guestroom.Example"),
            ("ALLOWED_HOSTS", "www.guestroom.example, "),
        ])
        .expect("valid")
        .host_names();
        assert_eq!(
            hosts,
            [
                "localhost",
                "127.0.0.1",
                "[::1]",
                "192.0.2.10",
                "guestroom.example",
                "www.guestroom.example"
            ]
        );
        let everywhere = config(&[("BIND_ADDRESS", "0.0.0.0")]).expect("valid").host_names();
        assert_eq!(everywhere, ["localhost", "127.0.0.1", "[::1]"]);
    }

    #[test]
    fn guests_are_kept_longer_than_their_tokens_live() {
        assert_eq!(config(&[]).expect("defaults").guest_retention_days, 90);
        assert_eq!(
            config(&[("GUEST_RETENTION_DAYS", "31")]).expect("valid").guest_retention_days,
            31
        );
        for bad in ["30", "0", "-1", "ninety"] {
            assert!(config(&[("GUEST_RETENTION_DAYS", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_client_ip_header_is_a_header_name() {
        let set = config(&[("CLIENT_IP_HEADER", "X-Forwarded-For")]).expect("valid");
        assert_eq!(set.client_ip_header.map(|h| h.to_string()), Some("x-forwarded-for".into()));
        assert!(config(&[]).expect("defaults").client_ip_header.is_none());
        assert!(config(&[("CLIENT_IP_HEADER", "X Forwarded")]).is_err());
    }

    #[test]
    fn an_unknown_environment_is_rejected() {
        assert!(config(&[("APP_ENV", "staging")]).is_err());
    }

    #[test]
    fn a_database_password_never_prints() {
        let url = DatabaseUrl::new("postgres://app:hunter2@db.internal:5432/guestroom");
        assert_eq!(format!("{url:?}"), "postgres://app:[redacted]@db.internal:5432/guestroom");
        let config = config(&[("DATABASE_URL", url.expose())]).expect("valid");
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
