//! Pieces of UI every feature may use. They know nothing of any feature.

/// A message about the page as a whole.
pub mod alert;
/// A labelled input with its error message.
pub mod field;
/// Forms that post to a server function and are taken over by JavaScript.
pub mod form;
#[cfg(feature = "ssr")]
mod one_pass;

use leptos::prelude::*;

/// `view`, erased to an `AnyView` on the server and left as it is in the browser.
///
/// The server needs a few erasures to keep the page's view type shallow enough for the
/// compiler. The browser does not, and there every erased view brings its asynchronous
/// hydration into the wasm, which an island never uses (bench/RESULTS.md, "Figures behind
/// the code's choices"). On the server the erased view is also written in one pass when
/// the page is streamed (`one_pass`), so nothing under it may wait on data: a `Suspense`
/// there would be sent as its fallback.
#[cfg(feature = "ssr")]
pub fn erased_on_server(view: impl IntoAny) -> impl IntoView {
    one_pass::InOnePass(view.into_any())
}

/// `view`, erased to an `AnyView` on the server and left as it is in the browser.
#[cfg(not(feature = "ssr"))]
pub fn erased_on_server(view: impl IntoView) -> impl IntoView {
    view
}
