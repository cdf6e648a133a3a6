use leptos::{prelude::*, server_fn::ServerFn};

use super::api::{SignOut, ViewerView};

/// Who the page belongs to, and what they can do about it: a guest is invited to keep
/// the avatars by creating an account; a member sees their name and can sign out.
/// Rendered on the server only (not an island): it changes only with the identity, and
/// every identity change loads a new page.
#[component]
pub fn WhoAmI() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (viewer, guest) = (
        crate::server::page_data::<ViewerView>(),
        crate::server::viewer().and_then(|viewer| match viewer {
            identity::Viewer::Guest { sid } => Some(sid.to_string()[..8].to_owned()),
            identity::Viewer::Member { .. } => None,
        }),
    );
    #[cfg(not(feature = "ssr"))]
    let (viewer, guest) = (None::<ViewerView>, None::<String>);
    match viewer {
        Some(ViewerView::Member { name }) => view! {
            <div class="identity">
                <span class="who">{name}</span>
                <form method="post" action=SignOut::url() class="inline">
                    <button type="submit">"Sign out"</button>
                </form>
            </div>
        }
        .into_any(),
        // The short guest tag lets a person (and the tests) tell one guest from another.
        _ => view! {
            <div class="identity" data-guest=guest>
                <span class="who">"Guest"</span>
                <span class="prompt">"Keep your avatars: "</span>
                <span class="links">
                    <a href="/signup">"Create account"</a>
                    " · "
                    <a href="/signin">"Sign in"</a>
                </span>
            </div>
        }
        .into_any(),
    }
}
