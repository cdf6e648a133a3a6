//! A sign-in whose merge would pass the roster's cap: the guest's rows stay the guest's,
//! the browser keeps the guest's cookie beside the session, the middleware names that
//! guest, and a sign-out gives the browser back to it.

use std::sync::Arc;

use axum::{
    Extension, Router,
    body::Body,
    http::{Request, header},
    routing::get,
};
use identity::{
    Identity, IdentityOptions, ManualClock, OwnerId, Viewer, WaitingGuest,
    account::{Accounts, PasswordHasher},
    http::cookies::{GUEST_COOKIE, SESSION_COOKIE},
    identify,
    testing::MemoryStore,
};
use tower::ServiceExt;

use crate::helpers::{SECRET, keys, start};

const PASSWORD: &str = "staple battery horse";

struct Parts {
    store: MemoryStore,
    identity: Identity<MemoryStore>,
    accounts: Accounts<MemoryStore>,
}

/// A store that holds a member to 5 rows after a merge, and Ada's account with 4.
async fn parts() -> (Parts, OwnerId) {
    let clock = Arc::new(ManualClock::new(start()));
    let store = MemoryStore::new(clock.clone()).with_cap(5);
    let identity = Identity::new(keys(SECRET), store.clone(), clock, IdentityOptions::default());
    let accounts = Accounts::new(store.clone(), PasswordHasher::new());
    let adas_guest = OwnerId::random();
    store.give(adas_guest, 4);
    let ada = accounts.sign_up(adas_guest, "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("sign up").member.id;
    (Parts { store, identity, accounts }, ada)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_past_the_cap_leaves_the_guests_rows_waiting_and_one_that_fits_merges_once() {
    let (Parts { store, accounts, .. }, ada) = parts().await;
    let guest = OwnerId::random();
    store.give(guest, 2);
    for _ in 0..2 {
        let up = accounts.sign_in(Some(guest), "ada@example.com", PASSWORD, None).await;
        let up = up.expect("signed in all the same");
        assert_eq!((up.merge.moved_avatars, up.merge.held_back), (0, 2));
        assert_eq!(up.waiting_guest, Some(guest));
        assert_eq!((store.owned(ada), store.owned(guest)), (4, 2), "nothing moved");
    }
    // A guest that fits comes along, once.
    let small = OwnerId::random();
    store.give(small, 1);
    let up = accounts.sign_in(Some(small), "ada@example.com", PASSWORD, None).await;
    let up = up.expect("signed in");
    assert_eq!((up.merge.moved_avatars, up.merge.held_back, up.waiting_guest), (1, 0, None));
    let again = accounts.sign_in(Some(small), "ada@example.com", PASSWORD, None).await;
    assert!(again.expect("replay").merge.already_merged);
    assert_eq!(store.owned(ada), 5);
}

/// Every `Set-Cookie` of `cookies` with its name and value.
fn named(cookies: &[http::HeaderValue]) -> Vec<(String, String)> {
    cookies
        .iter()
        .map(|cookie| {
            let text = cookie.to_str().expect("ascii");
            let pair = text.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').expect("a cookie");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_waiting_guest_keeps_its_cookie_beside_the_session_and_a_sign_out_returns_to_it() {
    let (Parts { store, identity, accounts }, _) = parts().await;
    let guest = OwnerId::random();
    store.give(guest, 2);
    let up = accounts.sign_in(Some(guest), "ada@example.com", PASSWORD, None).await;
    let cookies = named(&identity.signed_in_cookies(&up.expect("signed in")));
    let value =
        |name: &str| cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).expect("set");
    let (guest_token, session_token) = (value(GUEST_COOKIE), value(SESSION_COOKIE));
    let kept = identity.guests().verify(&guest_token, start()).expect("a guest token");
    assert_eq!(kept.sid, guest, "the same guest, re-issued");

    // The middleware names it beside the member.
    let app =
        Router::new()
            .route(
                "/",
                get(
                    |Extension(viewer): Extension<Viewer>,
                     waiting: Option<Extension<WaitingGuest>>| async move {
                        let member = matches!(viewer, Viewer::Member { .. });
                        format!("{member} {:?}", waiting.map(|Extension(w)| w.sid))
                    },
                ),
            )
            .layer(axum::middleware::from_fn_with_state(identity.clone(), identify::<MemoryStore>));
    let ask = |cookie: String| {
        let request = Request::get("/").header(header::COOKIE, cookie).body(Body::empty());
        app.clone().oneshot(request.expect("request"))
    };
    let both = format!("{GUEST_COOKIE}={guest_token}; {SESSION_COOKIE}={session_token}");
    let body = axum::body::to_bytes(ask(both).await.expect("answer").into_body(), 1 << 10).await;
    assert_eq!(body.expect("body"), format!("true Some({guest:?})").as_bytes());
    let alone = format!("{SESSION_COOKIE}={session_token}");
    let body = axum::body::to_bytes(ask(alone).await.expect("answer").into_body(), 1 << 10).await;
    assert_eq!(body.expect("body"), "true None".as_bytes());

    // Signing out gives the browser back to that guest; without one, to a new guest.
    let out = named(&identity.signed_out(Some(WaitingGuest { sid: guest })).1);
    assert!(out.contains(&(SESSION_COOKIE.to_owned(), String::new())), "{out:?}");
    let back = out.iter().find(|(name, _)| name == GUEST_COOKIE).expect("a guest cookie");
    assert_eq!(identity.guests().verify(&back.1, start()).expect("valid").sid, guest);
    let fresh = named(&identity.signed_out(None).1);
    let fresh = fresh.iter().find(|(name, _)| name == GUEST_COOKIE).expect("a guest cookie");
    assert_ne!(identity.guests().verify(&fresh.1, start()).expect("valid").sid, guest);
}
