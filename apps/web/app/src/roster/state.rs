//! The island's state, shared by its parts through context, and every change the roster
//! makes: each one optimistic in the cache, then confirmed (or rolled back) by the server.

use leptos::{prelude::*, web_sys::HtmlFormElement};
use leptos_fetch::QueryClient;

use super::{
    api::{
        AvatarView, CreateAvatar, DeleteAvatar, MoveAvatar, RestoreAvatar, SetAvatarActive,
        UpdateAvatar, create_avatar, delete_avatar, move_avatar, move_one, restore_avatar,
        set_avatar_active, update_avatar,
    },
    queries::{self, RosterData},
};
use crate::{
    client::{mutation::Mutation, retry::Retry},
    components::form::{FromFields, form, refill},
    error::ApiError,
};

/// How long the "Undo" offer stays after a delete.
const UNDO_WINDOW_MS: u64 = 6_000;

/// Marks an avatar that exists in the cache only, until the server has created it.
pub const PENDING_ID: &str = "pending";

/// The island's state: the cache and what the forms show.
#[derive(Clone, Copy)]
pub struct Ui {
    client: QueryClient,
    /// The cached roster; after a failed refresh, the list last loaded.
    pub list: Memo<Vec<AvatarView>>,
    /// The add form's latest failure.
    pub add_error: RwSignal<Option<ApiError>>,
    /// The latest failed edit, and of which avatar.
    pub edit_error: RwSignal<Option<(String, ApiError)>>,
    /// A failure that belongs to no form field.
    pub banner: RwSignal<Option<ApiError>>,
    /// The avatar just deleted, while it can still be put back.
    pub undo: RwSignal<Option<AvatarView>>,
    /// True once the island is live (effects have run): controls that need JavaScript.
    pub ready: RwSignal<bool>,
    /// Changes on their way to the server.
    pub in_flight: RwSignal<usize>,
}

impl Ui {
    pub fn new(client: QueryClient, avatars: Signal<Option<RosterData>>) -> Self {
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

    /// A form of the roster posting to `S`; a submit that cannot be read is reported in
    /// the banner.
    pub fn form<S: FromFields + 'static>(
        self,
        class: &'static str,
        label: Option<&'static str>,
        on_submit: impl Fn(S, HtmlFormElement) + 'static,
        children: impl IntoView,
    ) -> impl IntoView {
        form(class, label, on_submit, move |error| self.banner.set(Some(error)), children)
    }

    /// Starts a change of the roster: `optimistic` edits the cached list at once.
    fn change<T: 'static, Call>(
        self,
        retry: Retry,
        optimistic: impl FnOnce(&mut Vec<AvatarView>),
        call: impl Fn() -> Call + 'static,
        settled: impl FnOnce(Result<T, ApiError>) + 'static,
    ) where
        Call: std::future::Future<Output = Result<T, ApiError>> + 'static,
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
    fn report<T>(self) -> impl FnOnce(Result<T, ApiError>) {
        move |outcome| {
            if let Err(error) = outcome {
                self.banner.set(Some(error));
            }
        }
    }

    pub fn add(self, CreateAvatar { emoji, name }: CreateAvatar, form: HtmlFormElement) {
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

    pub fn edit(self, UpdateAvatar { id, emoji, name }: UpdateAvatar, form: HtmlFormElement) {
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
                // About a field: next to it, in the editor. Anything else: the banner.
                Err(error @ ApiError::Invalid { .. }) => self.edit_error.set(Some((id, error))),
                Err(error) => self.banner.set(Some(error)),
            },
        );
    }

    pub fn set_active(self, SetAvatarActive { id, is_active }: SetAvatarActive) {
        let target = id.clone();
        self.change(
            Retry::Transient,
            move |list| edit_one(list, &target, |avatar| avatar.is_active = is_active),
            move || set_avatar_active(id.clone(), is_active),
            self.report(),
        );
    }

    pub fn delete(self, DeleteAvatar { id }: DeleteAvatar) {
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

    pub fn restore(self, args: RestoreAvatar) {
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
                let at = usize::try_from(position).unwrap_or(0).min(list.len());
                list.insert(at, back);
            },
            move || restore_avatar(emoji.clone(), name.clone(), is_active, position),
            self.report(),
        );
    }

    pub fn reorder(self, MoveAvatar { id, up }: MoveAvatar) {
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
