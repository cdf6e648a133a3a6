use persistence::Store;
use server::{config::Config, startup::Application};

/// A running instance of the app on its own port and its own SQLite file.
pub struct TestApp {
    pub address: String,
    /// Keeps cookies between requests, as a browser would.
    pub client: reqwest::Client,
    pub store: Store,
    _database_dir: tempfile::TempDir,
}

/// Settings for a test instance: a fresh SQLite database in a temporary folder, port 0.
pub fn test_config(database_dir: &tempfile::TempDir) -> Config {
    let url = format!(
        "sqlite://{}?mode=rwc",
        database_dir.path().join("app.db").display()
    );
    Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "PORT" => Some("0".to_owned()),
        _ => None,
    })
    .expect("test configuration is valid")
}

pub async fn spawn_app() -> TestApp {
    let database_dir = tempfile::tempdir().expect("temporary folder");
    let app = Application::build(&test_config(&database_dir))
        .await
        .expect("app starts");
    let address = app.url();
    let store = app.store().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    TestApp {
        address,
        client,
        store,
        _database_dir: database_dir,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }
}
