//! One merge for every way the app signs in, over HTTP: each path × each case it meets
//! (a new account; an account with avatars; an empty account). In every cell a first
//! attempt meets the database failing in the middle of the merge and leaves the same
//! guest, whole; then the retry lands the guest's avatars once, after the account's own
//! and in their order, the guest is retired, and a replay from a copy of the guest's
//! cookie brings nothing more. (Providers and
//! passkeys need a browser: the browser suite's `accounts`, `providers` and `passkeys`
//! files take them through the same cases.)

use reqwest::Client;

use crate::{
    accounts::{PASSWORD, browser, post, sign_up},
    failed_upgrade::{break_merges, mend_merges},
    helpers::{TestApp, cookie_value, set_cookies, spawn_app},
    link::{SIGN_IN, code_in},
    mail::{CONFIRM, RESET, address, link_in, token_of, wait_for_mails},
    roster::{call, names},
};

/// The password a reset link sets.
const NEW_PASSWORD: &str = "another long passphrase";

#[derive(Clone, Copy, Debug)]
enum Path {
    PasswordSignUp,
    PasswordSignIn,
    SignInLink,
    SignInCode,
    ResetLink,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Case {
    NewAccount,
    AccountWithAvatars,
    EmptyAccount,
}

/// Takes `path` in `guest`'s browser to the account at `email`; the answer's status.
/// `attempt` (from 1) is which mail of its kind the path's link or code comes in.
async fn take(app: &TestApp, guest: &Client, path: Path, email: &str, attempt: usize) -> u16 {
    let answer = match path {
        Path::PasswordSignUp => sign_up(app, guest, email).await,
        Path::PasswordSignIn => {
            post(app, guest, "sign-in", &[("email", email), ("password", PASSWORD)]).await
        }
        Path::SignInLink => {
            post(app, guest, "email-link", &[("email", email)]).await;
            let link = link_in(&wait_for_mails(email, SIGN_IN, attempt).await[attempt - 1]);
            post(app, guest, "sign-in-link", &[("token", token_of(&link))]).await
        }
        Path::SignInCode => {
            post(app, guest, "email-link", &[("email", email)]).await;
            let code = code_in(&wait_for_mails(email, SIGN_IN, attempt).await[attempt - 1]);
            post(app, guest, "sign-in-code", &[("code", &code)]).await
        }
        Path::ResetLink => {
            post(app, guest, "forgot-password", &[("email", email)]).await;
            let link = link_in(&wait_for_mails(email, RESET, attempt).await[attempt - 1]);
            let form = [("token", token_of(&link)), ("password", NEW_PASSWORD)];
            post(app, guest, "reset-password", &form).await
        }
    };
    answer.status().as_u16()
}

async fn cell(path: Path, case: Case) {
    let app = spawn_app().await;
    let email = address("ada");
    let own: &[&str] = match case {
        Case::NewAccount => &[],
        Case::AccountWithAvatars => &["Owl", "Fox"],
        Case::EmptyAccount => &[],
    };
    if case != Case::NewAccount {
        // Made and confirmed elsewhere (a link proving an unconfirmed address would take
        // the account from its password, by design, and the replay below signs in by it).
        let elsewhere = browser();
        sign_up(&app, &elsewhere, &email).await;
        let confirm = link_in(&wait_for_mails(&email, CONFIRM, 1).await[0]);
        let confirmed =
            post(&app, &elsewhere, "verify-email", &[("token", token_of(&confirm))]).await;
        assert_eq!(confirmed.status(), 200);
        for name in own {
            call(&app, &elsewhere, "create", &[("emoji", "🦉"), ("name", name)]).await;
        }
    }
    let guest = browser();
    let page = guest.get(app.url("/")).send().await.expect("page");
    let cookie = set_cookies(page.headers()).into_iter().find(|c| c.starts_with("__Host-guest="));
    let token = cookie_value(&cookie.expect("a guest cookie")).to_owned();
    for name in ["Tom", "Rex"] {
        call(&app, &guest, "create", &[("emoji", "🐱"), ("name", name)]).await;
    }

    // First the database fails in the middle of the merge: the same guest, whole.
    break_merges(&app).await;
    let failed = take(&app, &guest, path, &email, 1).await;
    mend_merges(&app).await;
    assert_eq!(failed, 503, "{path:?} × {case:?}: the failure answers as one");
    assert_eq!(names(&app, &guest).await, ["Tom", "Rex"], "{path:?} × {case:?}: still the guest's");

    // The retry merges, once.
    assert_eq!(take(&app, &guest, path, &email, 2).await, 200, "{path:?} × {case:?}");
    let expected: Vec<&str> = own.iter().copied().chain(["Tom", "Rex"]).collect();
    assert_eq!(names(&app, &guest).await, expected, "{path:?} × {case:?}: one merge, in order");
    let sid = app.guest_tokens().verify(&token, app.identity.now()).expect("valid").sid;
    assert!(app.store.guest_retired(sid).await.expect("read"), "{path:?} × {case:?}: retired");

    // A replay from a copy of the guest's cookie (a second device) brings nothing more.
    let password = if matches!(path, Path::ResetLink) { NEW_PASSWORD } else { PASSWORD };
    let copy =
        Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let replay = copy
        .post(app.url("/api/account/sign-in"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("cookie", format!("__Host-guest={token}"))
        .form(&[("email", email.as_str()), ("password", password)])
        .send()
        .await
        .expect("request");
    assert_eq!(replay.status(), 200, "{path:?} × {case:?}");
    assert_eq!(names(&app, &guest).await, expected, "{path:?} × {case:?}: merged once");
}

/// Every path × every case it meets: 9 cells.
#[tokio::test]
async fn every_way_to_sign_in_survives_a_failed_merge_then_merges_the_guest_once_and_retires_it() {
    let cells = [
        (Path::PasswordSignUp, Case::NewAccount),
        (Path::PasswordSignIn, Case::AccountWithAvatars),
        (Path::PasswordSignIn, Case::EmptyAccount),
        (Path::SignInLink, Case::AccountWithAvatars),
        (Path::SignInLink, Case::EmptyAccount),
        (Path::SignInCode, Case::AccountWithAvatars),
        (Path::SignInCode, Case::EmptyAccount),
        (Path::ResetLink, Case::AccountWithAvatars),
        (Path::ResetLink, Case::EmptyAccount),
    ];
    for (path, case) in cells {
        cell(path, case).await;
    }
}
