//! One guest cookie in two browsers (a copied token, a second device), and one of them
//! becomes a member: the account is that browser's alone. The other can neither read nor
//! write the member's avatars with the cookie, and its first write makes it a new, empty
//! guest instead of leaving it refused on every write.

use std::sync::Arc;

use reqwest::{Client, cookie::Jar};

use crate::{
    accounts::{browser, sign_up},
    helpers::{TestApp, cookie_value, set_cookies, spawn_app},
    mail::address,
    roster::{call, names},
};

/// A second browser holding the same guest cookie as the first.
fn copy_of(app: &TestApp, guest_token: &str) -> Client {
    let jar = Jar::default();
    let url = app.url("/").parse().expect("the app's URL");
    jar.add_cookie_str(&format!("__Host-guest={guest_token}; Path=/"), &url);
    Client::builder().cookie_provider(Arc::new(jar)).build().expect("client")
}

/// A guest with one avatar, Tom, in the first browser and in a copy holding its cookie;
/// and that guest's `Set-Cookie`.
async fn one_guest_in_two_browsers(app: &TestApp) -> (Client, Client, String) {
    let first = browser();
    let visit = first.get(app.url("/")).send().await.expect("page");
    let guest = set_cookies(visit.headers())
        .into_iter()
        .find(|c| c.starts_with("__Host-guest="))
        .expect("a guest cookie");
    let copy = copy_of(app, cookie_value(&guest));
    call(app, &first, "create", &[("emoji", "🐱"), ("name", "Tom")]).await;
    (first, copy, guest)
}

/// Whether `cookies` make the browser a guest other than `guest`'s.
fn sets_a_new_guest(cookies: &[String], guest: &str) -> bool {
    cookies.iter().any(|c| c.starts_with("__Host-guest=ey") && !c.contains(cookie_value(guest)))
}

#[tokio::test]
async fn another_holder_of_an_upgraded_guests_cookie_gets_a_new_guest_not_the_account() {
    let app = spawn_app().await;
    let (first, copy, guest) = one_guest_in_two_browsers(&app).await;
    assert_eq!(names(&app, &copy).await, ["Tom"], "one guest, two browsers");

    sign_up(&app, &first, &address("ada")).await;
    assert_eq!(names(&app, &first).await, ["Tom"]);

    // A page left open: its first request after the upgrade is a write.
    let refused = copy
        .post(app.url("/api/roster/create"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&[("emoji", "🦉"), ("name", "Owl")])
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 409);
    let cookies = set_cookies(refused.headers());
    assert!(sets_a_new_guest(&cookies, &guest), "a new guest: {cookies:?}");
    assert!(!cookies.iter().any(|c| c.starts_with("__Host-session=")), "no session touched");
    assert_eq!(refused.text().await.expect("body"), r#""conflict/guest_merged""#);

    let (status, _) = call(&app, &copy, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    assert_eq!(status, 200, "the new guest writes");
    assert_eq!(names(&app, &copy).await, ["Owl"]);
    assert_eq!(names(&app, &first).await, ["Tom"], "the member's roster is untouched");
}

/// The copy that loads the page after the upgrade is a new guest from that page on: its
/// first write is its own, with no refusal first.
#[tokio::test]
async fn a_copy_that_loads_the_page_after_the_upgrade_is_a_new_guest_at_once() {
    let app = spawn_app().await;
    let (first, copy, guest) = one_guest_in_two_browsers(&app).await;
    sign_up(&app, &first, &address("ada")).await;

    let page = copy.get(app.url("/")).send().await.expect("page");
    let cookies = set_cookies(page.headers());
    assert!(sets_a_new_guest(&cookies, &guest), "a new guest: {cookies:?}");
    assert!(!page.text().await.expect("body").contains("Tom"));
    let (status, _) = call(&app, &copy, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    assert_eq!(status, 200, "no refusal first");
    assert_eq!(names(&app, &copy).await, ["Owl"]);
    assert_eq!(names(&app, &first).await, ["Tom"]);
}

/// A copy whose open page reads the list after the upgrade reads nothing of the member's,
/// and is a new guest from that answer on: its next write is its own.
#[tokio::test]
async fn a_copy_that_reads_the_list_after_the_upgrade_gets_nothing_and_a_new_guest() {
    let app = spawn_app().await;
    let (first, copy, guest) = one_guest_in_two_browsers(&app).await;
    sign_up(&app, &first, &address("ada")).await;

    let read = copy
        .post(app.url("/api/roster/list"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .send()
        .await
        .expect("request");
    assert_eq!(read.status(), 200);
    assert!(sets_a_new_guest(&set_cookies(read.headers()), &guest), "a new guest");
    assert_eq!(read.text().await.expect("body"), "[]", "nothing of the member's");
    let (status, _) = call(&app, &copy, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    assert_eq!(status, 200, "no refusal first");
    assert_eq!(names(&app, &copy).await, ["Owl"]);
    assert_eq!(names(&app, &first).await, ["Tom"]);
}
