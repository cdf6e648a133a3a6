//! "Continue on another device" over HTTP: a guest's code makes another browser the same
//! guest, once, its own avatars appended; the code is shown once, works for nobody
//! after, is refused to members, and typing codes is limited per network.

use reqwest::Client;

use crate::{
    accounts::{browser, post, sign_up},
    helpers::{TestApp, cookie_value, set_cookies, spawn_app},
    mail::address,
    roster::{call, names},
};

/// A guest with `avatars`, in a browser of its own.
async fn guest_with(app: &TestApp, avatars: &[&str]) -> Client {
    let guest = browser();
    guest.get(app.url("/")).send().await.expect("page");
    for name in avatars {
        let (status, _) = call(app, &guest, "create", &[("emoji", "🐱"), ("name", name)]).await;
        assert_eq!(status, 200);
    }
    guest
}

/// Makes a code as the page's form does, and reads it off the page it goes back to.
async fn make_code(app: &TestApp, guest: &Client) -> String {
    let made = guest
        .post(app.url("/api/account/device-code"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("", "")])
        .send()
        .await
        .expect("request");
    assert_eq!(made.status(), 302, "{:?}", made.headers());
    assert_eq!(made.headers()["location"], "/device");
    let page =
        guest.get(app.url("/device")).send().await.expect("page").text().await.expect("body");
    let code = page.split(r#"<p class="device-code"><strong>"#).nth(1).expect("the code");
    let code = code.split('<').next().expect("text").to_owned();
    assert!(page.contains("<svg"), "the QR code");
    let again =
        guest.get(app.url("/device")).send().await.expect("page").text().await.expect("body");
    assert!(!again.contains(&code), "shown once");
    code
}

#[tokio::test]
async fn a_code_makes_another_browser_the_same_guest_once_with_its_avatars_appended() {
    let app = spawn_app().await;
    let laptop = guest_with(&app, &["Tom", "Rex"]).await;
    let phone = guest_with(&app, &["Owl"]).await;
    let code = make_code(&app, &laptop).await;

    let continued = post(&app, &phone, "continue-here", &[("code", &code)]).await;
    assert_eq!(continued.status(), 200);
    let cookies = set_cookies(continued.headers());
    let guest = cookies.iter().find(|c| c.starts_with("__Host-guest=")).expect("a guest cookie");
    assert!(!cookie_value(guest).is_empty());
    assert_eq!(names(&app, &phone).await, ["Tom", "Rex", "Owl"]);
    assert_eq!(names(&app, &laptop).await, ["Tom", "Rex", "Owl"], "one guest, two devices");
    // Both write as that guest.
    call(&app, &phone, "create", &[("emoji", "🐶"), ("name", "Max")]).await;
    assert_eq!(names(&app, &laptop).await, ["Tom", "Rex", "Owl", "Max"]);

    let third = guest_with(&app, &[]).await;
    let again = post(&app, &third, "continue-here", &[("code", &code)]).await;
    assert_eq!(
        (again.status().as_u16(), again.text().await.expect("body")),
        (410, r#""bad_link""#.into())
    );
    assert!(names(&app, &third).await.is_empty());
}

#[tokio::test]
async fn members_make_no_codes_and_typing_codes_is_limited_per_network() {
    let app = spawn_app().await;
    let member = browser();
    sign_up(&app, &member, &address("ada")).await;
    let made = post(&app, &member, "device-code", &[]).await;
    assert_eq!(
        (made.status().as_u16(), made.text().await.expect("body")),
        (409, r#""conflict/signed_in""#.into())
    );
    let page =
        member.get(app.url("/device")).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("You are signed in: on the other device,"), "{page}");

    let phone = guest_with(&app, &[]).await;
    for _ in 0..identity::devices::DEVICE_CODE_TRIES {
        let wrong = post(&app, &phone, "continue-here", &[("code", "ABCD-EFGH")]).await;
        assert_eq!(wrong.status(), 410);
    }
    let over = post(&app, &phone, "continue-here", &[("code", "ABCD-EFGH")]).await;
    assert_eq!(over.status(), 429);
    assert!(over.headers().contains_key("retry-after"));
}
