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
    let three = config(&[("AUTH_ATTEMPTS_PER_EMAIL_PER_IP", "3")]).expect("valid");
    assert_eq!(three.attempt_limits.per_email_per_ip, 3);
    let renamed = config(&[("AUTH_ATTEMPTS_PER_EMAIL", "3")]).expect_err("renamed");
    assert!(renamed.to_string().contains("AUTH_ATTEMPTS_PER_EMAIL_PER_IP"), "{renamed}");
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
    assert_eq!(config(&[("GUEST_RETENTION_DAYS", "31")]).expect("valid").guest_retention_days, 31);
    for bad in ["30", "0", "-1", "ninety"] {
        assert!(config(&[("GUEST_RETENTION_DAYS", bad)]).is_err(), "{bad}");
    }
}

#[test]
fn a_client_ip_header_is_a_header_name_believed_from_trusted_proxies() {
    let set = config(&[("CLIENT_IP_HEADER", "X-Forwarded-For")]).expect("valid");
    let header = set.client_address.header.map(|h| h.to_string());
    assert_eq!(header, Some("x-forwarded-for".into()));
    let defaults = config(&[]).expect("defaults").client_address;
    assert!(defaults.header.is_none());
    let local = |ip: &str| defaults.trusted.iter().any(|n| n.contains(ip.parse().expect("ip")));
    assert!(local("127.0.0.1") && local("::1") && !local("10.0.0.1"), "this machine only");
    assert!(config(&[("CLIENT_IP_HEADER", "X Forwarded")]).is_err());
    let set = config(&[("TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8")]).expect("valid");
    assert_eq!(set.client_address.trusted.len(), 2);
    let error = config(&[("TRUSTED_PROXIES", "10.0.0.0/40")]).expect_err("invalid");
    assert!(error.to_string().starts_with("TRUSTED_PROXIES is invalid"), "{error}");
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
    for (url, printed) in [
        (
            "postgres://db.internal/guestroom?user=app&password=hunter2",
            "postgres://db.internal/guestroom?user=app&password=[redacted]",
        ),
        (
            "postgres://app:hunter2@db/g?sslmode=require&sslpassword=hunter2",
            "postgres://app:[redacted]@db/g?sslmode=require&sslpassword=[redacted]",
        ),
        // A password with an `@` in it (unencoded) is cut at the last one.
        ("postgres://app:hun@ter2@db/g", "postgres://app:[redacted]@db/g"),
        ("sqlite://data/guestroom.db?mode=rwc", "sqlite://data/guestroom.db?mode=rwc"),
    ] {
        assert_eq!(DatabaseUrl::new(url).redacted(), printed);
    }
}

#[test]
fn traffic_limits_and_timeouts_have_defaults_and_refuse_zero() {
    let defaults = config(&[]).expect("defaults");
    assert_eq!(defaults.traffic.writes_per_owner.get(), 120);
    assert_eq!(defaults.traffic.max_in_flight, 512);
    assert_eq!(defaults.timeouts.header, std::time::Duration::from_secs(10));
    let set = config(&[("NEW_GUESTS_PER_MINUTE_PER_IP", "5"), ("REQUEST_TIMEOUT_SECS", "2")])
        .expect("valid");
    assert_eq!(set.traffic.new_guests_per_ip.get(), 5);
    assert_eq!(set.timeouts.request, std::time::Duration::from_secs(2));
    for (name, bad) in [
        ("WRITES_PER_MINUTE_PER_IP", "0"),
        ("MAX_REQUESTS_IN_FLIGHT", "0"),
        ("HEADER_TIMEOUT_SECS", "0"),
        ("SHUTDOWN_TIMEOUT_SECS", "soon"),
    ] {
        let error = config(&[(name, bad)]).expect_err(bad);
        assert!(error.to_string().starts_with(&format!("{name} is invalid")), "{error}");
    }
}

#[test]
fn the_metrics_token_never_prints() {
    let config = config(&[("METRICS_TOKEN", "scrape-secret-123")]).expect("valid");
    assert!(!format!("{config:?}").contains("scrape-secret"));
}

#[test]
fn providers_are_read_by_id_with_their_settings() {
    let settings = [
        ("OIDC_PROVIDERS", "google, my-id"),
        ("OIDC_GOOGLE_ISSUER", "https://accounts.google.com"),
        ("OIDC_GOOGLE_CLIENT_ID", "g-id"),
        ("OIDC_GOOGLE_CLIENT_SECRET", "g-secret"),
        ("OIDC_MY_ID_ISSUER", "https://id.example/realms/main"),
        ("OIDC_MY_ID_CLIENT_ID", "guestroom"),
        ("OIDC_MY_ID_CLIENT_SECRET", "k-secret"),
        ("OIDC_MY_ID_NAME", "Example ID"),
    ];
    let providers = config(&settings).expect("valid").providers;
    let read: Vec<_> = providers.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
    assert_eq!(read, [("google", "Google"), ("my-id", "Example ID")]);
    assert!(!format!("{providers:?}").contains("secret\""), "secrets never print");
    assert!(config(&[]).expect("valid").providers.is_empty());
}

#[test]
fn a_provider_without_its_settings_or_listed_twice_is_refused() {
    let missing = config(&[("OIDC_PROVIDERS", "google"), ("OIDC_GOOGLE_ISSUER", "https://a.b")]);
    let error = missing.expect_err("no client id");
    assert!(error.to_string().starts_with("OIDC_PROVIDERS is invalid"), "{error}");
    let settings = |id: &'static str| {
        [("OIDC_A_ISSUER", "https://a.b"), ("OIDC_A_CLIENT_ID", "x"), ("OIDC_A_CLIENT_SECRET", "y")]
            .into_iter()
            .chain([("OIDC_PROVIDERS", id)])
            .collect::<Vec<_>>()
    };
    assert!(config(&settings("a")).is_ok());
    assert!(config(&settings("a,a")).is_err());
}

#[test]
fn providers_in_production_need_the_public_origin() {
    let production = [
        ("APP_ENV", "production"),
        ("SMTP_URL", "smtps://mail.example:465"),
        ("OIDC_PROVIDERS", "a"),
        ("OIDC_A_ISSUER", "https://a.b"),
        ("OIDC_A_CLIENT_ID", "x"),
        ("OIDC_A_CLIENT_SECRET", "y"),
    ];
    let error = config(&production).expect_err("no PUBLIC_ORIGIN");
    assert!(error.to_string().starts_with("PUBLIC_ORIGIN is invalid"), "{error}");
    let with_origin: Vec<_> =
        production.into_iter().chain([("PUBLIC_ORIGIN", "https://guestroom.example")]).collect();
    assert!(config(&with_origin).is_ok());
}

#[test]
fn mail_goes_to_files_in_development_and_needs_an_smtp_server_in_production() {
    let development = config(&[]).expect("defaults are valid");
    assert!(development.mail.smtp_url.is_none());
    assert_eq!(development.mail.outbox, PathBuf::from("data/outbox"));
    let production = config(&[("APP_ENV", "production")]).expect_err("no SMTP_URL");
    assert!(production.to_string().starts_with("SMTP_URL is invalid"), "{production}");
    let with_smtp = [("APP_ENV", "production"), ("SMTP_URL", "smtp://relay:587?tls=required")];
    assert!(config(&with_smtp).is_ok());
    // A URL that is not SMTP is refused without printing it: it may hold a password.
    let error = config(&[("SMTP_URL", "http://user:hunter2@mail")]).expect_err("not SMTP");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let with_password = config(&[("SMTP_URL", "smtps://user:hunter2@mail.example:465")]);
    assert!(!format!("{:?}", with_password.expect("valid").mail).contains("hunter2"));
}
