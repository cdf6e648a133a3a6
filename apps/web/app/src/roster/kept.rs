//! What the island keeps for itself, outside the reactive graph: the rows whose change is
//! on its way, the undo offer's timer, where focus belongs.

use super::state::RosterState;

// The island's own bookkeeping, outside the reactive graph: nothing renders from it. A
// page has one roster island, and only the browser's event handlers and effects touch it.
// Held here rather than in a `StoredValue` of `RosterState`, which brought code of its own into the
// wasm (bench/RESULTS.md, "Figures behind the code's choices"), against a first-load
// budget; for the same reason the signal of the deleted avatars is read with `get` and
// written with `set` only (each closure given to `with` or `update` compiles its code
// again).
thread_local! {
    static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::default();
}

/// The island's own bookkeeping ([`RosterState::keep`]).
#[derive(Default)]
pub struct Kept {
    /// The rows whose changes are on their way, once for each change not yet settled.
    pub busy: Vec<String>,
    /// Bumped by every start and pause of the undo offer's timer: a timer that finds it
    /// changed has been replaced (`undo.rs`).
    pub undo_timer: u32,
    /// "Undo" was pressed while a delete it would put back was still on its way: the
    /// undo runs once the server has answered the last of them (`undo.rs`).
    pub undo_waiting: bool,
    /// Where focus belongs after the latest action, as CSS selectors in order of
    /// preference (`focus.rs`)…
    pub focus: Vec<String>,
    /// …and whether it has yet to be put there.
    pub focus_fresh: bool,
}

impl RosterState {
    /// Reads or changes what the island keeps for itself.
    pub(super) fn keep<T>(self, look: impl FnOnce(&mut Kept) -> T) -> T {
        KEPT.with_borrow_mut(look)
    }

    /// Marks row `id` busy with one more change, until [`RosterState::free`]. A change of
    /// a row whose earlier change is on its way waits for it (`client::mutation`).
    pub(super) fn claim(self, id: &str) {
        self.keep(|kept| kept.busy.push(id.to_owned()));
    }

    /// Whether a change of row `id` is on its way.
    pub(super) fn busy(self, id: &str) -> bool {
        self.keep(|kept| kept.busy.iter().any(|b| b == id))
    }

    /// One change of row `id` has settled (see [`RosterState::claim`]).
    pub(super) fn free(self, id: &str) {
        self.keep(|kept| {
            if let Some(at) = kept.busy.iter().position(|b| b == id) {
                kept.busy.remove(at);
            }
        });
    }
}
