//! Guestroom's Leptos application: the HTML shell, the routes and their pages.
//!
//! Compiled twice: with `ssr` into the server (which renders every page) and with
//! `hydrate` into the browser bundle. The app runs in islands mode: the page is plain
//! server-rendered HTML, and only the roster (`roster::Roster`) is an island that the
//! wasm hydrates. The router, the header and everything static never reach the browser
//! as code, which is what keeps the first load inside its weight budget.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

/// The roster's server functions and the types they exchange.
pub mod api;
/// The optimistic mutation helper: what every roster change goes through in the browser.
mod mutation;
/// The emoji picker (search served by the server).
mod picker;
/// The client cache's queries and their keys, in one place.
mod queries;
/// The roster page and its island.
mod roster;
/// Server-only glue for the server functions.
#[cfg(feature = "ssr")]
pub mod ssr;
/// Keeping open tabs current: refetch on focus and reconnect, news from other tabs.
mod sync;

pub use roster::PageData;
use roster::RosterPage;

/// The name the wasm-bindgen output is given (`/pkg/guestroom.js`, `_bg.wasm`, `.css`).
pub const OUTPUT_NAME: &str = "guestroom";

const FAVICON: &str = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' \
    viewBox='0 0 100 100'><text y='.9em' font-size='90'>🛋️</text></svg>";

/// The document around the app: rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                // Inline, so the browser's favicon request costs no round trip (and no 404).
                <link rel="icon" href=FAVICON />
                <HashedStylesheet options=options.clone() id="guestroom" />
                <HydrationScripts options islands=true />
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
        <Title text="Guestroom" />
        <Router>
            <header class="top">
                <a class="brand" href="/">"Guestroom"</a>
                <IdentityLine />
            </header>
            <main>
                <Routes fallback=NotFound>
                    // The page's data is loaded before rendering starts (see
                    // `ssr::load_page`), so nothing on it suspends: the first paint is
                    // complete and the page works without JavaScript.
                    <Route path=StaticSegment("") view=RosterPage />
                </Routes>
            </main>
        </Router>
    }
}

/// Who the page belongs to, rendered on the server from the request's identity. It is not
/// an island: it never changes while the page is open, so it costs the bundle nothing.
#[component]
fn IdentityLine() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let line = match ssr::viewer() {
        Some(identity::Viewer::Guest { sid }) => {
            format!("You are guest {}.", sid.to_string().chars().take(8).collect::<String>())
        }
        Some(identity::Viewer::Member { .. }) => "You are signed in.".to_owned(),
        None => String::new(),
    };
    #[cfg(not(feature = "ssr"))]
    let line = String::new();
    view! { <p class="identity">{line}</p> }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section>
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to your room"</a></p>
        </section>
    }
}
