//! Guestroom's Leptos application: the HTML shell, the routes and their pages.
//!
//! Compiled twice: with `ssr` into the server (which renders every page) and with
//! `hydrate` into the browser bundle (which takes the server's HTML over).

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// The roster's server functions and the types they exchange.
pub mod api;
/// The roster page.
mod roster;
/// Server-only glue for the server functions.
#[cfg(feature = "ssr")]
mod ssr;

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
                <HydrationScripts options />
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
        <Stylesheet id="guestroom" href=format!("/pkg/{OUTPUT_NAME}.css") />
        <Title text="Guestroom" />
        <Router>
            <header class="top">
                <a class="brand" href="/">"Guestroom"</a>
                <IdentityLine />
            </header>
            <main>
                <Routes fallback=NotFound>
                    // In order, not out of order: the roster is in the HTML where it
                    // belongs, so the first paint is complete and the page works without
                    // JavaScript (out-of-order streaming needs a script to place it).
                    <Route path=StaticSegment("") view=RosterPage ssr=SsrMode::InOrder />
                </Routes>
            </main>
        </Router>
    }
}

/// Who the page belongs to. Rendered on the server from the request's identity and
/// carried to the browser in the page: hydration does not fetch it again.
#[component]
fn IdentityLine() -> impl IntoView {
    let who = Resource::new(|| (), |()| who_am_i());
    view! {
        <Suspense fallback=|| view! { <p class="identity">"\u{00A0}"</p> }>
            {move || who.get().map(|who| view! { <p class="identity">{identity_line(who)}</p> })}
        </Suspense>
    }
}

/// Who the request belongs to, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Visitor {
    /// A guest, by the first characters of its sid (enough to tell two apart).
    Guest {
        short_id: String,
    },
    Member,
}

fn identity_line(who: Result<Visitor, ServerFnError>) -> String {
    match who {
        Ok(Visitor::Guest { short_id }) => format!("You are guest {short_id}."),
        Ok(Visitor::Member) => "You are signed in.".to_owned(),
        Err(_) => "We could not tell who you are just now.".to_owned(),
    }
}

/// The viewer of the current request.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Visitor, ServerFnError> {
    let viewer: identity::Viewer = leptos_axum::extract().await?;
    Ok(match viewer {
        identity::Viewer::Guest { sid } => {
            Visitor::Guest { short_id: sid.to_string().chars().take(8).collect() }
        }
        identity::Viewer::Member { .. } => Visitor::Member,
    })
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
