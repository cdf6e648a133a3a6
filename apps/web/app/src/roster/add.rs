use leptos::prelude::*;

use super::{
    api::{CreateAvatar, NAME_HINT},
    picker::EmojiField,
    state::RosterState,
};
use crate::{
    components::{alert::Refusal, field::Field},
    error::{ApiError, Field as Name},
};

/// The form that adds an avatar at the end of the roster. A refusal about a field shows
/// next to it; any other under the button. `emoji` and `name`: what a refused plain post
/// had typed, filled in again.
#[component]
pub fn AddAvatarForm(emoji: String, name: String) -> impl IntoView {
    let ui = expect_context::<RosterState>();
    let error = move |field: Name| {
        Signal::derive(move || ui.add_error.get().and_then(|error| error.for_field(field)))
    };
    let other_error = move || {
        ui.add_error
            .get()
            .filter(|error| !matches!(error, ApiError::Invalid { .. } | ApiError::Several(_)))
    };
    ui.form(
        "add",
        Some("Add an avatar"),
        move |args: CreateAvatar, form| ui.add(args, form),
        view! {
            <EmojiField
                id="new-emoji"
                value=emoji
                placeholder="🐱"
                error=error(Name::Emoji)
                picker_label="Choose an emoji for the new avatar".to_owned()
            />
            <Field label="Name" id="new-name" name="name" value=name placeholder="Whiskers" hint=NAME_HINT error=error(Name::Name) />
            <button type="submit" class="primary">"Add avatar"</button>
            {move || other_error().map(|error| view! { <Refusal error /> })}
        },
    )
}
