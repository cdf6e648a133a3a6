//! The roster page: the viewer's avatars, rendered on the server from the database and
//! kept current in the browser. Every change is a server function behind an
//! `ActionForm`, so it also works as a plain form post without JavaScript.

use leptos::{html, prelude::*};

use crate::api::{
    AppError, AvatarView, CreateAvatar, DeleteAvatar, MoveAvatar, RestoreAvatar, SetAvatarActive,
    UpdateAvatar, list_avatars,
};

/// How long the "Undo" offer stays after a delete.
const UNDO_WINDOW_MS: u64 = 6_000;

#[component]
pub fn RosterPage() -> impl IntoView {
    let create = ServerAction::<CreateAvatar>::new();
    let update = ServerAction::<UpdateAvatar>::new();
    let activate = ServerAction::<SetAvatarActive>::new();
    let delete = ServerAction::<DeleteAvatar>::new();
    let restore = ServerAction::<RestoreAvatar>::new();
    let reorder = ServerAction::<MoveAvatar>::new();
    // Every completed change invalidates the list; on the server it renders once.
    let avatars = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                activate.version().get(),
                delete.version().get(),
                restore.version().get(),
                reorder.version().get(),
            )
        },
        |_| list_avatars(),
    );
    // Effects run in the browser only: the marker says hydration has finished.
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    // Which avatar the latest update was about, so its row can show that update's error.
    let updating = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(input) = update.input().get() {
            updating.set(Some(input.id));
        }
    });
    let actions = RowActions { update, activate, delete, reorder, updating: updating.read_only() };

    view! {
        <section class="roster" aria-labelledby="roster-title" data-hydrated=move || hydrated.get().to_string()>
            <h1 id="roster-title">"Your avatars"</h1>
            <AddAvatarForm action=create />
            <ActionError errors=Signal::derive(move || {
                // The latest failure of a row action that belongs to no single field.
                [
                    update.value().get().and_then(Result::err),
                    activate.value().get().and_then(Result::err),
                    delete.value().get().and_then(Result::err),
                    restore.value().get().and_then(Result::err),
                    reorder.value().get().and_then(Result::err),
                ]
                .into_iter()
                .flatten()
                .find(|error| !matches!(error, AppError::Invalid { .. }))
            }) />
            <Transition fallback=|| view! { <p class="empty">"Loading your avatars…"</p> }>
                {move || {
                    avatars
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => view! {
                                <p class="empty">
                                    "No avatars yet. Pick an emoji and a name above to add your first."
                                </p>
                            }
                            .into_any(),
                            Ok(list) => {
                                let count = list.len();
                                view! {
                                    <ol class="avatars" aria-label="Avatars">
                                        {list
                                            .into_iter()
                                            .enumerate()
                                            .map(|(index, avatar)| {
                                                view! {
                                                    <AvatarRow
                                                        avatar
                                                        first=index == 0
                                                        last=index + 1 == count
                                                        actions
                                                    />
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                }
                                .into_any()
                            }
                            Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
            <UndoDelete delete restore />
        </section>
    }
}

/// The actions a row's controls dispatch.
#[derive(Clone, Copy)]
struct RowActions {
    update: ServerAction<UpdateAvatar>,
    activate: ServerAction<SetAvatarActive>,
    delete: ServerAction<DeleteAvatar>,
    reorder: ServerAction<MoveAvatar>,
    updating: ReadSignal<Option<String>>,
}

/// A form-level error that belongs to no single field.
#[component]
fn ActionError(errors: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        errors.get().map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })
    }
}

#[component]
fn AddAvatarForm(action: ServerAction<CreateAvatar>) -> impl IntoView {
    let form = NodeRef::<html::Form>::new();
    let error = move |field: &'static str| {
        Signal::derive(move || {
            action.value().get().and_then(Result::err).and_then(|error| error.for_field(field))
        })
    };
    let other_error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|error| !matches!(error, AppError::Invalid { .. }))
    };
    // A successful add clears the form for the next one; a failed one keeps what was typed.
    Effect::new(move || {
        if matches!(action.value().get(), Some(Ok(_)))
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <ActionForm action node_ref=form attr:class="add" attr:aria-label="Add an avatar">
            <Field label="Emoji" id="new-emoji" name="emoji" placeholder="🐱" error=error("emoji") />
            <Field label="Name" id="new-name" name="name" placeholder="Whiskers" error=error("name") />
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "Add avatar"
            </button>
            {move || other_error().map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
        </ActionForm>
    }
}

#[component]
fn AvatarRow(avatar: AvatarView, first: bool, last: bool, actions: RowActions) -> impl IntoView {
    let RowActions { update, activate, delete, reorder, updating } = actions;
    let AvatarView { id, emoji, name, is_active, .. } = avatar;
    // Form children are re-runnable closures: they read these copyable handles.
    let (id, emoji, name) = (StoredValue::new(id), StoredValue::new(emoji), StoredValue::new(name));
    let edit_error = move |field: &'static str| {
        Signal::derive(move || {
            let mine = updating.get() == Some(id.get_value());
            let error = update.value().get().and_then(Result::err);
            error.filter(|_| mine).and_then(|error| error.for_field(field))
        })
    };
    let label = move |verb: &str| format!("{verb} {}", name.get_value());
    view! {
        <li class="avatar" class:inactive=!is_active>
            <span class="avatar-emoji" aria-hidden="true">{emoji.get_value()}</span>
            <span class="avatar-name">{name.get_value()}</span>
            <ActionForm action=activate attr:class="inline toggle">
                <input type="hidden" name="id" value=id.get_value() />
                <input type="hidden" name="is_active" value=(!is_active).to_string() />
                <button type="submit" class="toggle" aria-pressed=is_active.to_string()>
                    "Active"
                </button>
            </ActionForm>
            <MoveButton action=reorder id up=true disabled=first label=format!("{} up", label("Move")) />
            <MoveButton action=reorder id up=false disabled=last label=format!("{} down", label("Move")) />
            <ActionForm action=delete attr:class="inline">
                <input type="hidden" name="id" value=id.get_value() />
                <button type="submit" class="danger" aria-label=label("Delete")>
                    "Delete"
                </button>
            </ActionForm>
            <details class="edit">
                <summary aria-label=label("Edit")>"Edit"</summary>
                <ActionForm action=update attr:class="edit-form">
                    <input type="hidden" name="id" value=id.get_value() />
                    <Field
                        label="Emoji"
                        id=format!("emoji-{}", id.get_value())
                        name="emoji"
                        value=emoji.get_value()
                        error=edit_error("emoji")
                    />
                    <Field
                        label="Name"
                        id=format!("name-{}", id.get_value())
                        name="name"
                        value=name.get_value()
                        error=edit_error("name")
                    />
                    <button type="submit" class="primary">"Save"</button>
                </ActionForm>
            </details>
        </li>
    }
}

/// Moves an avatar one place up or down; disabled at the end it cannot move past.
#[component]
fn MoveButton(
    action: ServerAction<MoveAvatar>,
    id: StoredValue<String>,
    up: bool,
    disabled: bool,
    label: String,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="id" value=id.get_value() />
            <input type="hidden" name="up" value=up.to_string() />
            <button type="submit" disabled=disabled aria-label=label.clone()>
                {if up { "↑" } else { "↓" }}
            </button>
        </ActionForm>
    }
}

/// A labelled text input with its error message underneath, tied together for screen
/// readers (`aria-invalid`, `aria-describedby`).
#[component]
fn Field(
    label: &'static str,
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                value=value
                placeholder=placeholder
                autocomplete="off"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// After a delete, offers to put the avatar back for a few seconds.
#[component]
fn UndoDelete(
    delete: ServerAction<DeleteAvatar>,
    restore: ServerAction<RestoreAvatar>,
) -> impl IntoView {
    let offer = RwSignal::new(None::<AvatarView>);
    Effect::new(move || {
        if let Some(Ok(deleted)) = delete.value().get() {
            let id = deleted.id.clone();
            offer.set(Some(deleted));
            // Withdraw this offer only: a later delete has an offer (and a timer) of its own.
            let withdraw = move || {
                if offer.with_untracked(|o| o.as_ref().is_some_and(|d| d.id == id)) {
                    offer.set(None);
                }
            };
            set_timeout(withdraw, std::time::Duration::from_millis(UNDO_WINDOW_MS));
        }
    });
    move || {
        offer.get().map(|deleted| {
            view! {
                <div class="toast" role="status">
                    <span>{format!("Deleted {}.", deleted.name)}</span>
                    <ActionForm action=restore attr:class="inline" on:submit=move |_| offer.set(None)>
                        <input type="hidden" name="emoji" value=deleted.emoji.clone() />
                        <input type="hidden" name="name" value=deleted.name.clone() />
                        <input type="hidden" name="is_active" value=deleted.is_active.to_string() />
                        <input type="hidden" name="position" value=deleted.position.to_string() />
                        <button type="submit">"Undo"</button>
                    </ActionForm>
                </div>
            }
        })
    }
}
