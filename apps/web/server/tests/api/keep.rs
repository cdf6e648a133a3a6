//! A sign-in to an account with no room for the guest's avatars: they stay the guest's,
//! the roster page says so, `/keep` lists both sets, and the member's choice completes
//! the merge — never past the cap, never twice. A sign-out before choosing gives the
//! browser back to the guest.

use identity::{MemberStore, account::Email};
use persistence::domain::NewAvatar;
use reqwest::Client;

use crate::{
    accounts::{PASSWORD, browser, post, sign_up},
    helpers::{TestApp, cookie_value, set_cookies, spawn_app},
    mail::address,
    roster::{call, names},
};

/// Ada's account, filled to 99 avatars (the cap is 100), and in another browser a guest
/// with Tom and Rex that signs in to it; that guest's cookie.
async fn full_account_and_a_guest_signing_in(app: &TestApp) -> (String, Client, String) {
    let ada = address("ada");
    sign_up(app, &browser(), &ada).await;
    let email = Email::parse(&ada).expect("valid");
    let member = app.store.find_member_by_email(&email).await.expect("read").expect("Ada");
    for at in 0..99 {
        let avatar = NewAvatar::parse("🦉", &format!("Owl {at}"), true).expect("valid");
        app.store.create_avatar(member.id, avatar).await.expect("create");
    }
    let guest = browser();
    let page = guest.get(app.url("/")).send().await.expect("page");
    let guest_cookie = set_cookies(page.headers())
        .into_iter()
        .find(|c| c.starts_with("__Host-guest="))
        .expect("a guest cookie");
    for name in ["Tom", "Rex"] {
        call(app, &guest, "create", &[("emoji", "🐱"), ("name", name)]).await;
    }
    let signed_in = post(app, &guest, "sign-in", &[("email", &ada), ("password", PASSWORD)]).await;
    assert_eq!(signed_in.status(), 200);
    let cookies = set_cookies(signed_in.headers());
    let kept = cookies.iter().find(|c| c.starts_with("__Host-guest=")).expect("guest cookie");
    let sid =
        |token: &str| app.guest_tokens().verify(token, app.identity.now()).expect("valid").sid;
    assert_eq!(sid(cookie_value(kept)), sid(cookie_value(&guest_cookie)), "the guest stays");
    assert!(cookies.iter().any(|c| c.starts_with("__Host-session=ey")), "{cookies:?}");
    (ada, guest, guest_cookie)
}

/// The ids of the avatars `/keep` lists, in order, and its `shown` field.
fn choices(page: &str) -> (Vec<String>, String) {
    let value = |tag: &str| {
        let start = tag.find("value=\"").expect("a value") + 7;
        tag[start..].split('"').next().expect("quoted").to_owned()
    };
    let ids = page.split("<input type=\"checkbox\"").skip(1).map(value).collect();
    let shown = page.split("name=\"shown\"").nth(1).map(value).expect("the shown field");
    (ids, shown)
}

/// Posts the choice as the page's form does without JavaScript: `keep[i]` per checked box.
async fn choose(app: &TestApp, client: &Client, shown: &str, keep: &[String]) -> (u16, String) {
    let mut form = vec![("shown".to_owned(), shown.to_owned())];
    form.extend(keep.iter().enumerate().map(|(at, id)| (format!("keep[{at}]"), id.clone())));
    let response = client
        .post(app.url("/api/account/keep"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_full_account_leaves_the_guests_avatars_waiting_until_the_member_chooses_once() {
    let app = spawn_app().await;
    let (_, ada, _) = full_account_and_a_guest_signing_in(&app).await;
    assert_eq!(names(&app, &ada).await.len(), 99, "nothing came along yet");

    let roster = ada.get(app.url("/")).send().await.expect("page").text().await.expect("body");
    assert!(roster.contains("2 avatars you made before signing in did not come along"));
    assert!(roster.contains(r#"<a href="/keep">Choose what to keep</a>"#), "{roster}");

    let page = ada.get(app.url("/keep")).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("It has 99, and 2 you made before signing in are waiting"), "{page}");
    let (ids, shown) = choices(&page);
    assert_eq!(ids.len(), 101);
    // The waiting set comes first.
    let (tom, rex) = (&ids[0], &ids[1]);
    assert!(page.contains("Made before you signed in (2)"));

    // All 101 kept is one too many: refused, nothing changed.
    let (status, body) = choose(&app, &ada, &shown, &ids).await;
    assert_eq!((status, body.as_str()), (409, r#""conflict/avatar_limit/100""#));
    assert_eq!(names(&app, &ada).await.len(), 99);

    // Let Owl 0 go: the guest's two come along, after the account's own.
    let all_but_owl_0 = [&ids[..2], &ids[3..]].concat();
    let (status, body) = choose(&app, &ada, &shown, &all_but_owl_0).await;
    assert_eq!(status, 200, "{body}");
    let kept = names(&app, &ada).await;
    assert_eq!(
        (kept.len(), &kept[0], &kept[98..]),
        (100, &"Owl 1".to_owned(), &["Tom".to_owned(), "Rex".to_owned()][..])
    );
    // The same choice again (a double click) changes nothing, with or without the cookie.
    let (status, _) = choose(&app, &ada, &shown, &[tom.clone(), rex.clone()]).await;
    assert_eq!(status, 200);
    assert_eq!(names(&app, &ada).await, kept);
    let roster = ada.get(app.url("/")).send().await.expect("page").text().await.expect("body");
    assert!(!roster.contains("did not come along"));
}

#[tokio::test]
async fn a_sign_out_before_choosing_gives_the_browser_back_to_the_guest_and_its_avatars() {
    let app = spawn_app().await;
    let (_, ada, guest_cookie) = full_account_and_a_guest_signing_in(&app).await;
    let out = post(&app, &ada, "sign-out", &[]).await;
    let cookies = set_cookies(out.headers());
    let guest = cookies.iter().find(|c| c.starts_with("__Host-guest=")).expect("a guest");
    let sid =
        |token: &str| app.guest_tokens().verify(token, app.identity.now()).expect("valid").sid;
    assert_eq!(sid(cookie_value(guest)), sid(cookie_value(&guest_cookie)));
    assert_eq!(names(&app, &ada).await, ["Tom", "Rex"], "the guest's, as before");
}

#[tokio::test]
async fn keep_shows_nothing_to_choose_and_changes_nothing_without_a_waiting_guest() {
    let app = spawn_app().await;
    let ada = browser();
    sign_up(&app, &ada, &address("ada")).await;
    let page = ada.get(app.url("/keep")).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("Nothing is waiting to be kept."), "{page}");
    let (_, owl) = call(&app, &ada, "create", &[("emoji", "🦉"), ("name", "Owl")]).await;
    // A forged choice that would let Owl go: with no guest waiting, nothing happens.
    let owl = owl["id"].as_str().expect("an id");
    let (status, _) = choose(&app, &ada, owl, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(names(&app, &ada).await, ["Owl"]);
}
