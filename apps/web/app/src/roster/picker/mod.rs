//! The emoji picker beside every "Emoji" field. The island renders its button; the
//! picker itself is a JavaScript module (`picker.js`) loaded the first time a button is
//! clicked, and the emoji come from the server (`search.rs`) a category or a search at a
//! time. Neither rides in the first load: in the wasm, the picker was about a tenth of
//! the island's code, and the first load has a budget (docs/architecture.md, "Weight").
//!
//! Without JavaScript the field is a plain text input: typing or pasting an emoji works,
//! and the "Choose" button is never shown.

use leptos::{ev, prelude::*, wasm_bindgen::JsCast, web_sys::Element};

use super::state::RosterState;
use crate::components::{erased_on_server, field::FieldParts};

/// The emoji behind the picker: a server function only `picker.js` calls, so the
/// browser's build has no client for it.
#[cfg(feature = "ssr")]
mod search;

/// The "Emoji" field of a roster form: a text input with the picker's button beside it.
#[component]
pub fn EmojiField(
    #[prop(into)] id: String,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    error: Signal<Option<String>>,
    /// The picker button's name: whose emoji it chooses.
    #[prop(into)]
    picker_label: Signal<String>,
) -> impl IntoView {
    let ready = expect_context::<RosterState>().ready;
    // Not `<Field>`: its children are an erased view in the browser too (`FieldParts`).
    let picker = erased_on_server(view! {
        <button
            type="button"
            class="pick"
            aria-label=picker_label
            aria-expanded="false"
            aria-controls=[&id, "-picker"].concat()
            // Hidden until the island is live: before that it could do nothing.
            data-ready=move || ready.get().to_string()
            on:click=load_picker
        >
            "☺︎"
        </button>
    });
    let parts = FieldParts {
        label: "Emoji",
        id,
        name: "emoji",
        value,
        placeholder,
        hint: "",
        error,
        input: NodeRef::new(),
        kind: "text",
        autocomplete: "off",
        class: "emoji-field",
    };
    parts.view(Some(picker))
}

/// Loads `picker.js` the first time a picker's button is clicked, marking the button
/// `data-opening` for the module to open; from then on the module takes the clicks. Its
/// name is the main script's with `.picker` before `.js` (`scripts/pack-assets.mjs`
/// gives them one hash), read from the page's `modulepreload` link.
fn load_picker(event: ev::MouseEvent) {
    let page = document();
    let find = |selector: &str| page.query_selector(selector).ok().flatten();
    if find("script[data-picker]").is_some() {
        return;
    }
    let main = find("link[rel=modulepreload]").and_then(|link| link.get_attribute("href"));
    let Some(source) = main.as_deref().and_then(|main| main.strip_suffix(".js")) else {
        return;
    };
    let button = event.target().and_then(|target| target.dyn_into::<Element>().ok());
    let script = page.create_element("script");
    if let (Some(button), Ok(script), Some(head)) = (button, script, page.head()) {
        let _ = button.set_attribute("data-opening", "");
        let _ = script.set_attribute("type", "module");
        let _ = script.set_attribute("data-picker", "");
        let _ = script.set_attribute("src", &format!("{source}.picker.js"));
        let _ = head.append_child(&script);
    }
}
