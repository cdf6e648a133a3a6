//! The browser entry point: `hydrate()` is called by the script that
//! `<HydrationScripts islands=true>` puts in the page. Islands mode: the page stays the
//! server's HTML, and each island on it (each `#[island]` of the app crate, exported by
//! the macro) is hydrated in place.

use wasm_bindgen::prelude::wasm_bindgen;

// Linked for its island exports, which nothing here names.
use app as _;

#[wasm_bindgen]
pub fn hydrate() {
    // Readable panics in development; left out of release builds, where the formatting
    // machinery it pulls in would cost bundle size and a panic aborts anyway.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
