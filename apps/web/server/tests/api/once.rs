//! Each change made once, however often it is sent: the `Idempotency-Key` header (the
//! island's) and a plain form's `idempotency_key` field; a key sent again with another
//! request refused; an answer lost after the commit, and the retry; and the changes a
//! page made for one identity, sent after the browser's identity changed.

use reqwest::Client;
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::{
    accounts::{browser, post, sign_up},
    helpers::{TestApp, cookie_value, set_cookies, spawn_app},
    mail::address,
    roster::{call, create, names},
};

/// Sends a roster change as the island does: JSON, with the key (and whose page made it).
async fn send(
    app: &TestApp,
    client: &Client,
    function: &str,
    key: &str,
    made_by: Option<&str>,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = client
        .post(app.url(&format!("/api/roster/{function}")))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("idempotency-key", key);
    if let Some(made_by) = made_by {
        request = request.header("guestroom-made-by", made_by);
    }
    let response = request.form(form).send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

/// The tag of whose data a page holds, as the page says it (`server::cache_owner`).
async fn page_tag(app: &TestApp, client: &Client) -> String {
    let page = client.get(app.url("/")).send().await.expect("page").text().await.expect("body");
    let at = page.find("cache_owner").expect("the island's data");
    let tag: String = page[at..]
        .split(|c: char| !c.is_ascii_hexdigit())
        .find(|part| part.len() == 16)
        .expect("a 16-digit tag")
        .to_owned();
    tag
}

#[tokio::test]
async fn every_change_sent_again_with_its_key_is_made_once_and_answered_the_same() {
    let app = spawn_app().await;
    let tom = create(&app, "🐱", "Tom").await;
    let tom = tom["id"].as_str().expect("id");
    let client = &app.client;
    let changes: [(&str, Vec<(&str, &str)>); 5] = [
        ("create", vec![("emoji", "🐶"), ("name", "Rex")]),
        ("update", vec![("id", tom), ("emoji", "🦁"), ("name", "Thomas")]),
        ("activate", vec![("id", tom), ("is_active", "false")]),
        ("move", vec![("id", tom), ("up", "false")]),
        ("delete", vec![("id", tom)]),
    ];
    for (function, form) in changes {
        let key = format!("key-{function}");
        let first = send(&app, client, function, &key, None, &form).await;
        assert_eq!(first.0, 200, "{function}: {}", first.1);
        let listed = call(&app, client, "list", &[]).await;
        let again = send(&app, client, function, &key, None, &form).await;
        assert_eq!(again, first, "{function}: the first answer");
        assert_eq!(call(&app, client, "list", &[]).await, listed, "{function}: nothing more");
    }
    let gone = send(&app, client, "delete", "key-delete", None, &[("id", tom)]).await.1;
    let restore = [
        ("emoji", "🦁"),
        ("name", "Thomas"),
        ("is_active", "false"),
        ("position", &gone["position"].to_string()),
    ];
    let first = send(&app, client, "restore", "key-restore", None, &restore).await;
    assert_eq!(first.0, 200, "{}", first.1);
    assert_eq!(send(&app, client, "restore", "key-restore", None, &restore).await, first);
    assert_eq!(names(&app, client).await, ["Rex", "Thomas"], "restored once");
}

#[tokio::test]
async fn a_key_sent_again_with_another_request_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let client = &app.client;
    send(&app, client, "create", "k", None, &[("emoji", "🐱"), ("name", "Tom")]).await;
    let other = send(&app, client, "create", "k", None, &[("emoji", "🐱"), ("name", "Tim")]).await;
    assert_eq!(other, (422, Value::String("key_reused".to_owned())));
    let elsewhere = send(&app, client, "delete", "k", None, &[("id", "x")]).await;
    assert_eq!(elsewhere.0, 404, "an id that names nothing is refused before the key");
    assert_eq!(names(&app, client).await, ["Tom"]);
    // A key that is no key is refused; a request without one is made as it comes.
    let blank = send(&app, client, "create", " ", None, &[("emoji", "🐶"), ("name", "Rex")]).await;
    assert_eq!(blank.0, 400, "{}", blank.1);
    call(&app, client, "create", &[("emoji", "🐶"), ("name", "Rex")]).await;
    call(&app, client, "create", &[("emoji", "🐶"), ("name", "Rex")]).await;
    assert_eq!(names(&app, client).await, ["Tom", "Rex", "Rex"]);
}

#[tokio::test]
async fn a_plain_form_sent_twice_is_one_change() {
    let app = spawn_app().await;
    let page = app.get("/").await.text().await.expect("page");
    let field = page.split("name=\"idempotency_key\"").nth(1).expect("a key field in the form");
    let key = field.split("value=\"").nth(1).and_then(|v| v.split('"').next()).expect("value");
    assert_eq!(key.len(), 32, "{key}");
    let form = [("emoji", "🐱"), ("name", "Tom"), ("idempotency_key", key)];
    for _ in 0..2 {
        let response = app.post_from_page("/api/roster/create", "/", &form).await;
        assert!(response.status().is_redirection(), "{}", response.status());
    }
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
    let other = [("emoji", "🐶"), ("name", "Rex"), ("idempotency_key", key)];
    let refused = app.post_from_page("/api/roster/create", "/", &other).await;
    let refused = app.page_after(refused).await;
    assert!(refused.contains("This change was sent before with other content"), "{refused}");
    assert_eq!(names(&app, &app.client).await, ["Tom"]);
}

/// Forwards one request to the app and drops the connection as soon as the answer
/// starts: the change is committed, and the client hears nothing.
async fn drop_the_answer(app: &TestApp) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let upstream = app.address.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        let (mut client, _) = listener.accept().await.expect("accept");
        let mut server = TcpStream::connect(upstream).await.expect("connect");
        let mut request = vec![0; 64 * 1024];
        let read = client.read(&mut request).await.expect("request");
        server.write_all(&request[..read]).await.expect("forward");
        let mut answer = [0; 1];
        server.read_exact(&mut answer).await.expect("the answer starts");
        // Both connections drop here, the answer unsent.
    });
    address
}

#[tokio::test]
async fn an_answer_lost_after_the_commit_and_the_retry_make_one_change() {
    let app = spawn_app().await;
    let visit = app.bare_client.get(app.url("/")).send().await.expect("page");
    let guest = set_cookies(visit.headers())
        .into_iter()
        .find(|c| c.starts_with("__Host-guest="))
        .expect("a guest cookie");
    let cookie = format!("__Host-guest={}", cookie_value(&guest));
    let create = |base: String| {
        app.bare_client
            .post(format!("{base}/api/roster/create"))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .header("idempotency-key", "lost")
            .form(&[("emoji", "🐱"), ("name", "Tom")])
            .send()
    };
    let lost = create(drop_the_answer(&app).await).await;
    assert!(lost.is_err(), "no answer: {lost:?}");
    let retry = create(app.address.clone()).await.expect("answer");
    assert_eq!(retry.status(), 200);
    let retried: Value = serde_json::from_str(&retry.text().await.expect("body")).expect("json");
    let listed = app
        .bare_client
        .post(app.url("/api/roster/list"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .send()
        .await
        .expect("list");
    let listed: Value = serde_json::from_str(&listed.text().await.expect("body")).expect("json");
    assert_eq!(listed, Value::Array(vec![retried]), "one Tom, the one the retry answered with");
}

#[tokio::test]
async fn a_guests_change_sent_after_its_upgrade_is_the_members() {
    let app = spawn_app().await;
    let client = browser();
    call(&app, &client, "create", &[("emoji", "🐱"), ("name", "Tom")]).await;
    let tag = page_tag(&app, &client).await;
    sign_up(&app, &client, &address("ada")).await;
    let form = [("emoji", "🐶"), ("name", "Rex")];
    let sent = send(&app, &client, "create", "after", Some(&tag), &form).await;
    assert_eq!(sent.0, 200, "{}", sent.1);
    assert_eq!(names(&app, &client).await, ["Tom", "Rex"]);
}

#[tokio::test]
async fn a_change_sent_after_a_sign_out_or_to_another_account_is_refused() {
    let app = spawn_app().await;
    let client = browser();
    sign_up(&app, &client, &address("ada")).await;
    call(&app, &client, "create", &[("emoji", "🐱"), ("name", "Tom")]).await;
    let ada = page_tag(&app, &client).await;
    post(&app, &client, "sign-out", &[]).await;
    let form = [("emoji", "🐶"), ("name", "Rex")];
    let refused = send(&app, &client, "create", "after", Some(&ada), &form).await;
    assert_eq!(refused, (409, Value::String("conflict/made_by_another".to_owned())));
    assert_eq!(names(&app, &client).await, Vec::<String>::new(), "nothing for the new guest");

    // The new guest's own page is this guest's; another account's is not.
    let guest = page_tag(&app, &client).await;
    assert_eq!(send(&app, &client, "create", "own", Some(&guest), &form).await.0, 200);
    let other = browser();
    sign_up(&app, &other, &address("bea")).await;
    let refused = send(&app, &other, "create", "elsewhere", Some(&ada), &form).await;
    assert_eq!(refused.0, 409);
    assert_eq!(names(&app, &other).await, Vec::<String>::new());
}
