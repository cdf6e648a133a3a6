//! Per-page preload: only page routes (GET and HEAD) load page data, each through its
//! own loader; server functions and the emoji search load nothing.

use app::roster::RosterPageData;
use http::{Method, Request};
use identity::{NewGuest, OwnerId, Viewer};

use crate::{
    helpers::{logged, spawn_app},
    roster::{call, create},
};

fn request(method: Method, path: &str, viewer: Viewer) -> Request<()> {
    let mut request = Request::builder().method(method).uri(path).body(()).expect("request");
    request.extensions_mut().insert(viewer);
    request
}

/// Breaks every roster read of the app's database: a loader that queried it would fail.
async fn drop_avatars(app: &crate::helpers::TestApp) {
    use sea_orm::ConnectionTrait;
    app.store.connection().execute_unprepared("DROP TABLE avatars").await.expect("drop");
}

#[tokio::test]
async fn page_routes_load_their_data_on_get_and_head() {
    let app = spawn_app().await;
    let guest = OwnerId::random();
    app.store
        .create_avatar(guest, persistence::domain::NewAvatar::parse("🐱", "Tom", true).expect("ok"))
        .await
        .expect("create");
    for method in [Method::GET, Method::HEAD] {
        let mut request = request(method.clone(), "/", Viewer::Guest { sid: guest });
        app::preload(&app.store, &app.identity, &mut request).await;
        let data = request.extensions().get::<RosterPageData>().expect("roster loaded");
        let names: Vec<_> =
            data.roster.as_ref().expect("list").iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Tom"], "{method}");
    }
}

#[tokio::test]
async fn server_functions_and_the_emoji_search_load_nothing() {
    let app = spawn_app().await;
    let viewer = Viewer::Guest { sid: OwnerId::random() };
    for (method, path) in [
        (Method::GET, "/api/emoji?query=cat&group=0"),
        (Method::POST, "/api/roster/create"),
        (Method::POST, "/api/roster/list"),
        (Method::POST, "/"),
        (Method::GET, "/healthz"),
    ] {
        let mut request = request(method.clone(), path, viewer);
        app::preload(&app.store, &app.identity, &mut request).await;
        assert!(request.extensions().get::<RosterPageData>().is_none(), "{method} {path}");
    }
}

#[tokio::test]
async fn a_guest_minted_by_this_request_needs_no_database_read() {
    let app = spawn_app().await;
    drop_avatars(&app).await;
    let mut request = request(Method::GET, "/", Viewer::Guest { sid: OwnerId::random() });
    request.extensions_mut().insert(NewGuest);
    app::preload(&app.store, &app.identity, &mut request).await;
    let data = request.extensions().get::<RosterPageData>().expect("roster loaded");
    assert_eq!(data.roster, Ok(Vec::new()));
}

#[tokio::test]
async fn the_emoji_search_answers_while_the_roster_cannot_be_read() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    drop_avatars(&app).await;
    let response = app.get("/api/emoji?query=owl&group=0").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.expect("body").contains("🦉"));
    // The roster itself now fails, as a 503 with the typed error.
    let (status, body) = call(&app, &app.client, "list", &[]).await;
    assert_eq!((status, body), (503, serde_json::json!("unavailable")));
}

#[tokio::test]
async fn head_of_the_home_page_answers_like_get_and_logs_no_error() {
    let app = spawn_app().await;
    create(&app, "🐱", "Tom").await;
    let head = app.client.head(app.url("/")).send().await.expect("request");
    assert_eq!(head.status(), 200);
    let content_type = head.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    // Without its data the page would render an error and log it (once per such render).
    let logged = logged();
    assert!(!logged.contains("rendered without its data"), "{logged}");
    assert!(app.get("/").await.text().await.expect("body").contains("Tom"));
}
