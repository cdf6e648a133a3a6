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

/// How many home pages this process has written from their template.
async fn from_template(app: &crate::helpers::TestApp) -> u64 {
    let text = app.get_with_cookie("/metrics", None).await.text().await.expect("body");
    text.lines()
        .find_map(|line| line.strip_prefix("guestroom_pages_from_template_total "))
        .map_or(0, |count| count.trim().parse().expect("a count"))
}

/// A plain home page — a guest's or a member's, empty or not, with nothing else to say —
/// is written from a template cut from the page's own render (`pages::home`). This is a
/// debug build, which renders each such page in full too and fails it unless the two are
/// the same: so is every page the other tests load. (The count is the process's, which
/// the tests running beside this one add to: it shows that the template is used, not by
/// whom.)
#[tokio::test]
async fn plain_home_pages_are_written_from_their_template() {
    let app = spawn_app().await;
    let before = from_template(&app).await;
    let empty = app.get("/").await.text().await.expect("body");
    assert!(empty.contains("No avatars yet"), "{empty}");
    crate::roster::create(&app, "🐱", r#"<b>"Tom" & 'Jerry'</b>"#).await;
    crate::roster::create(&app, "🐶", "Rex").await;
    let page = app.get("/").await.text().await.expect("body");
    assert!(page.contains("&lt;b&gt;\"Tom\" &amp; 'Jerry'&lt;/b&gt;"), "{page}");
    assert!(page.contains("&quot;name&quot;:&quot;Rex&quot;"), "{page}");
    let response = crate::accounts::sign_up(&app, &app.client, "pages@example.com").await;
    assert!(response.status().is_success() || response.status().is_redirection());
    // The first page after the sign-up may carry its notice, and be rendered in full.
    for _ in 0..2 {
        let member = app.get("/").await.text().await.expect("body");
        assert!(member.contains("Sign out") && member.contains("Rex"), "{member}");
    }
    assert!(from_template(&app).await >= before + 3);
}
