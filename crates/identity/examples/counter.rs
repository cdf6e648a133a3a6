//! An axum application of one page built on `identity`, as another project would adopt
//! it. Every visitor is a guest from the first request; each click of the page's button
//! counts for whoever is asking; signing up makes an account and the guest's clicks come
//! along; signing out starts a fresh guest with none. The store is the crate's
//! in-memory one (`testing::MemoryStore`), whose per-owner count (`give`, `owned`) stands
//! for the application's data: its merge moves that count the way a real store moves the
//! guest's rows (docs/identity.md, "The store ports").
//!
//! ```text
//! cargo run -p guestroom-identity --example counter
//! ```
//!
//! then open <http://localhost:3000> (browsers keep the `__Host-` cookies from
//! `http://localhost`). `cargo test` runs the walk-through at the bottom.

use std::sync::Arc;

use axum::{
    Form, Router,
    extract::State,
    http::{StatusCode, header::SET_COOKIE},
    middleware::from_fn_with_state,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use identity::{
    CrossSiteGuard, Identity, IdentityOptions, Keyring, MemberStore, SystemClock, Viewer,
    account::{Accounts, PasswordHasher},
    identify, refuse_cross_site,
    testing::MemoryStore,
};
use serde::Deserialize;

/// What the handlers share: the identity layer (cookies, sessions), the account rules
/// (sign-up, sign-out) and the store.
#[derive(Clone)]
struct App {
    identity: Identity<MemoryStore>,
    accounts: Accounts<MemoryStore>,
    store: MemoryStore,
}

impl App {
    /// `secret`: `AUTH_SECRET`, base64 of at least 32 random bytes.
    fn new(secret: &str) -> Self {
        let clock = Arc::new(SystemClock);
        let store = MemoryStore::new(clock.clone());
        let keys = Keyring::from_secrets(secret).expect("a valid AUTH_SECRET");
        let identity = Identity::new(keys, store.clone(), clock, IdentityOptions::default());
        let accounts = Accounts::new(store.clone(), PasswordHasher::new());
        Self { identity, accounts, store }
    }
}

/// The page, its three forms, and the layers: identity first (every handler gets a
/// `Viewer`), the cross-site guard outside it (a refused request mints nothing).
fn router(app: App) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/click", post(click))
        .route("/signup", post(sign_up))
        .route("/signout", post(sign_out))
        .layer(from_fn_with_state(app.identity.clone(), identify::<MemoryStore>))
        .layer(from_fn_with_state(CrossSiteGuard::new(None), refuse_cross_site))
        .with_state(app)
}

async fn page(State(app): State<App>, viewer: Viewer) -> Html<String> {
    let clicks = app.store.owned(viewer.owner_id());
    let (who, account) = match viewer {
        Viewer::Guest { .. } => (
            "a guest".to_owned(),
            r#"<form method="post" action="/signup">
                 <input name="email" type="email" placeholder="Email" required>
                 <input name="password" type="password" placeholder="Password" required>
                 <button>Sign up (your clicks come along)</button>
               </form>"#,
        ),
        Viewer::Member { user_id, .. } => {
            let member = app.store.find_member(user_id).await.ok().flatten();
            let email = member.map_or_else(String::new, |m| m.email.as_str().to_owned());
            (email, r#"<form method="post" action="/signout"><button>Sign out</button></form>"#)
        }
    };
    Html(format!(
        r#"<!DOCTYPE html><title>Counter</title>
           <p>You are {who}, with {clicks} click{s}.</p>
           <form method="post" action="/click"><button>Click</button></form>
           {account}"#,
        s = if clicks == 1 { "" } else { "s" },
    ))
}

/// Counts a click for whoever is asking: the owner is always the viewer's, never
/// something the request names.
async fn click(State(app): State<App>, viewer: Viewer) -> Redirect {
    app.store.give(viewer.owner_id(), 1);
    Redirect::to("/")
}

#[derive(Deserialize)]
struct SignUp {
    email: String,
    password: String,
}

/// The upgrade: the member is made and the guest's data moves to it in one step; this
/// browser's guest cookie is cleared and a member session set.
async fn sign_up(State(app): State<App>, viewer: Viewer, Form(form): Form<SignUp>) -> Response {
    let Viewer::Guest { sid } = viewer else {
        return (StatusCode::CONFLICT, "Sign out first.").into_response();
    };
    match app.accounts.sign_up(sid, &form.email, &form.password, "", None).await {
        Ok(upgrade) => {
            let cookies = app.identity.signed_in_cookies(&upgrade);
            with_cookies(Redirect::to("/"), cookies)
        }
        Err(refused) => (StatusCode::UNPROCESSABLE_ENTITY, refused.to_string()).into_response(),
    }
}

/// Ends this session (a copy of its cookie reaches nothing) and starts a brand-new guest.
async fn sign_out(State(app): State<App>, viewer: Viewer) -> Response {
    if let Viewer::Member { user_id, session, .. } = viewer {
        // Signed out in this browser even if recording it fails.
        let _ = app.accounts.sign_out(user_id, session).await;
    }
    let (_, cookies) = app.identity.fresh_guest();
    with_cookies(Redirect::to("/"), cookies)
}

fn with_cookies(response: impl IntoResponse, cookies: [axum::http::HeaderValue; 2]) -> Response {
    let mut response = response.into_response();
    for cookie in cookies {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

#[tokio::main]
#[allow(clippy::print_stdout, reason = "where to open the example is its output")]
async fn main() {
    let secret = std::env::var("AUTH_SECRET").unwrap_or_else(|_| {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("randomness");
        STANDARD.encode(bytes)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.expect("port 3000");
    println!("serving http://localhost:3000");
    axum::serve(listener, router(App::new(&secret))).await.expect("serving");
}

#[cfg(test)]
mod tests {
    use axum::{
        body::{Body, to_bytes},
        http::{Request, header::COOKIE},
    };
    use tower::ServiceExt;

    use super::*;

    const SECRET: &str = "6MzKgzzOTSZi/YRmBPy6ErDNESkmLvRKPR+YefIcXIs=";

    /// One request as a same-site page sends it; the answer's identity cookies
    /// (`name=value`) and body.
    async fn ask(app: &Router, method: &str, path: &str, cookie: &str, form: &str) -> Answer {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(COOKIE, cookie)
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("answer");
        let status = response.status();
        let cookies = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok()?.split(';').next().map(str::to_owned))
            .filter(|pair| !pair.ends_with('='))
            .collect();
        let body = to_bytes(response.into_body(), 1 << 16).await.expect("body");
        Answer { status, cookies, body: String::from_utf8_lossy(&body).into_owned() }
    }

    struct Answer {
        status: StatusCode,
        /// The cookies set (not cleared), `name=value`.
        cookies: Vec<String>,
        body: String,
    }

    #[tokio::test]
    async fn a_guests_clicks_come_along_into_the_account_and_sign_out_starts_afresh() {
        let app = router(App::new(SECRET));
        let first = ask(&app, "GET", "/", "", "").await;
        assert!(first.body.contains("You are a guest, with 0 clicks."), "{}", first.body);
        let guest = first.cookies.join("; ");
        assert!(guest.starts_with("__Host-guest="), "{guest}");

        for _ in 0..2 {
            assert_eq!(ask(&app, "POST", "/click", &guest, "").await.status, StatusCode::SEE_OTHER);
        }
        assert!(ask(&app, "GET", "/", &guest, "").await.body.contains("with 2 clicks"));

        let form = "email=ada%40example.com&password=staple+battery+horse";
        let signed_up = ask(&app, "POST", "/signup", &guest, form).await;
        assert_eq!(signed_up.status, StatusCode::SEE_OTHER);
        let session = signed_up.cookies.join("; ");
        assert!(session.starts_with("__Host-session="), "a member session: {session}");
        let member = ask(&app, "GET", "/", &session, "").await.body;
        assert!(member.contains("You are ada@example.com, with 2 clicks."), "{member}");

        let signed_out = ask(&app, "POST", "/signout", &session, "").await;
        let fresh = signed_out.cookies.join("; ");
        assert!(fresh.starts_with("__Host-guest=") && fresh != guest, "{fresh}");
        let page = ask(&app, "GET", "/", &fresh, "").await.body;
        assert!(page.contains("You are a guest, with 0 clicks."), "{page}");
        // The ended session's cookie, kept by someone, reaches nothing on a write.
        assert_eq!(
            ask(&app, "POST", "/click", &session, "").await.status,
            StatusCode::UNAUTHORIZED
        );
    }

    #[tokio::test]
    async fn a_page_on_another_site_cannot_click() {
        let app = router(App::new(SECRET));
        let guest = ask(&app, "GET", "/", "", "").await.cookies.join("; ");
        let request = Request::post("/click")
            .header(COOKIE, &guest)
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .expect("request");
        let refused = app.clone().oneshot(request).await.expect("answer");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(ask(&app, "GET", "/", &guest, "").await.body.contains("with 0 clicks"));
    }
}
