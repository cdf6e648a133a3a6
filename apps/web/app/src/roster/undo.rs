use leptos::prelude::*;

use super::{api::RestoreAvatar, state::Ui};

/// After a delete, offers to put the avatar back for a few seconds.
#[component]
pub fn UndoDelete() -> impl IntoView {
    let ui = expect_context::<Ui>();
    move || {
        ui.undo.get().map(|deleted| {
            view! {
                <div class="toast" role="status">
                    <span>{format!("Deleted {}.", deleted.name)}</span>
                    {ui.form(
                        "inline",
                        None,
                        move |args: RestoreAvatar, _| ui.restore(args),
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
