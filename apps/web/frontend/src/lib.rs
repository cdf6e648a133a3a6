//! The browser entry point: `hydrate()` is called by the script that
//! `<HydrationScripts>` puts in the page, and takes over the server-rendered HTML.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
