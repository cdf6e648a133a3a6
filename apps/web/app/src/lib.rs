//! Guestroom's Leptos application: the HTML shell, the routes and their pages.
//!
//! Compiled twice: with `ssr` into the server (which renders every page) and with
//! `hydrate` into the browser bundle. The app runs in islands mode: the page is plain
//! server-rendered HTML, and only the roster's island is hydrated by the wasm. The
//! router, the header and everything static never reach the browser as code, which is
//! what keeps the first load inside its weight budget.
//!
//! Features (`roster`, later `account`) each own a folder: page, loader, server
//! functions, components. They use the shared layers below them (`components`,
//! `client`, `error`, `server`) and never each other.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

/// Accounts: sign-up, sign-in, sign-out, who is asking.
pub mod account;
/// Calling the server from the browser: transport, retries, mutations, tab sync.
pub mod client;
/// UI pieces every feature uses: forms, fields, alerts.
pub mod components;
/// The typed error of every edge, and the sentences people read.
pub mod error;
/// The home page in its plain state, written from a template of itself (server only).
#[cfg(feature = "ssr")]
pub mod home;
/// The roster of avatars: the home page.
pub mod roster;
/// Server-only glue: who is asking, store errors, the page's preloaded data.
#[cfg(feature = "ssr")]
pub mod server;

use account::{
    AccountPage, ChangeEmailPage, DevicePage, EmailLinkPage, ForgotPasswordPage, KeepPage,
    PageNotice, ResetPasswordPage, SignInLinkPage, SignInPage, SignUpPage, VerifyEmailPage, WhoAmI,
};
use roster::RosterPage;

/// The name the wasm-bindgen output is given (`/pkg/guestroom.js`, `_bg.wasm`, `.css`).
pub const OUTPUT_NAME: &str = "guestroom";

const FAVICON: &str = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' \
    viewBox='0 0 100 100'><text y='.9em' font-size='90'>🛋️</text></svg>";

/// The browser bundle's names, as the page links them: worked out once, at start-up.
/// (Leptos's own `hash_files` reads `hash.txt` at every render, twice: bench/RESULTS.md,
/// "A/B: the bundle's names read once at start-up".)
#[derive(Clone, Debug)]
pub struct Bundle {
    /// For `HydrationScripts`: `output_name` names the JS (`<name>.js`) and the wasm
    /// (`<name>_bg.wasm`); `hash_files` is off, since the name carries any hash.
    pub options: LeptosOptions,
    /// The stylesheet's path.
    pub stylesheet: Arc<str>,
    /// Whether the names carry content hashes (a name then never changes content).
    pub content_hashed: bool,
}

impl Bundle {
    /// The names `scripts/pack-assets.mjs` gives: the JS and the wasm, built as a pair
    /// (the JS is generated for that wasm), share one hash; the stylesheet has its own.
    pub fn hashed(options: LeptosOptions, scripts: &str, stylesheet: &str) -> Self {
        Self::named(
            options,
            &format!("{OUTPUT_NAME}.{scripts}"),
            &format!("{OUTPUT_NAME}.{stylesheet}"),
            true,
        )
    }

    /// The names as wasm-bindgen writes them (a bundle built without `pack-assets.mjs`).
    pub fn plain(options: LeptosOptions) -> Self {
        Self::named(options, OUTPUT_NAME, OUTPUT_NAME, false)
    }

    fn named(mut options: LeptosOptions, scripts: &str, stylesheet: &str, hashed: bool) -> Self {
        let stylesheet = format!("/{}/{stylesheet}.css", options.site_pkg_dir).into();
        options.output_name = scripts.into();
        options.hash_files = false;
        Self { options, stylesheet, content_hashed: hashed }
    }
}

/// The document around the app: rendered on the server only.
pub fn shell(bundle: &Bundle) -> impl IntoView + use<> {
    #[cfg(feature = "ssr")]
    server::page_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta
                    name="description"
                    content="Keep a roster of avatars, no sign-up needed; make an account to keep it anywhere."
                />
                // Inline, so the browser's favicon request costs no round trip (and no 404).
                <link rel="icon" href=FAVICON />
                <link rel="stylesheet" href=bundle.stylesheet.clone() />
                <HydrationScripts options=bundle.options.clone() islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // Each page names itself ("Your avatars · Guestroom"); a tab or a history entry
        // says which page it is.
        <Title formatter=|page: String| format!("{page} · Guestroom") />
        <Router>
            <header class="top">
                <a class="brand" href="/">"Guestroom"</a>
                <WhoAmI />
            </header>
            <main>
                // What the action that led here did, once; or that the session ended.
                <PageNotice />
                <Routes fallback=NotFound>
                    // Each page's data is loaded before rendering starts (see `preload`),
                    // so nothing on it suspends: the first paint is complete and the page
                    // works without JavaScript.
                    <Route path=StaticSegment("") view=RosterPage />
                    <Route path=StaticSegment("signup") view=SignUpPage />
                    <Route path=StaticSegment("signin") view=SignInPage />
                    <Route path=StaticSegment("forgot") view=ForgotPasswordPage />
                    <Route path=StaticSegment("reset") view=ResetPasswordPage />
                    <Route path=StaticSegment("verify") view=VerifyEmailPage />
                    <Route path=StaticSegment("change-email") view=ChangeEmailPage />
                    <Route path=StaticSegment("email-link") view=EmailLinkPage />
                    <Route path=StaticSegment("signin-link") view=SignInLinkPage />
                    <Route path=StaticSegment("account") view=AccountPage />
                    <Route path=StaticSegment("keep") view=KeepPage />
                    <Route path=StaticSegment("device") view=DevicePage />
                </Routes>
            </main>
        </Router>
    }
}

/// Loads what the page at the request's path needs before it renders, and puts it in the
/// request (the server calls this for every request that reaches the app's routes). Only
/// page routes (GET and HEAD) load anything; server functions, the bundle and health
/// checks load nothing. Every page's header says who is asking (no query for a guest; for
/// a member, one, which also checks that the session was not revoked); then one line per
/// page that has data of its own.
///
/// Returns the cookies that must go on the response. A revoked session (signed out
/// everywhere, a password changed, an account deleted) ends here, at its next page: the
/// page is rendered for a brand-new guest (or for a guest a sign-in left waiting, which
/// gets the browser back), with the session cleared and the guest set. So does a retired
/// guest's cookie (a copy, whose guest became a member elsewhere) at `/`; and a member's
/// browser whose waiting guest waits no more has its cookie cleared.
#[cfg(feature = "ssr")]
pub async fn preload<B>(
    store: &persistence::Store,
    identity: &identity::Identity<persistence::Store>,
    request: &mut http::Request<B>,
) -> Vec<http::HeaderValue> {
    use account::{actions::PageViewer, keep::actions::Guest};
    use http::Method;
    let mut cookies = Vec::new();
    if !matches!(*request.method(), Method::GET | Method::HEAD)
        || request.uri().path().starts_with("/api/")
    {
        return cookies;
    }
    let Some(mut viewer) = request.extensions().get::<identity::Viewer>().copied() else {
        return cookies;
    };
    let mut new_guest = request.extensions().get::<identity::NewGuest>().is_some();
    let waiting = request.extensions().get::<identity::WaitingGuest>().copied();
    let page_viewer = PageViewer::load(store, viewer).await;
    if let PageViewer::Ended = page_viewer {
        let (guest, ended) = identity.signed_out(waiting);
        (viewer, new_guest) = (guest, waiting.is_none());
        cookies.extend(ended);
        let extensions = request.extensions_mut();
        extensions.insert(guest);
        extensions.remove::<identity::WaitingGuest>();
        if new_guest {
            extensions.insert(identity::NewGuest);
        }
        extensions.insert(account::SessionEnded);
    }
    request.extensions_mut().insert(page_viewer.view());
    // A member's browser carries a guest's cookie only when a sign-in left it waiting.
    let waiting = match (&page_viewer, waiting) {
        (PageViewer::Member(_), Some(guest)) => {
            let guest = account::keep::actions::waiting_guest(store, guest).await;
            if let Guest::Settled = guest {
                cookies.push(identity.settled_guest_cookie());
            }
            Some(guest)
        }
        _ => None,
    };
    match request.uri().path() {
        "/" => {
            let mut data = roster::load::load(store, viewer, new_guest).await;
            // A copy of a guest's cookie whose guest became a member elsewhere: this
            // browser is a new guest from this page on. Only an empty roster can be one
            // (its avatars moved), so a guest with avatars costs no extra read.
            if let identity::Viewer::Guest { sid } = viewer
                && !new_guest
                && data.roster.as_ref().is_ok_and(Vec::is_empty)
                && store.guest_retired(sid).await.unwrap_or_else(|error| {
                    // The page goes on for this guest; its next write finds out.
                    tracing::warn!(error = &error as &dyn std::error::Error, "checking a guest");
                    false
                })
            {
                let (guest, fresh) = identity.fresh_guest();
                request.extensions_mut().insert(guest);
                request.extensions_mut().insert(identity::NewGuest);
                data = roster::load::load(store, guest, true).await;
                cookies.extend(fresh);
            }
            request.extensions_mut().insert(data);
            if let Some(note) = waiting.as_ref().and_then(Guest::note) {
                request.extensions_mut().insert(note);
            }
        }
        "/account" => {
            let recent = viewer.signed_in_recently(identity.now());
            if let Some(account) = page_viewer.account(store, recent).await {
                request.extensions_mut().insert(account);
            }
        }
        "/keep" => {
            if let (Some(guest), identity::Viewer::Member { user_id, .. }) = (waiting, viewer)
                && let Some(choice) = guest.choice(store, user_id).await
            {
                request.extensions_mut().insert(choice);
            }
        }
        _ => {}
    }
    cookies
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section>
            <Title text="Page not found" />
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. "<a href="/">"Back to your avatars"</a></p>
        </section>
    }
}
