//! What the server puts in every page's context about the ways to sign in here: the
//! providers' buttons, the origins their forms go to, and where passkeys work. Read by
//! the pages that offer them and by the notices that name them.

use leptos::prelude::*;

/// A provider as the buttons show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderButton {
    /// The id in the provider's URLs (`/auth/{id}/start`).
    pub id: String,
    /// The name on the button: "Continue with {name}".
    pub name: String,
}

/// The providers this deployment offers, put in the pages' context by the server: none
/// means no buttons.
/// Made once at start-up and put in every page's context: cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct SignInButtons {
    pub buttons: std::sync::Arc<[ProviderButton]>,
    /// The origins a "Continue with …" form is redirected to, which the page's
    /// Content-Security-Policy must allow (`form-action`): each preceded by a space, ready
    /// to append.
    pub form_origins: std::sync::Arc<str>,
    /// Where passkeys work: the relying party id (the host they are made for); `None`,
    /// no passkeys on this deployment.
    pub passkeys: Option<std::sync::Arc<str>>,
}

/// The providers of [`SignInButtons`], in the page's context.
pub(super) fn providers() -> Vec<ProviderButton> {
    use_context::<SignInButtons>().map(|p| p.buttons.to_vec()).unwrap_or_default()
}
