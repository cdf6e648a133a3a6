//! The emoji picker next to every "Emoji" field: search by name ("cat", "party"), move
//! through the matches with the arrow keys, Enter or a click to choose, Escape to close.
//!
//! The emoji table is not in the wasm: each search is a GET to `search_emoji`, which the
//! server marks cacheable for a day, so the browser's HTTP cache answers a query typed
//! twice. (Not a leptos-fetch query: every query type compiles the cache's generic
//! machinery into the wasm once more, for a cache the browser already has.)
//!
//! Without JavaScript the field is a plain text input: typing or pasting an emoji works,
//! and the "Choose" button is never shown.

use leptos::{ev, html, prelude::*};

use super::state::Ui;
use crate::components::{erased_on_server, field::FieldParts};

/// The search behind the picker (a server function).
mod search;

use search::{EmojiChoice, search_emoji};

/// The "Emoji" field of a roster form: a text input with the picker beside it.
#[component]
pub fn EmojiField(
    #[prop(into)] id: String,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let ready = expect_context::<Ui>().ready;
    // Not `<Field>`: its children are an erased view in the browser too (`FieldParts`).
    let picker =
        erased_on_server(view! { <EmojiPicker field_id=id.clone() input ready=ready.into() /> });
    let parts = FieldParts {
        label: "Emoji",
        id,
        name: "emoji",
        value,
        placeholder,
        error,
        input,
        kind: "text",
        autocomplete: "off",
        class: "emoji-field",
    };
    parts.view(Some(picker))
}

/// The "Choose" button and, while it is open, the search panel, for the input `input`.
#[component]
pub fn EmojiPicker(
    /// The id of the field's input; the panel's ids derive from it.
    field_id: String,
    input: NodeRef<html::Input>,
    /// True once the island is live: before that the button could do nothing.
    ready: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let panel_id = format!("{field_id}-picker");
    let close = move |chosen: Option<String>| {
        open.set(false);
        match (chosen, input.get_untracked()) {
            (Some(emoji), Some(input)) => {
                input.set_value(&emoji);
                let _ = input.focus();
            }
            _ => {
                if let Some(button) = button.get_untracked() {
                    let _ = button.focus();
                }
            }
        }
    };
    view! {
        <button
            type="button"
            class="pick"
            node_ref=button
            aria-label="Choose an emoji"
            aria-expanded=move || open.get().to_string()
            aria-controls=panel_id.clone()
            data-ready=move || ready.get().to_string()
            on:click=move |_| open.update(|open| *open = !*open)
        >
            "☺︎"
        </button>
        // Not `<Show>`: its children are erased views, which bring their asynchronous
        // hydration into the wasm (about 7 KB here).
        {move || open.get().then(|| view! { <SearchPanel id=panel_id.clone() close /> })}
    }
}

/// The open picker: a search box that drives a list of matches (the ARIA combobox
/// pattern: focus stays in the box, `aria-activedescendant` names the highlighted match).
#[component]
fn SearchPanel(
    id: String,
    close: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let matches = RwSignal::new(None::<Vec<EmojiChoice>>);
    let active = RwSignal::new(0_usize);
    Effect::new(move |_| {
        let asked = query.get();
        leptos::task::spawn_local(async move {
            let found = search_emoji(asked.clone()).await;
            // Only the answer to what is in the box now; a slower, older one is dropped.
            if query.get_untracked() == asked {
                matches.set(Some(found.unwrap_or_default()));
                active.set(0);
            }
        });
    });
    let count = move || matches.with(|m| m.as_ref().map_or(0, Vec::len));
    let choose = move |index: usize| {
        if let Some(choice) = matches.with_untracked(|m| m.as_ref()?.get(index).cloned()) {
            close(Some(choice.emoji));
        }
    };
    let on_key = move |event: ev::KeyboardEvent| {
        let last = count().saturating_sub(1);
        match event.key().as_str() {
            "ArrowDown" | "ArrowRight" => active.update(|a| *a = (*a + 1).min(last)),
            "ArrowUp" | "ArrowLeft" => active.update(|a| *a = a.saturating_sub(1)),
            "Home" => active.set(0),
            "End" => active.set(last),
            // Enter chooses, and must not submit the form the picker sits in.
            "Enter" => choose(active.get_untracked()),
            "Escape" => close(None),
            _ => return,
        }
        event.prevent_default();
    };
    let list_id = format!("{id}-list");
    let id = StoredValue::new(id);
    let option_id = move |index: usize| format!("{}-option-{index}", id.read_value());
    let search = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(search) = search.get() {
            let _ = search.focus();
        }
    });
    let panel_id = id.get_value();
    view! {
        <div class="emoji-panel" id=panel_id>
            <input
                type="search"
                node_ref=search
                role="combobox"
                aria-label="Search emoji by name"
                aria-expanded="true"
                aria-controls=list_id.clone()
                aria-autocomplete="list"
                aria-activedescendant=move || (count() > 0).then(|| option_id(active.get()))
                placeholder="Search: cat, party…"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |event| query.set(event_target_value(&event))
                on:keydown=on_key
            />
            <ul id=list_id role="listbox" aria-label="Matching emoji" class="emoji-list">
                {move || {
                    matches
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .enumerate()
                        .map(|(index, choice)| {
                            view! {
                                <li
                                    role="option"
                                    id=option_id(index)
                                    title=choice.name.clone()
                                    aria-label=choice.name
                                    aria-selected=move || (active.get() == index).to_string()
                                    // Keep focus in the search box while clicking.
                                    on:mousedown=|event| event.prevent_default()
                                    on:click=move |_| choose(index)
                                >
                                    {choice.emoji}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || (matches.with(|m| m.as_ref().is_some_and(Vec::is_empty)))
                .then(|| view! { <p class="picker-empty" role="status">"No emoji by that name."</p> })}
        </div>
    }
}
