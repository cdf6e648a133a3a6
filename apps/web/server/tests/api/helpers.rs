use std::{
    cell::OnceCell,
    sync::{Arc, Mutex, PoisonError},
};

use chrono::{TimeZone, Utc};
use identity::{GuestTokens, Keyring, ManualClock, MemberStore, SessionPolicy, SessionTokens};
use persistence::Store;
use reqwest::header::{HeaderMap, SET_COOKIE};
use server::{config::Config, startup::Application, state::AppState};

/// The secret every test instance runs with, so tests can mint tokens the app accepts.
pub const TEST_SECRET: &str = "BqGZMlg+NofT7rvGf7HvHjE4aO2sWvPOcnRs9CK5bm4=";

/// A running instance of the app on its own port, SQLite file and clock.
pub struct TestApp {
    pub address: String,
    /// Keeps cookies between requests, as a browser would.
    pub client: reqwest::Client,
    /// Sends only the cookies a test gives it.
    pub bare_client: reqwest::Client,
    pub store: Store,
    pub identity: identity::Identity<Store>,
    /// The app's shared state: its limits and breaker, for tests to wait on.
    pub state: AppState,
    pub clock: ManualClock,
    _database_dir: tempfile::TempDir,
}

/// Settings for a test instance: a fresh SQLite database in a temporary folder, port 0.
pub fn test_config(database_dir: &tempfile::TempDir) -> Config {
    test_config_with(database_dir, &[])
}

/// [`test_config`] with some settings of the test's own.
fn test_config_with(database_dir: &tempfile::TempDir, settings: &[(&str, &str)]) -> Config {
    let url = format!("sqlite://{}?mode=rwc", database_dir.path().join("app.db").display());
    let outbox = database_dir.path().join("outbox").display().to_string();
    let setting = |name: &str| {
        settings.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    };
    Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "PORT" => Some("0".to_owned()),
        "AUTH_SECRET" => Some(TEST_SECRET.to_owned()),
        // The SMTP server scripts/test.sh starts (maildev); without it, mail goes to
        // files in the test's folder.
        "SMTP_URL" => setting(name).or_else(|| std::env::var("GUESTROOM_TEST_SMTP_URL").ok()),
        "MAIL_OUTBOX" => setting(name).or_else(|| Some(outbox.clone())),
        _ => setting(name),
    })
    .expect("test configuration is valid")
}

/// Everything this test's apps logged at WARN or above, and their audit lines, one line
/// per event. Each test has a log of its own: the apps of a `#[tokio::test]` run on the
/// test's one thread, and the log is that thread's (a test on a multi-threaded runtime
/// would find it empty, and fail rather than pass on another test's lines).
pub fn logged() -> String {
    capture_logs();
    LOG.with(|log| {
        let log = log.get().expect("installed above");
        let lines = log.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&lines).into_owned()
    })
}

thread_local! {
    /// This thread's log, and the guard that keeps its subscriber this thread's default.
    static LOG: OnceCell<(Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard)> =
        const { OnceCell::new() };
}

/// Sends the WARN and ERROR events and audit lines of this thread to [`logged`] (once per
/// thread).
fn capture_logs() {
    LOG.with(|log| {
        log.get_or_init(|| {
            let lines = Arc::<Mutex<Vec<u8>>>::default();
            let writer = {
                let lines = Arc::clone(&lines);
                move || LogWriter(Arc::clone(&lines))
            };
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("warn,audit=info"))
                .with_ansi(false)
                .with_writer(writer)
                .finish();
            (lines, tracing::subscriber::set_default(subscriber))
        });
    });
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Waits until `condition` holds, looking every 10 ms for up to 10 s; fails the test,
/// saying what it waited for, if it never does.
pub async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !condition() {
        assert!(std::time::Instant::now() < deadline, "waited 10 s for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// An instance with some settings of the test's own (`AUTH_ATTEMPTS_PER_IP`, say).
pub async fn spawn_app_with(settings: &[(&str, &str)]) -> TestApp {
    spawn_app_until(settings, std::future::pending()).await.0
}

/// An instance that stops serving when `stop` completes; the handle ends when it has
/// shut down.
pub async fn spawn_app_until(
    settings: &[(&str, &str)],
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> (TestApp, tokio::task::JoinHandle<std::io::Result<()>>) {
    capture_logs();
    let database_dir = tempfile::tempdir().expect("temporary folder");
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().expect("date"));
    let config = test_config_with(&database_dir, settings);
    let app =
        Application::build_with_clock(&config, Arc::new(clock.clone())).await.expect("app starts");
    let address = app.url();
    let (store, identity, state) =
        (app.store().clone(), app.identity().clone(), app.state().clone());
    let serving = tokio::spawn(app.run_until(stop));
    // A request that hangs fails its test within the timeout instead of stalling the run.
    let builder = || {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(20))
    };
    let app = TestApp {
        address,
        client: builder().cookie_store(true).build().expect("http client"),
        bare_client: builder().build().expect("http client"),
        store,
        identity,
        state,
        clock,
        _database_dir: database_dir,
    };
    (app, serving)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// A GET that sends exactly the given `Cookie` header (or none).
    pub async fn get_with_cookie(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.bare_client.get(self.url(path));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request")
    }

    /// Posts a form to `endpoint` as a browser without JavaScript does from `page`: it
    /// asks for HTML, and the server answers with a redirect.
    pub async fn post_from_page(
        &self,
        endpoint: &str,
        page: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(endpoint))
            .header("accept", "text/html")
            .header("referer", self.url(page))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// The page a no-JavaScript post was redirected to, as the browser then shows it.
    pub async fn page_after(&self, response: reqwest::Response) -> String {
        assert!(response.status().is_redirection(), "{}", response.status());
        let location = response.headers()["location"].to_str().expect("ascii").to_owned();
        let url = if location.starts_with('/') { self.url(&location) } else { location };
        self.client.get(&url).send().await.expect("page").text().await.expect("body")
    }

    pub fn guest_tokens(&self) -> GuestTokens {
        GuestTokens::new(keys(), identity::DEFAULT_GUEST_LIFETIME)
    }

    pub fn session_tokens(&self) -> SessionTokens {
        SessionTokens::new(keys(), SessionPolicy::default())
    }
}

fn keys() -> Keyring {
    Keyring::from_secrets(TEST_SECRET).expect("valid secret")
}

/// Every `Set-Cookie` header of a response.
pub fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().expect("ascii").to_owned())
        .collect()
}

/// The value a `Set-Cookie` header gives its cookie.
pub fn cookie_value(set_cookie: &str) -> &str {
    set_cookie.split(';').next().and_then(|pair| pair.split_once('=')).map_or("", |(_, v)| v)
}

/// A member without a password (as a provider or a passkey makes one), made in the store,
/// named after the email ("Ada" for ada@example.com).
pub async fn passwordless_member(app: &TestApp, email: &str) -> identity::account::Member {
    let local = email.split('@').next().unwrap_or("member");
    let name: String =
        local.chars().take(1).flat_map(char::to_uppercase).chain(local.chars().skip(1)).collect();
    app.store
        .create_member(identity::account::NewMember {
            id: identity::OwnerId::random(),
            email: identity::account::Email::parse(email).expect("a valid test email"),
            display_name: identity::account::DisplayName::parse(&name).expect("a valid name"),
            password_hash: None,
            link: None,
            passkey: None,
        })
        .await
        .expect("create member")
}

/// A `Cookie` pair of a session of `member`, who signed in at `signed_in`.
pub fn session_cookie(
    app: &TestApp,
    member: &identity::account::Member,
    signed_in: chrono::DateTime<Utc>,
) -> String {
    let now = identity::Clock::now(&app.clock);
    let session = app.session_tokens().issue(member.id, member.session_version, signed_in, now);
    format!("__Host-session={session}")
}
