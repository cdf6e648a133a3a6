use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[cfg(not(feature = "ssr"))]
use super::row::AvatarRow;
use super::{
    RosterPageData, Start,
    add::AddAvatarForm,
    api::{CreateAvatar, UpdateAvatar},
    queries,
    state::RosterState,
    undo::UndoDelete,
};
use crate::{
    client::{leave, sync},
    components::{alert::Refusal, erased_on_server},
    error::ApiError,
};

/// The interactive roster: the only part of the page compiled to wasm.
#[island]
pub fn Roster() -> impl IntoView {
    let Start { data, failure } = start();
    let roster = queries::roster(data.roster);
    let ui = RosterState::new(roster);
    let mut typed = (String::new(), String::new());
    if let Some(failure) = failure {
        let about_fields = matches!(failure.error, ApiError::Invalid { .. } | ApiError::Several(_));
        if failure.action == CreateAvatar::PATH {
            ui.add_error.set(Some(failure.error));
            typed = (failure.emoji, failure.name);
        } else if failure.action == UpdateAvatar::PATH && about_fields {
            // The avatar's editor opens again with what was typed (`row.rs`).
            ui.edit_error.set(Some((failure.id.clone(), failure.error.clone())));
            provide_context(failure);
        } else {
            ui.banner.set(Some(failure.error))
        }
    }
    provide_context(ui);
    // Why the roster could not be loaded or refreshed, if it could not: shown above the
    // list, which keeps showing what was last loaded.
    let cached = roster.value();
    let load_error = Memo::new(move |_| cached.get().err());
    // What the list area shows: the list, the empty state, or nothing (when nothing could
    // be loaded, the error says it all). A memo, so that a change inside the list leaves
    // the list mounted: rows update where they are, keeping focus and open editors.
    let showing = Memo::new(move |_| match (ui.no_rows(), load_error.with(Option::is_some)) {
        (false, _) => ListArea::Avatars,
        (true, false) => ListArea::Empty,
        (true, true) => ListArea::Nothing,
    });
    let refresh = move || leptos::task::spawn_local(roster.refetch());
    // Effects run in the browser only, once the island is live.
    let cache_owner = data.cache_owner;
    Effect::new(move |_| {
        sync::start(cache_owner.clone(), ui.activity.in_flight, refresh);
        // After hydration, so that its listeners come after the island's own: a submit
        // the island takes is not a navigation to hold.
        leave::wait_for_changes(ui.activity, move || {
            ui.banner.with_untracked(Option::is_none)
                && ui.add_error.with_untracked(Option::is_none)
                && ui.edit_error.with_untracked(Option::is_none)
        });
        ui.ready.set(true);
    });
    // A change with no answer waits and is sent again: said at once, not after.
    Effect::new(move |was: Option<bool>| {
        let now = ui.activity.retrying.get() > 0;
        if now && was == Some(false) {
            ui.say(not_saved_yet(ui.activity.in_flight.get_untracked()));
        }
        now
    });
    // Rows moved or replaced may have taken the focus with them (`focus.rs`).
    Effect::new(move |_| {
        ui.rows();
        request_animation_frame(move || ui.refocus());
    });

    let view = view! {
        <div
            class="roster-body"
            data-hydrated=move || ui.ready.get().to_string()
            data-busy=move || (ui.activity.in_flight.get() > 0).to_string()
        >
            // The page's one live region, there (empty) from the first paint, so that what
            // is put in it later is announced.
            <p class="visually-hidden" role="status"></p>
            <AddAvatarForm emoji=typed.0 name=typed.1 />
            {move || ui.banner.get().map(|error| view! { <Refusal error /> })}
            {move || {
                (ui.activity.retrying.get() > 0)
                    .then(|| view! { <p class="notice retrying">{not_saved_yet(ui.activity.in_flight.get())}</p> })
            }}
            {move || {
                load_error.get().map(|error| view! {
                    <div class="error load-error" role="alert">
                        <p>{error.to_string()}</p>
                        <button type="button" on:click=move |_| refresh()>"Try again"</button>
                    </div>
                })
            }}
            {move || match showing.get() {
                ListArea::Avatars => EitherOf3::A(view! {
                    <ol class="avatars" aria-label="Avatars" on:click=once_per_double_click>
                        {list(ui)}
                    </ol>
                }),
                ListArea::Empty => EitherOf3::B(view! {
                    <p class="empty">"No avatars yet. Pick an emoji and a name above to add your first."</p>
                }),
                ListArea::Nothing => EitherOf3::C(()),
            }}
            <UndoDelete />
        </div>
    };
    erased_on_server(view)
}

/// The list's rows, keyed by id, so that a change re-renders a row where it is (keeping
/// focus and open editors).
#[cfg(not(feature = "ssr"))]
fn list(ui: RosterState) -> impl IntoView {
    view! {
        <For each=move || ui.rows() key=String::clone let(id)>
            <AvatarRow id />
        </For>
    }
}

/// On the server, the same rows written in one piece (`row_template`).
#[cfg(feature = "ssr")]
fn list(_: RosterState) -> impl IntoView {
    super::row_template::write_list(|id| super::row::row(id).into_any())
}

/// What the island starts from (`Start`): on the server, from the page; in the browser,
/// read back from what the server wrote into the roster's section. Should that be
/// missing or unreadable (a page altered on its way), the island says the roster could
/// not be loaded and offers to try again.
fn start() -> Start {
    #[cfg(feature = "ssr")]
    let start = use_context::<Start>();
    #[cfg(not(feature = "ssr"))]
    let start = written_into_page();
    start.unwrap_or_else(|| Start {
        data: RosterPageData { cache_owner: String::new(), roster: Err(ApiError::Unavailable) },
        failure: None,
    })
}

/// In the browser: what the server wrote into the roster's section.
#[cfg(not(feature = "ssr"))]
fn written_into_page() -> Option<Start> {
    use crate::client::json::parse;
    let section = document().query_selector("[data-roster]").ok()??;
    let data = parse(&section.get_attribute("data-roster")?)?;
    let failure = section.get_attribute("data-failure").and_then(|text| parse(&text));
    Some(Start { data, failure })
}

/// While changes wait for an answer (offline, or the server unreachable): `waiting` of
/// them, in the order they were made.
fn not_saved_yet(waiting: usize) -> String {
    format!(
        "Not saved yet: Guestroom did not answer. Changes waiting here: {waiting}, sent when it \
         answers again; leaving the page now loses them."
    )
}

/// Drops the second click of a double click on the list: by then the first may have
/// moved another row under the pointer (a double click on "↑" moved one avatar up and
/// the next one back; on "Delete", it deleted two). A double click acts once.
fn once_per_double_click(event: leptos::ev::MouseEvent) {
    if event.detail() > 1 {
        event.prevent_default();
    }
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
