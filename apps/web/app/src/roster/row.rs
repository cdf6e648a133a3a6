use std::sync::Arc;

use leptos::{html, prelude::*, wasm_bindgen::JsCast};

use super::{
    AvatarView, FormFailure,
    api::{DeleteAvatar, MoveAvatar, NAME_HINT, SetAvatarActive, UpdateAvatar},
    picker::EmojiField,
    state::{PENDING_ID, RosterState},
};
use crate::{
    components::field::Field,
    error::{self, ApiError},
};

/// One avatar of the list, in the browser. Keyed by id in the list, and reading its own
/// fields from the cache, so a change re-renders the row in place (and keeps keyboard
/// focus). The controls sit in one group that wraps as a whole on a narrow screen. Once
/// deleted, and while that can be undone, the row keeps its place and size, only its name
/// showing ("— deleted", from the stylesheet: `undo.rs`). A component, so that what the
/// row reads as it is made is not followed by the list around it.
///
/// The server writes the rows without it: from their templates (`row_template`), the same
/// HTML for about a ninth of the instructions.
#[cfg(not(feature = "ssr"))]
#[component]
pub fn AvatarRow(id: String) -> impl IntoView {
    row(id)
}

/// The row as a view: what the browser hydrates, and what the server renders for a row
/// its template does not cover (and to make the template).
pub(super) fn row(id: String) -> impl IntoView {
    let ui = expect_context::<RosterState>();
    let id = StoredValue::new(id);
    // The avatar, whether it is first and last, and whether it is deleted (while that can
    // be undone). Looked up once, so each part of the row reads it rather than looking
    // again; the avatar shared, so that each of the row's dozen reads is not a copy of its
    // three strings (2% of the server's instructions for `/`: bench/RESULTS.md).
    let find = move |_: Option<&Shown>| {
        let id = id.get_value();
        let found = ui.list.with(|list| {
            let index = list.iter().position(|a| a.id == id)?;
            Some((Arc::new(list[index].clone()), index == 0, index + 1 == list.len(), false))
        });
        found.or_else(|| {
            let gone = ui.deleted.get().into_iter().find(|g| g.id == id)?;
            Some((Arc::new(gone), true, true, true))
        })
    };
    // In the browser a memo, which the row's parts follow. The server writes the row once
    // and nothing changes while it does, so there it is a value: each read of a memo
    // checks every source up to the query cache first (bench/RESULTS.md).
    #[cfg(feature = "ssr")]
    let row = Signal::stored(find(None));
    #[cfg(not(feature = "ssr"))]
    let row = Memo::new(find);
    let avatar = move || row.get().map(|(avatar, ..)| avatar).unwrap_or_else(placeholder);
    let first = move || row.get().is_none_or(|(_, first, ..)| first);
    let last = move || row.get().is_none_or(|(_, _, last, _)| last);
    let is_gone = move || row.get().is_some_and(|(.., gone)| gone);
    let pending = id.get_value().starts_with(PENDING_ID);
    let editor = NodeRef::<html::Details>::new();
    // A plain edit post of this avatar that was refused: its editor is open again, with
    // what was typed (`island.rs`).
    let refused = use_context::<FormFailure>().filter(|failure| failure.id == id.get_value());
    let (typed_emoji, typed_name) = match &refused {
        Some(failure) => (failure.emoji.clone(), failure.name.clone()),
        None => (avatar().emoji.clone(), avatar().name.clone()),
    };
    // An edit open when the row goes without a delete from here (another tab deleted the
    // avatar) does not vanish without a word.
    on_cleanup(move || {
        if editor.get_untracked().is_some_and(|details| details.open()) {
            ui.banner.set(Some(ApiError::NotFound));
        }
    });
    // Strings joined with `concat`, not `format!`, here and in the ids below: a page
    // writes about ninety of them, and the formatting machinery was the larger part of
    // their cost (bench/RESULTS.md).
    let label = move |verb: &str| [verb, " ", &avatar().name].concat();
    let edit_error = move |field: error::Field| {
        Signal::derive(move || {
            ui.edit_error
                .get()
                .filter(|(of, _)| *of == id.get_value())
                .and_then(|(_, error)| error.for_field(field))
        })
    };
    view! {
        <li
            class="avatar"
            class:inactive=move || !avatar().is_active
            class:pending=pending
            class:gone=is_gone
            data-id=id.get_value()
            // Where a plain form post about this avatar comes back to (`load::back_to_row`).
            id=["avatar-", &id.get_value()].concat()
        >
            <span class="avatar-emoji" aria-hidden="true">{move || avatar().emoji.clone()}</span>
            <span class="avatar-name">{move || avatar().name.clone()}</span>
            <div class="controls">
                {ui.form(
                    "inline toggle",
                    None,
                    move |args: SetAvatarActive, _| ui.set_active(args),
                    view! {
                        <input type="hidden" name="id" value=id.get_value() />
                        <input type="hidden" name="is_active" value=move || (!avatar().is_active).to_string() />
                        // A switch: its label stays "Active" (a toggle's must, or "pressed"
                        // reads backwards; the name holds the visible text, WCAG 2.5.3), its
                        // knob and colours show the state.
                        <button
                            type="submit"
                            class="toggle"
                            data-control="toggle"
                            disabled=pending
                            aria-label=move || label("Active:")
                            aria-pressed=move || avatar().is_active.to_string()
                        >
                            <span class="switch" aria-hidden="true"></span>
                            "Active"
                        </button>
                    },
                )}
                <MoveButton id up=true disabled=Signal::derive(move || pending || first()) label=Signal::derive(move || label("Move") + " up") />
                <MoveButton id up=false disabled=Signal::derive(move || pending || last()) label=Signal::derive(move || label("Move") + " down") />
                {ui.form(
                    "inline",
                    None,
                    move |args: DeleteAvatar, _| {
                        // An edit open on a deleted avatar is over (and not a loss to report).
                        close_editor(editor, false);
                        ui.delete(args)
                    },
                    view! {
                        <input type="hidden" name="id" value=id.get_value() />
                        <button type="submit" class="danger" data-control="delete" disabled=pending aria-label=move || label("Delete")>
                            "Delete"
                        </button>
                    },
                )}
            </div>
            <details
                class="edit"
                open=refused.is_some()
                node_ref=editor
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        close_editor(editor, true);
                    }
                }
            >
                <summary aria-label=move || label("Edit")>"Edit"</summary>
                {ui.form(
                    "edit-form",
                    None,
                    move |args: UpdateAvatar, form| ui.edit(args, form),
                    view! {
                        <input type="hidden" name="id" value=id.get_value() />
                        <EmojiField
                            id=["emoji-", &id.get_value()].concat()
                            value=typed_emoji
                            error=edit_error(error::Field::Emoji)
                            picker_label=Signal::derive(move || label("Choose an emoji for"))
                        />
                        <Field
                            label="Name"
                            id=["name-", &id.get_value()].concat()
                            name="name"
                            value=typed_name
                            hint=NAME_HINT
                            error=edit_error(error::Field::Name)
                        />
                        <button type="submit" class="primary" disabled=pending>"Save"</button>
                        // Needs JavaScript: kept in the layout, unseen, until the island is live.
                        <button
                            type="button"
                            class="cancel"
                            data-ready=move || ui.ready.get().to_string()
                            on:click=move |_| close_editor(editor, true)
                        >
                            "Cancel"
                        </button>
                    },
                )}
            </details>
        </li>
    }
}

/// What a row shows: its avatar, whether it is first and last, and whether it is deleted
/// (while that can be undone); `None` for the instant between its avatar leaving the list
/// and the row being removed.
type Shown = Option<(Arc<AvatarView>, bool, bool, bool)>;

/// Folds the row's editor away; with `refocus`, focus goes back to its "Edit" (Escape,
/// Cancel).
fn close_editor(editor: NodeRef<html::Details>, refocus: bool) {
    let Some(details) = editor.get_untracked() else { return };
    details.set_open(false);
    if refocus && let Ok(Some(summary)) = details.query_selector("summary") {
        let _ = summary.unchecked_into::<leptos::web_sys::HtmlElement>().focus();
    }
}

/// What a row shows for the instant between its avatar leaving the list and the row
/// being removed.
fn placeholder() -> Arc<AvatarView> {
    Arc::new(AvatarView {
        id: String::new(),
        emoji: String::new(),
        name: String::new(),
        is_active: false,
        position: 0,
    })
}

/// Moves an avatar one place up or down; disabled at the end it cannot move past.
#[component]
fn MoveButton(
    id: StoredValue<String>,
    up: bool,
    disabled: Signal<bool>,
    label: Signal<String>,
) -> impl IntoView {
    let ui = expect_context::<RosterState>();
    ui.form(
        "inline",
        None,
        move |args: MoveAvatar, _| ui.reorder(args),
        view! {
            <input type="hidden" name="id" value=id.get_value() />
            <input type="hidden" name="up" value=up.to_string() />
            <button type="submit" data-control=if up { "up" } else { "down" } disabled=disabled aria-label=label>
                {if up { "↑" } else { "↓" }}
            </button>
        },
    )
}
