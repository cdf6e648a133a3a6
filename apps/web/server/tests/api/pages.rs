use crate::helpers::spawn_app;

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.expect("body");
    assert!(html.contains("Your avatars</h1>"), "{html}");
    assert!(html.contains(r#"<label for="new-name">Name</label>"#), "{html}");
    // The page loads the bundle that hydrates it.
    assert!(html.contains("/pkg/guestroom.js"), "{html}");
    assert!(html.contains("/pkg/guestroom_bg.wasm"), "{html}");
    assert!(html.contains("/pkg/guestroom.css"), "{html}");
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.expect("body").contains("Page not found"));
}

#[tokio::test]
async fn a_page_whose_data_cannot_be_read_answers_503_and_recovers_by_itself() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    crate::roster::create(&app, "🐱", "Tom").await;
    let db = app.store.connection();
    db.execute_unprepared("ALTER TABLE avatars RENAME TO avatars_away").await.expect("hide");
    let page = app.get("/").await;
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    assert!(page.text().await.expect("body").contains("Something went wrong"));

    db.execute_unprepared("ALTER TABLE avatars_away RENAME TO avatars").await.expect("back");
    let page = app.get("/").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("body").contains("Tom"));
}
