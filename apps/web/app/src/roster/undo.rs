//! Undo of deletes. While the offer is open, a deleted avatar's row stays where it was
//! (said to be deleted), and the toast's "Undo" puts back every delete since the offer
//! opened ("Deleted 2 avatars."). The offer ends six seconds after the latest delete, and
//! waits while the pointer or the focus is on the toast.

use leptos::prelude::*;

use super::{AvatarView, api::RestoreAvatar, state::RosterState};
use crate::client::transport::call;

/// How long the "Undo" offer stays after a delete.
const UNDO_WINDOW_MS: u64 = 6_000;

/// The ids of the rows the list shows: the cached avatars, with each deleted one (its
/// `position` the place of its row when it was deleted: [`RosterState::deleted`]) back in the
/// place it left, unless it is in the cache again (a delete rolled back).
pub fn shown(live: &[AvatarView], gone: &[AvatarView]) -> Vec<String> {
    let mut rows: Vec<String> = live.iter().map(|a| a.id.clone()).collect();
    let mut notes: Vec<&AvatarView> = gone.iter().filter(|g| !rows.contains(&g.id)).collect();
    notes.sort_by_key(|g| g.position);
    for note in notes {
        let at = usize::try_from(note.position).unwrap_or(0);
        rows.insert(at.min(rows.len()), note.id.clone());
    }
    rows
}

/// The deleted avatars in the order shown, each with `position` set to the place in the
/// roster it goes back to: the place of its row (the ones above it go back first).
pub fn places(rows: &[String], gone: &[AvatarView]) -> Vec<AvatarView> {
    let found = |(place, id): (usize, &String)| {
        let note = gone.iter().find(|g| g.id == *id)?;
        Some(AvatarView { position: i32::try_from(place).ok()?, ..note.clone() })
    };
    rows.iter().enumerate().filter_map(found).collect()
}

impl RosterState {
    /// The ids of the rows as the list shows them: the cached avatars, and the deleted
    /// ones in the places they left, so that no row slides under a pointer that has not
    /// moved. Tracked.
    pub fn rows(self) -> Vec<String> {
        shown(&self.list.get(), &self.deleted.get())
    }

    /// Whether the list shows no row (`rows` empty: no avatar, and none deleted), asked
    /// without copying the rows' ids. Tracked.
    pub fn no_rows(self) -> bool {
        self.list.with(Vec::is_empty) && self.deleted.with(Vec::is_empty)
    }

    /// (Re)starts the offer's six seconds; the timers started before are void.
    pub fn start_undo_timer(self) {
        self.keep(|kept| kept.undo_timer = kept.undo_timer.wrapping_add(1));
        self.undo_timer_in(UNDO_WINDOW_MS, false);
    }

    /// At the end of the window the offer ends, unless the pointer or the focus is on the
    /// toast: then it is looked at again every second, and gets a whole window again once
    /// they have left. (Asked of the stylesheet's `:hover` and `:focus-within` when the
    /// time comes, rather than followed with four event handlers: less code in the wasm.)
    fn undo_timer_in(self, ms: u64, held: bool) {
        let generation = self.keep(|kept| kept.undo_timer);
        set_timeout(
            move || {
                if self.keep(|kept| kept.undo_timer) != generation {
                    return;
                }
                let busy = document().query_selector(".toast:hover, .toast:focus-within");
                match (busy.ok().flatten().is_some(), held) {
                    (true, _) => self.undo_timer_in(1_000, true),
                    (false, true) => self.undo_timer_in(UNDO_WINDOW_MS, false),
                    (false, false) => self.deleted.set(Vec::new()),
                }
            },
            std::time::Duration::from_millis(ms),
        );
    }

    /// Puts every deleted avatar back in its place, and focus on the first one's
    /// "Delete", where it was before. Pressed before the server has answered a delete
    /// (a quick hand, a slow network), it waits for the answer rather than doing
    /// nothing: [`RosterState::deleted_settled`] runs it then.
    pub fn restore(self) {
        let gone = self.deleted.get_untracked();
        if gone.iter().any(|g| self.busy(&g.id)) {
            self.keep(|kept| kept.undo_waiting = true);
            return;
        }
        let back = places(&untrack(|| self.rows()), &gone);
        let Some(first) = back.first() else { return };
        let at = usize::try_from(first.position).ok();
        self.focus_row(&first.id, at, &["delete"]);
        let done = match back.as_slice() {
            [one] => format!("{} is back.", one.name),
            many => format!("{} avatars are back.", many.len()),
        };
        self.restore_next(back, done);
    }

    /// A delete has its answer: an "Undo" pressed while it (or another delete) was on
    /// its way runs now, once none is left.
    pub(super) fn deleted_settled(self) {
        let waiting = self.keep(|kept| kept.undo_waiting);
        if waiting && !self.deleted.get_untracked().iter().any(|g| self.busy(&g.id)) {
            self.keep(|kept| kept.undo_waiting = false);
            self.restore();
        }
    }

    /// Puts back the first of `back`, and the next once the server has it: one at a time,
    /// so that each place counts the ones before it. Each shows at once under its old id,
    /// so its row comes back where it is, without a change the rows could move for; its
    /// note stays in the offer until the server has it (a refresh meanwhile shows the
    /// note, not a gap), and on a failure the ones not yet back are offered again. `done`
    /// is said once all are back.
    fn restore_next(self, mut back: Vec<AvatarView>, done: String) {
        if back.is_empty() {
            return self.say(done);
        }
        let avatar = back.remove(0);
        self.claim(&avatar.id);
        let (id, shown) = (avatar.id.clone(), avatar.clone());
        self.change(
            move |list| {
                let at = usize::try_from(shown.position).unwrap_or(0);
                list.insert(at.min(list.len()), shown);
            },
            move || {
                let AvatarView { emoji, name, is_active, position, .. } = avatar.clone();
                call(RestoreAvatar { emoji, name, is_active, position })
            },
            move |outcome| {
                self.free(&id);
                // An "Undo" pressed again meanwhile is this one.
                self.keep(|kept| kept.undo_waiting = false);
                match outcome {
                    Ok(_) => {
                        let mut gone = self.deleted.get_untracked();
                        gone.retain(|g| g.id != id);
                        self.deleted.set(gone);
                        self.restore_next(back, done);
                    }
                    Err(error) => {
                        self.start_undo_timer();
                        self.banner.set(Some(error));
                    }
                }
            },
        );
    }
}

/// The toast: what the offer would put back, and its "Undo". The page's live region has
/// said it already (`focus.rs`), so the toast is not one.
#[component]
pub fn UndoDelete() -> impl IntoView {
    let ui = expect_context::<RosterState>();
    let text = move || match ui.deleted.get().as_slice() {
        [] => None,
        [one] => Some(format!("Deleted {}.", one.name)),
        many => Some(format!("Deleted {} avatars.", many.len())),
    };
    move || {
        text().map(|text| {
            view! {
                <div class="toast">
                    <span>{text}</span>
                    <button type="button" on:click=move |_| ui.restore()>"Undo"</button>
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{places, shown};
    use crate::roster::AvatarView;

    /// An avatar; deleted, `at` is its row's place when it was.
    fn avatar(id: &str, at: i32) -> AvatarView {
        AvatarView {
            id: id.into(),
            emoji: "🐱".into(),
            name: id.into(),
            is_active: true,
            position: at,
        }
    }

    fn ids(rows: &[&str]) -> Vec<String> {
        rows.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn deleted_rows_keep_their_places_whatever_the_order_they_went_in() {
        let live = [avatar("b", 0), avatar("d", 1)];
        // "c" went first (at 2 of a, b, c, d), then "a" (at 0).
        assert_eq!(shown(&live, &[avatar("c", 2), avatar("a", 0)]), ids(&["a", "b", "c", "d"]));
        assert_eq!(shown(&live, &[]), ids(&["b", "d"]));
    }

    /// The empty state waits for the last deleted row's offer to end.
    #[test]
    fn no_rows_is_rows_empty() {
        use leptos::prelude::*;

        use crate::roster::{queries, state::RosterState};
        Owner::new().with(|| {
            let cases = [
                (vec![], vec![], true),
                (vec![avatar("a", 0)], vec![], false),
                (vec![], vec![avatar("a", 0)], false),
            ];
            for (live, gone, empty) in cases {
                let ui = RosterState::new(queries::roster(Ok(live)));
                ui.deleted.set(gone);
                assert_eq!((ui.no_rows(), ui.rows().is_empty()), (empty, empty));
            }
        });
    }

    #[test]
    fn a_delete_rolled_back_shows_its_row_once() {
        let live = [avatar("a", 0), avatar("b", 1)];
        assert_eq!(shown(&live, &[avatar("a", 0)]), ids(&["a", "b"]));
    }

    #[test]
    fn a_note_past_the_end_goes_last() {
        assert_eq!(shown(&[avatar("a", 0)], &[avatar("z", 9)]), ids(&["a", "z"]));
    }

    #[test]
    fn avatars_go_back_to_the_places_of_their_rows() {
        let live = [avatar("b", 0), avatar("d", 1)];
        let gone = [avatar("e", 4), avatar("a", 0), avatar("c", 2)];
        let placed: Vec<(i32, String)> =
            places(&shown(&live, &gone), &gone).into_iter().map(|a| (a.position, a.id)).collect();
        // In the order shown, which is the order they go back in: each place counts the
        // ones put back before it.
        assert_eq!(placed, [(0, "a".into()), (2, "c".into()), (4, "e".into())]);
        assert_eq!(places(&shown(&live, &[]), &[]), []);
    }
}
