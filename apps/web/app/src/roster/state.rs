//! The island's state, shared by its parts through context, and every change the roster
//! makes: each one optimistic in the cache, then confirmed (or rolled back) by the server.

use leptos::{prelude::*, web_sys::HtmlFormElement};

use super::{
    AvatarView,
    api::{CreateAvatar, DeleteAvatar, MoveAvatar, SetAvatarActive, UpdateAvatar, move_one},
    queries::RosterData,
};
use crate::{
    client::{
        mutation::{Activity, Mutation},
        query::Query,
        retry::Failure,
        transport::call,
    },
    components::form::{FromFields, form, refill},
    error::ApiError,
};

/// Marks an avatar that exists in the cache only, until the server has created it.
pub const PENDING_ID: &str = "pending";

/// The island's state: the cache and what the forms show.
#[derive(Clone, Copy)]
pub struct RosterState {
    /// The roster's query in the client cache (`queries::roster`).
    roster: Query<RosterData>,
    /// The cached roster; after a failed refresh, the list last loaded.
    pub list: Memo<Vec<AvatarView>>,
    /// The add form's latest failure.
    pub add_error: RwSignal<Option<ApiError>>,
    /// The latest failed edit, and of which avatar.
    pub edit_error: RwSignal<Option<(String, ApiError)>>,
    /// A failure that belongs to no form field.
    pub banner: RwSignal<Option<ApiError>>,
    /// The avatars deleted while the undo offer is open, each with `position` set to the
    /// place of its row in the list as shown when it was deleted (`undo.rs`).
    pub deleted: RwSignal<Vec<AvatarView>>,
    /// True once the island is live (effects have run): controls that need JavaScript.
    pub ready: RwSignal<bool>,
    /// Changes on their way to the server, and those waiting to be tried again.
    pub activity: Activity,
}

impl RosterState {
    pub fn new(roster: Query<RosterData>) -> Self {
        let cached = roster.value();
        let list = Memo::new(move |last: Option<&Vec<AvatarView>>| match cached.get() {
            Ok(list) => list,
            Err(_) => last.cloned().unwrap_or_default(),
        });
        RosterState {
            roster,
            list,
            add_error: RwSignal::new(None),
            edit_error: RwSignal::new(None),
            banner: RwSignal::new(None),
            deleted: RwSignal::new(Vec::new()),
            ready: RwSignal::new(false),
            activity: Activity::new(),
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
    pub(super) fn change<T: 'static, Call>(
        self,
        optimistic: impl FnOnce(&mut Vec<AvatarView>),
        call: impl Fn() -> Call + 'static,
        settled: impl FnOnce(Result<T, ApiError>) + 'static,
    ) where
        Call: std::future::Future<Output = Result<T, ApiError>> + 'static,
    {
        self.banner.set(None);
        Mutation::new(self.roster, self.activity).run(
            |roster| {
                if let Ok(list) = roster {
                    optimistic(list);
                }
            },
            call,
            settled,
        );
    }

    /// Frees row `id` once its change has an answer, and shows a failure that is not
    /// about a form field; `done` hears of a success.
    fn settle<T>(self, id: String, done: impl FnOnce(T)) -> impl FnOnce(Result<T, ApiError>) {
        move |outcome| {
            self.free(&id);
            match outcome {
                Ok(value) => done(value),
                Err(error) => self.banner.set(Some(error)),
            }
        }
    }

    /// The cached avatar `id`.
    fn avatar(self, id: &str) -> Option<AvatarView> {
        self.list.with_untracked(|list| list.iter().find(|a| a.id == id).cloned())
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
            move |list| list.push(pending),
            move || call(CreateAvatar { emoji: emoji.clone(), name: name.clone() }),
            move |outcome| match outcome {
                Ok(added) => self.say(format!("Added {}.", added.name)),
                Err(error) => {
                    refill(&form, &typed);
                    self.say(format!("Not added: {error}"));
                    // About the page as a whole (the identity is over): in the banner, once
                    // for all the changes it refused.
                    if error.ends_identity() {
                        self.banner.set(Some(error));
                    } else {
                        self.add_error.set(Some(error));
                        self.focus_on(vec!["form.add [aria-invalid=true]".to_owned()]);
                    }
                }
            },
        );
    }

    pub fn edit(self, UpdateAvatar { id, emoji, name }: UpdateAvatar, form: HtmlFormElement) {
        self.claim(&id);
        self.edit_error.set(None);
        let (target, new_emoji, new_name) = (id.clone(), emoji.clone(), name.trim().to_owned());
        self.change(
            move |list| {
                edit_one(list, &target, |avatar| {
                    avatar.emoji = new_emoji;
                    avatar.name = new_name;
                });
            },
            {
                let id = id.clone();
                move || {
                    call(UpdateAvatar { id: id.clone(), emoji: emoji.clone(), name: name.clone() })
                }
            },
            move |outcome| {
                self.free(&id);
                match outcome {
                    // Saved: fold the editor away.
                    Ok(saved) => {
                        if let Some(details) = form.parent_element() {
                            let _ = details.remove_attribute("open");
                        }
                        self.say(format!("Saved {}.", saved.name));
                    }
                    // About a field: next to it, in the editor. Anything else: the banner.
                    Err(error @ (ApiError::Invalid { .. } | ApiError::Several(_))) => {
                        self.focus_on(vec![format!("[data-id=\"{id}\"] [aria-invalid=true]")]);
                        self.edit_error.set(Some((id, error)));
                    }
                    Err(error) => self.banner.set(Some(error)),
                }
            },
        );
    }

    pub fn set_active(self, SetAvatarActive { id, is_active }: SetAvatarActive) {
        self.claim(&id);
        let target = id.clone();
        self.change(
            move |list| edit_one(list, &target, |avatar| avatar.is_active = is_active),
            {
                let id = id.clone();
                move || call(SetAvatarActive { id: id.clone(), is_active })
            },
            self.settle(id, move |avatar: AvatarView| {
                let state = if avatar.is_active { "active" } else { "inactive" };
                self.say(format!("{} is {state}.", avatar.name));
            }),
        );
    }

    /// Deletes at once, the row left in its place, and offers to undo every delete since
    /// the offer opened; focus goes to that "Undo", then (once the offer has ended) to the
    /// row that took the place.
    pub fn delete(self, DeleteAvatar { id }: DeleteAvatar) {
        let Some(avatar) = self.avatar(&id) else { return };
        self.claim(&id);
        let at = untrack(|| self.rows()).iter().position(|r| *r == id).unwrap_or(0);
        self.say(format!("Deleted {}.", avatar.name));
        let mut gone = self.deleted.get_untracked();
        gone.push(AvatarView { position: i32::try_from(at).unwrap_or(i32::MAX), ..avatar });
        self.deleted.set(gone);
        self.start_undo_timer();
        self.focus_after_delete(&id, at);
        let target = id.clone();
        self.change(
            move |list| list.retain(|a| a.id != target),
            {
                let id = id.clone();
                move || call(DeleteAvatar { id: id.clone() })
            },
            move |outcome| {
                if outcome.is_err() {
                    // Rolled back: the row is there again, so is its note no longer.
                    let mut gone = self.deleted.get_untracked();
                    gone.retain(|g| g.id != id);
                    self.deleted.set(gone);
                }
                self.settle(id, drop)(outcome);
                self.deleted_settled();
            },
        );
    }

    /// Moves an avatar one place; focus stays on the arrow that moved it (the other one
    /// at an end of the list).
    pub fn reorder(self, MoveAvatar { id, up }: MoveAvatar) {
        let Some(avatar) = self.avatar(&id) else { return };
        self.claim(&id);
        let (first, then) = if up { ("up", "down") } else { ("down", "up") };
        self.focus_row(&id, None, &[first, then]);
        let target = id.clone();
        self.change(
            move |list| {
                if let Some(from) = list.iter().position(|a| a.id == target) {
                    move_one(list, from, up);
                }
            },
            {
                let id = id.clone();
                move || call(MoveAvatar { id: id.clone(), up })
            },
            self.settle(id.clone(), move |list: Vec<AvatarView>| {
                if let Some(at) = list.iter().position(|a| a.id == id) {
                    self.say(format!(
                        "Moved {} to place {} of {}.",
                        avatar.name,
                        at + 1,
                        list.len()
                    ));
                }
            }),
        );
    }
}

/// Applies `edit` to the avatar `id` of a cached list, if it is there.
fn edit_one(list: &mut [AvatarView], id: &str, edit: impl FnOnce(&mut AvatarView)) {
    if let Some(avatar) = list.iter_mut().find(|a| a.id == id) {
        edit(avatar);
    }
}
