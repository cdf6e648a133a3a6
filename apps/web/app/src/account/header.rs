use leptos::{prelude::*, server_fn::ServerFn};

use super::{api::SignOut, views::ViewerView};

/// Who the page belongs to, and what they can do about it: a guest is invited to keep
/// the avatars by creating an account; a member sees their name and can sign out.
/// Rendered on the server only (not an island): it changes only with the identity, and
/// every identity change loads a new page.
#[component]
pub fn WhoAmI() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (viewer, guest) = {
        let viewer = crate::server::viewer();
        let guest = match viewer {
            Some(identity::Viewer::Guest { sid }) => Some(guest_tag(sid)),
            _ => None,
        };
        // Pages outside the app's routes (a 404) have no preloaded header: a member is
        // still shown as signed in, without the name.
        let who = crate::server::page_data::<ViewerView>().or_else(|| match viewer? {
            identity::Viewer::Member { .. } => {
                Some(ViewerView::Member { name: "Signed in".to_owned() })
            }
            identity::Viewer::Guest { .. } => None,
        });
        (who, guest)
    };
    #[cfg(not(feature = "ssr"))]
    let (viewer, guest) = (None::<ViewerView>, None::<String>);
    match viewer {
        Some(ViewerView::Member { name }) => view! {
            <div class="identity">
                <span class="who">{name}</span>
                <a href="/account">"Account"</a>
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

/// The short tag a guest is shown by: the first 8 digits of its sid.
#[cfg(feature = "ssr")]
pub fn guest_tag(sid: identity::OwnerId) -> String {
    sid.to_string()[..8].to_owned()
}
