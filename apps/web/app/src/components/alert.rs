use leptos::prelude::*;

/// A message about the page as a whole (not one field), announced to screen readers.
#[component]
pub fn Alert(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="error" role="alert">{message}</p> }
}
