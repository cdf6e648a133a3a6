//! Sign-in with OpenID Connect providers in Guestroom: the identity crate's endpoints
//! (`identity::providers`) mounted at our paths and pages, with the app's notice
//! for what a flow did; and the buttons the pages show. A refused flow's page says why
//! from the refusal cookie the endpoints set (`app::account::providers`).

use app::account::{
    ProviderButton, SignInButtons,
    notice::{self, Notice},
};
use axum::{Router, http::header::SET_COOKIE, middleware::map_response, response::Response};
use identity::{
    Identity, Keyring,
    account::Accounts,
    providers::{Provider, ProviderOutcome, ProviderPages, ProviderSignIn, Providers},
};
use persistence::Store;

use crate::paths;

/// The configured providers, the key that seals their flows, and where our callback is.
#[derive(Clone, Debug)]
pub struct SignInProviders {
    pub providers: Providers,
    pub keys: Keyring,
    /// `PUBLIC_ORIGIN`, the origin of the callback URL; without it (development), the
    /// request's own (allow-listed) host over plain HTTP.
    pub public_origin: Option<String>,
}

impl SignInProviders {
    /// The buttons the pages show, and the origins their forms may be redirected to
    /// (the page's `form-action`): each provider's issuer origin, where its
    /// authorization endpoint is.
    pub fn buttons(&self) -> SignInButtons {
        let buttons = self
            .providers
            .iter()
            .map(|provider| ProviderButton {
                id: provider.id().to_owned(),
                name: provider.name().to_owned(),
            })
            .collect();
        let mut origins: Vec<String> = self.providers.iter().filter_map(Provider::origin).collect();
        origins.sort();
        origins.dedup();
        let form_origins = origins.iter().map(|origin| format!(" {origin}")).collect::<String>();
        SignInButtons { buttons, form_origins: form_origins.into(), passkeys: None }
    }

    /// The start and callback endpoints at [`paths::PROVIDER_START`] and
    /// [`paths::PROVIDER_CALLBACK`], going back to our pages.
    pub fn routes<T: Clone + Send + Sync + 'static>(
        &self,
        identity: &Identity<Store>,
        accounts: &Accounts<Store>,
    ) -> Router<T> {
        let pages = ProviderPages {
            start: paths::PROVIDER_START,
            callback: paths::PROVIDER_CALLBACK,
            sign_in: "/signin",
            account: "/account",
            signed_in: "/",
            public_origin: self.public_origin.clone(),
        };
        ProviderSignIn {
            providers: self.providers.clone(),
            keys: self.keys.clone(),
            identity: identity.clone(),
            accounts: accounts.clone(),
            pages,
        }
        .router()
        .layer(map_response(say_what_happened))
    }
}

/// The page a flow lands on says what it did: signed in (and how many avatars came
/// along), or linked.
async fn say_what_happened(mut response: Response) -> Response {
    let said = match response.extensions().get::<ProviderOutcome>() {
        Some(ProviderOutcome::SignedIn { merge }) => Notice::after_sign_in(merge),
        Some(ProviderOutcome::Linked { provider }) => Notice::Linked(provider.clone()),
        _ => return response,
    };
    response.headers_mut().append(SET_COOKIE, notice::cookie(&said));
    response
}
