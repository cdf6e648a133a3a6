//! The roster page: the viewer's avatars, rendered on the server from data loaded before
//! rendering starts, and one island ([`Roster`]) that the browser hydrates.
//!
//! In the browser the list lives in the query cache (`queries::roster`), seeded from the
//! server's data (no fetch on hydrate). Every change goes through `Mutation::run`, which
//! updates the cache at once, calls the server function, rolls back on failure and fetches
//! the list again when it settles. Every control is also a plain `<form>` posting to the
//! same server function, so the page works without JavaScript.

use leptos::{
    html,
    prelude::*,
    server_fn::ServerFn,
    wasm_bindgen::JsCast,
    web_sys::{FormData, HtmlFormElement, HtmlInputElement, SubmitEvent},
};
use leptos_fetch::QueryClient;
use serde::{Deserialize, Serialize};

use crate::{
    api::{
        AppError, AvatarView, CreateAvatar, DeleteAvatar, MoveAvatar, RestoreAvatar,
        SetAvatarActive, UpdateAvatar, create_avatar, delete_avatar, move_avatar, move_one,
        restore_avatar, set_avatar_active, update_avatar,
    },
    mutation::{Mutation, Retry},
    picker::EmojiPicker,
    queries::{self, Roster as RosterData},
    sync,
};

/// How long the "Undo" offer stays after a delete.
const UNDO_WINDOW_MS: u64 = 6_000;

/// Marks an avatar that exists in the cache only, until the server has created it.
const PENDING_ID: &str = "pending";

/// What the page needs before it renders; loaded by the server (`ssr::load_page`) so
/// that nothing on the page suspends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageData {
    /// Whose data the page holds, as an opaque tag (`ssr::cache_owner`): tabs compare it
    /// to tell whether a message from another tab is about their cache.
    pub cache_owner: String,
    pub roster: RosterData,
}

/// A plain form post (JavaScript off) that failed: the server redirected back to the page
/// with the error in the URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormFailure {
    /// The server function's path: says which form it came from.
    pub action: String,
    pub error: AppError,
}

#[component]
pub fn RosterPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (data, failure) = (crate::ssr::page_data(), crate::ssr::form_failure());
    // Never rendered in the browser (only islands run there); this keeps the type whole.
    #[cfg(not(feature = "ssr"))]
    let (data, failure) = (
        PageData { cache_owner: String::new(), roster: Err(AppError::Unavailable) },
        None::<FormFailure>,
    );
    view! {
        <section class="roster" aria-labelledby="roster-title">
            <h1 id="roster-title">"Your avatars"</h1>
            <Roster data failure />
        </section>
    }
}

/// The interactive roster: the only part of the page compiled to wasm.
#[island]
fn Roster(data: PageData, failure: Option<FormFailure>) -> impl IntoView {
    let client = QueryClient::new().provide();
    client.set_query(queries::roster(), (), data.roster);
    let avatars = client.subscribe_value(queries::roster(), || ());
    let ui = Ui::new(client, avatars);
    if let Some(FormFailure { action, error }) = failure {
        if action == CreateAvatar::PATH {
            ui.add_error.set(Some(error))
        } else {
            ui.banner.set(Some(error))
        }
    }
    provide_context(ui);
    // Why the roster could not be loaded or refreshed, if it could not: shown above the
    // list, which keeps showing what was last loaded.
    let load_error = Memo::new(move |_| avatars.get().and_then(Result::err));
    // What the list area shows: the list, the empty state, or nothing (when nothing could
    // be loaded, the error says it all). A memo, so that a change inside the list leaves
    // the list mounted: rows update where they are, keeping focus and open editors.
    let showing =
        Memo::new(move |_| match (ui.list.with(Vec::is_empty), load_error.with(Option::is_some)) {
            (false, _) => ListArea::Avatars,
            (true, false) => ListArea::Empty,
            (true, true) => ListArea::Nothing,
        });
    // Effects run in the browser only, once the island is live.
    let cache_owner = data.cache_owner;
    Effect::new(move |_| {
        sync::start(client, cache_owner.clone());
        ui.ready.set(true);
    });

    view! {
        <div
            class="roster-body"
            data-hydrated=move || ui.ready.get().to_string()
            data-busy=move || (ui.in_flight.get() > 0).to_string()
        >
            <AddAvatarForm />
            {move || ui.banner.get().map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })}
            {move || {
                load_error.get().map(|error| view! {
                    <div class="error load-error" role="alert">
                        <p>{error.to_string()}</p>
                        <button type="button" on:click=move |_| leptos::task::spawn_local(sync::refresh(client))>
                            "Try again"
                        </button>
                    </div>
                })
            }}
            {move || match showing.get() {
                ListArea::Avatars => view! {
                    <ol class="avatars" aria-label="Avatars">
                        <For each=move || ui.list.get() key=|avatar| avatar.id.clone() let(avatar)>
                            <AvatarRow id=avatar.id />
                        </For>
                    </ol>
                }
                .into_any(),
                ListArea::Empty => view! {
                    <p class="empty">"No avatars yet. Pick an emoji and a name above to add your first."</p>
                }
                .into_any(),
                ListArea::Nothing => ().into_any(),
            }}
            <UndoDelete />
        </div>
    }
    // Erased here, so the page's view type stays shallow enough for the compiler.
    .into_any()
}

/// What the list area of the island shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListArea {
    Avatars,
    /// The invitation to add a first avatar.
    Empty,
    /// Nothing could be loaded: the error above says so.
    Nothing,
}

/// The island's state, shared by its parts: the cache and what the forms show.
#[derive(Clone, Copy)]
struct Ui {
    client: QueryClient,
    /// The cached roster; after a failed refresh, the list last loaded.
    list: Memo<Vec<AvatarView>>,
    /// The add form's latest failure.
    add_error: RwSignal<Option<AppError>>,
    /// The latest failed edit, and of which avatar.
    edit_error: RwSignal<Option<(String, AppError)>>,
    /// A failure that belongs to no form field.
    banner: RwSignal<Option<AppError>>,
    /// The avatar just deleted, while it can still be put back.
    undo: RwSignal<Option<AvatarView>>,
    /// True once the island is live (effects have run): controls that need JavaScript.
    ready: RwSignal<bool>,
    /// Changes on their way to the server.
    in_flight: RwSignal<usize>,
}

impl Ui {
    fn new(client: QueryClient, avatars: Signal<Option<RosterData>>) -> Self {
        Ui {
            client,
            list: Memo::new(move |last: Option<&Vec<AvatarView>>| match avatars.get() {
                Some(Ok(list)) => list,
                _ => last.cloned().unwrap_or_default(),
            }),
            add_error: RwSignal::new(None),
            edit_error: RwSignal::new(None),
            banner: RwSignal::new(None),
            undo: RwSignal::new(None),
            ready: RwSignal::new(false),
            in_flight: RwSignal::new(0),
        }
    }

    /// Starts a change of the roster: `optimistic` edits the cached list at once.
    fn change<T: 'static, Call>(
        self,
        retry: Retry,
        optimistic: impl FnOnce(&mut Vec<AvatarView>),
        call: impl Fn() -> Call + 'static,
        settled: impl FnOnce(Result<T, AppError>) + 'static,
    ) where
        Call: std::future::Future<Output = Result<T, AppError>> + 'static,
    {
        self.banner.set(None);
        Mutation::new(self.client, queries::roster(), (), self.in_flight).run(
            retry,
            |roster| {
                if let Ok(list) = roster {
                    optimistic(list);
                }
            },
            call,
            settled,
        );
    }

    /// Shows a failure that is not about a form field.
    fn report<T>(self) -> impl FnOnce(Result<T, AppError>) {
        move |outcome| {
            if let Err(error) = outcome {
                self.banner.set(Some(error));
            }
        }
    }

    fn add(self, CreateAvatar { emoji, name }: CreateAvatar, form: HtmlFormElement) {
        self.add_error.set(None);
        let pending = AvatarView {
            id: format!("{PENDING_ID}-{}", self.list.with_untracked(Vec::len)),
            emoji: emoji.clone(),
            name: name.trim().to_owned(),
            is_active: true,
            position: i32::MAX,
        };
        // Cleared at once, like the list: the next avatar can be typed while this one is
        // saved. A refusal puts the input back (unless something new was typed meanwhile).
        form.reset();
        let typed = [("emoji", emoji.clone()), ("name", name.clone())];
        self.change(
            Retry::Unavailable,
            move |list| list.push(pending),
            move || create_avatar(emoji.clone(), name.clone()),
            move |outcome| {
                if let Err(error) = outcome {
                    refill(&form, &typed);
                    self.add_error.set(Some(error));
                }
            },
        );
    }

    fn edit(self, UpdateAvatar { id, emoji, name }: UpdateAvatar, form: HtmlFormElement) {
        self.edit_error.set(None);
        let (target, new_emoji, new_name) = (id.clone(), emoji.clone(), name.trim().to_owned());
        self.change(
            Retry::Transient,
            move |list| {
                edit_one(list, &target, |avatar| {
                    avatar.emoji = new_emoji;
                    avatar.name = new_name;
                });
            },
            {
                let id = id.clone();
                move || update_avatar(id.clone(), emoji.clone(), name.clone())
            },
            move |outcome| match outcome {
                // Saved: fold the editor away.
                Ok(_) => {
                    if let Some(details) = form.parent_element() {
                        let _ = details.remove_attribute("open");
                    }
                }
                Err(error) => self.edit_error.set(Some((id, error))),
            },
        );
    }

    fn set_active(self, SetAvatarActive { id, is_active }: SetAvatarActive) {
        let target = id.clone();
        self.change(
            Retry::Transient,
            move |list| edit_one(list, &target, |avatar| avatar.is_active = is_active),
            move || set_avatar_active(id.clone(), is_active),
            self.report(),
        );
    }

    fn delete(self, DeleteAvatar { id }: DeleteAvatar) {
        let target = id.clone();
        self.change(
            Retry::Transient,
            move |list| list.retain(|a| a.id != target),
            move || delete_avatar(id.clone()),
            move |outcome| match outcome {
                Ok(deleted) => self.offer_undo(deleted),
                Err(error) => self.banner.set(Some(error)),
            },
        );
    }

    fn restore(self, args: RestoreAvatar) {
        self.undo.set(None);
        let RestoreAvatar { emoji, name, is_active, position } = args;
        let back = AvatarView {
            id: format!("{PENDING_ID}-restore"),
            emoji: emoji.clone(),
            name: name.clone(),
            is_active,
            position,
        };
        self.change(
            Retry::Unavailable,
            move |list| {
                let at = list.iter().position(|a| a.position > position).unwrap_or(list.len());
                list.insert(at, back);
            },
            move || restore_avatar(emoji.clone(), name.clone(), is_active, position),
            self.report(),
        );
    }

    fn reorder(self, MoveAvatar { id, up }: MoveAvatar) {
        let target = id.clone();
        self.change(
            Retry::Unavailable,
            move |list| {
                if let Some(from) = list.iter().position(|a| a.id == target) {
                    move_one(list, from, up);
                }
            },
            move || move_avatar(id.clone(), up),
            self.report(),
        );
    }

    /// Offers to put `deleted` back; the offer is withdrawn after a while, or replaced by
    /// the next delete's (which has a timer of its own).
    fn offer_undo(self, deleted: AvatarView) {
        let id = deleted.id.clone();
        self.undo.set(Some(deleted));
        set_timeout(
            move || {
                if self.undo.with_untracked(|o| o.as_ref().is_some_and(|d| d.id == id)) {
                    self.undo.set(None);
                }
            },
            std::time::Duration::from_millis(UNDO_WINDOW_MS),
        );
    }
}

/// Applies `edit` to the avatar `id` of a cached list, if it is there.
fn edit_one(list: &mut [AvatarView], id: &str, edit: impl FnOnce(&mut AvatarView)) {
    if let Some(avatar) = list.iter_mut().find(|a| a.id == id) {
        edit(avatar);
    }
}

/// Puts `values` back into the form's empty fields.
fn refill(form: &HtmlFormElement, values: &[(&str, String)]) {
    for (name, value) in values {
        let field = form.query_selector(&format!("[name={name}]")).ok().flatten();
        if let Some(input) = field.and_then(|field| field.dyn_into::<HtmlInputElement>().ok())
            && input.value().is_empty()
        {
            input.set_value(value);
        }
    }
}

/// A form that posts to the server function `S`. Without JavaScript that post is the whole
/// story; with it, the submit is taken over and `on_submit` makes the change instead.
fn form<S>(
    class: &'static str,
    label: Option<&'static str>,
    on_submit: impl Fn(S, HtmlFormElement) + 'static,
    children: impl IntoView,
) -> impl IntoView
where
    S: FromFields + 'static,
{
    let banner = expect_context::<Ui>().banner;
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(form) = event.current_target().and_then(|form| form.dyn_into().ok()) else {
            return;
        };
        match FormData::new_with_form(&form).ok().and_then(|data| S::from_fields(&Fields(data))) {
            Some(args) => on_submit(args, form),
            // Only a tampered page can send fields the function cannot read.
            None => banner.set(Some(AppError::Invalid {
                field: String::new(),
                message: "That form could not be read. Reload the page and try again.".into(),
            })),
        }
    };
    view! {
        <form method="post" action=S::url() class=class aria-label=label on:submit=submit>
            {children}
        </form>
    }
}

/// A submitted form's fields.
struct Fields(FormData);

impl Fields {
    fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).as_string()
    }

    fn parse<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.text(name)?.parse().ok()
    }
}

/// Reads a server function's arguments from its form: what Leptos's `FromFormData` does,
/// without compiling a query-string deserializer into the wasm (about 5 KB of brotli).
trait FromFields: ServerFn {
    fn from_fields(fields: &Fields) -> Option<Self>;
}

impl FromFields for CreateAvatar {
    fn from_fields(f: &Fields) -> Option<Self> {
        Some(CreateAvatar { emoji: f.text("emoji")?, name: f.text("name")? })
    }
}

impl FromFields for UpdateAvatar {
    fn from_fields(f: &Fields) -> Option<Self> {
        Some(UpdateAvatar { id: f.text("id")?, emoji: f.text("emoji")?, name: f.text("name")? })
    }
}

impl FromFields for SetAvatarActive {
    fn from_fields(f: &Fields) -> Option<Self> {
        Some(SetAvatarActive { id: f.text("id")?, is_active: f.parse("is_active")? })
    }
}

impl FromFields for DeleteAvatar {
    fn from_fields(f: &Fields) -> Option<Self> {
        Some(DeleteAvatar { id: f.text("id")? })
    }
}

impl FromFields for RestoreAvatar {
    fn from_fields(f: &Fields) -> Option<Self> {
        Some(RestoreAvatar {
            emoji: f.text("emoji")?,
            name: f.text("name")?,
            is_active: f.parse("is_active")?,
            position: f.parse("position")?,
        })
    }
}

impl FromFields for MoveAvatar {
    fn from_fields(f: &Fields) -> Option<Self> {
        Some(MoveAvatar { id: f.text("id")?, up: f.parse("up")? })
    }
}

#[component]
fn AddAvatarForm() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let error = move |field: &'static str| {
        Signal::derive(move || ui.add_error.get().and_then(|error| error.for_field(field)))
    };
    let other_error =
        move || ui.add_error.get().filter(|error| !matches!(error, AppError::Invalid { .. }));
    view! {
        {form(
            "add",
            Some("Add an avatar"),
            move |args, form| ui.add(args, form),
            view! {
                <Field label="Emoji" id="new-emoji" name="emoji" placeholder="🐱" error=error("emoji") />
                <Field label="Name" id="new-name" name="name" placeholder="Whiskers" error=error("name") />
                <button type="submit" class="primary">"Add avatar"</button>
                {move || other_error().map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            },
        )}
    }
}

/// One avatar of the list. Keyed by id in the list, and reading its own fields from the
/// cache, so a change re-renders the row in place (and keeps keyboard focus).
#[component]
fn AvatarRow(id: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let id = StoredValue::new(id);
    let row = Memo::new(move |_| {
        ui.list.with(|list| {
            let index = list.iter().position(|a| a.id == id.get_value())?;
            Some((list[index].clone(), index == 0, index + 1 == list.len()))
        })
    });
    let avatar = move || row.get().map(|(avatar, ..)| avatar).unwrap_or_else(placeholder);
    let first = move || row.get().is_none_or(|(_, first, _)| first);
    let last = move || row.get().is_none_or(|(.., last)| last);
    let pending = id.get_value().starts_with(PENDING_ID);
    let label = move |verb: &str| format!("{verb} {}", avatar().name);
    let edit_error = move |field: &'static str| {
        Signal::derive(move || {
            ui.edit_error
                .get()
                .filter(|(of, _)| *of == id.get_value())
                .and_then(|(_, error)| error.for_field(field))
        })
    };
    view! {
        <li class="avatar" class:inactive=move || !avatar().is_active class:pending=pending>
            <span class="avatar-emoji" aria-hidden="true">{move || avatar().emoji}</span>
            <span class="avatar-name">{move || avatar().name}</span>
            {form(
                "inline toggle",
                None,
                move |args, _| ui.set_active(args),
                view! {
                    <input type="hidden" name="id" value=id.get_value() />
                    <input type="hidden" name="is_active" value=move || (!avatar().is_active).to_string() />
                    <button type="submit" class="toggle" disabled=pending aria-pressed=move || avatar().is_active.to_string()>
                        "Active"
                    </button>
                },
            )}
            <MoveButton id up=true disabled=Signal::derive(move || pending || first()) label=Signal::derive(move || label("Move") + " up") />
            <MoveButton id up=false disabled=Signal::derive(move || pending || last()) label=Signal::derive(move || label("Move") + " down") />
            {form(
                "inline",
                None,
                move |args, _| ui.delete(args),
                view! {
                    <input type="hidden" name="id" value=id.get_value() />
                    <button type="submit" class="danger" disabled=pending aria-label=move || label("Delete")>
                        "Delete"
                    </button>
                },
            )}
            <details class="edit">
                <summary aria-label=move || label("Edit")>"Edit"</summary>
                {form(
                    "edit-form",
                    None,
                    move |args, form| ui.edit(args, form),
                    view! {
                        <input type="hidden" name="id" value=id.get_value() />
                        <Field
                            label="Emoji"
                            id=format!("emoji-{}", id.get_value())
                            name="emoji"
                            value=avatar().emoji
                            error=edit_error("emoji")
                        />
                        <Field
                            label="Name"
                            id=format!("name-{}", id.get_value())
                            name="name"
                            value=avatar().name
                            error=edit_error("name")
                        />
                        <button type="submit" class="primary" disabled=pending>"Save"</button>
                    },
                )}
            </details>
        </li>
    }
    .into_any()
}

/// What a row shows for the instant between its avatar leaving the list and the row
/// being removed.
fn placeholder() -> AvatarView {
    AvatarView {
        id: String::new(),
        emoji: String::new(),
        name: String::new(),
        is_active: false,
        position: 0,
    }
}

/// Moves an avatar one place up or down; disabled at the end it cannot move past.
#[component]
fn MoveButton(
    id: StoredValue<String>,
    up: bool,
    disabled: Signal<bool>,
    label: Signal<String>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        {form(
            "inline",
            None,
            move |args, _| ui.reorder(args),
            view! {
                <input type="hidden" name="id" value=id.get_value() />
                <input type="hidden" name="up" value=up.to_string() />
                <button type="submit" disabled=disabled aria-label=label>
                    {if up { "↑" } else { "↓" }}
                </button>
            },
        )}
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
    // The emoji field gets the picker next to its input.
    let input = NodeRef::<html::Input>::new();
    let picker = (name == "emoji").then(|| {
        let ready = expect_context::<Ui>().ready;
        view! { <EmojiPicker field_id=id.clone() input ready=ready.into() /> }
    });
    view! {
        <div class="field" class:emoji-field=name == "emoji">
            <label for=id.clone()>{label}</label>
            <input
                node_ref=input
                id=id
                name=name
                value=value
                placeholder=placeholder
                autocomplete="off"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            {picker}
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
    .into_any()
}

/// After a delete, offers to put the avatar back for a few seconds.
#[component]
fn UndoDelete() -> impl IntoView {
    let ui = expect_context::<Ui>();
    move || {
        ui.undo.get().map(|deleted| {
            view! {
                <div class="toast" role="status">
                    <span>{format!("Deleted {}.", deleted.name)}</span>
                    {form(
                        "inline",
                        None,
                        move |args, _| ui.restore(args),
                        view! {
                            <input type="hidden" name="emoji" value=deleted.emoji.clone() />
                            <input type="hidden" name="name" value=deleted.name.clone() />
                            <input type="hidden" name="is_active" value=deleted.is_active.to_string() />
                            <input type="hidden" name="position" value=deleted.position.to_string() />
                            <button type="submit">"Undo"</button>
                        },
                    )}
                </div>
            }
        })
    }
}
