use crate::helpers::{TestApp, set_cookies, spawn_app};

async fn post(app: &TestApp, headers: &[(&str, String)]) -> reqwest::Response {
    let mut request = app
        .bare_client
        .post(app.url("/api/roster/list"))
        .header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.send().await.expect("request")
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_mints_nothing() {
    let app = spawn_app().await;
    let response = post(&app, &[("sec-fetch-site", "cross-site".into())]).await;
    assert_eq!(response.status(), 403);
    assert!(set_cookies(response.headers()).is_empty());
    // Said in the app's words (its sentence for `forbidden`), not the identity crate's.
    let said = response.text().await.expect("body");
    assert_eq!(said, "That request was refused. Reload the page and try again.");
}

#[tokio::test]
async fn a_cross_site_refusal_is_the_typed_error_when_json_is_accepted() {
    let app = spawn_app().await;
    let headers = [("sec-fetch-site", "cross-site".into()), ("accept", "application/json".into())];
    let response = post(&app, &headers).await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.text().await.expect("body"), r#""forbidden""#);
}

#[tokio::test]
async fn a_same_site_post_from_a_sibling_subdomain_is_refused() {
    let app = spawn_app().await;
    assert_eq!(post(&app, &[("sec-fetch-site", "same-site".into())]).await.status(), 403);
}

#[tokio::test]
async fn a_same_origin_post_is_allowed() {
    let app = spawn_app().await;
    assert_eq!(post(&app, &[("sec-fetch-site", "same-origin".into())]).await.status(), 200);
}

#[tokio::test]
async fn a_cross_site_get_is_untouched() {
    let app = spawn_app().await;
    let response = app
        .bare_client
        .get(app.url("/"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn without_fetch_metadata_a_foreign_origin_is_refused() {
    let app = spawn_app().await;
    assert_eq!(post(&app, &[("origin", "https://evil.example".into())]).await.status(), 403);
    assert_eq!(post(&app, &[("origin", "null".into())]).await.status(), 403);
}

#[tokio::test]
async fn without_fetch_metadata_the_apps_own_origin_passes() {
    let app = spawn_app().await;
    assert_eq!(post(&app, &[("origin", app.address.clone())]).await.status(), 200);
}

#[tokio::test]
async fn a_post_with_neither_header_passes_as_documented() {
    let app = spawn_app().await;
    assert_eq!(post(&app, &[]).await.status(), 200);
}
