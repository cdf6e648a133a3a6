//! Sign-in with passkeys in Guestroom: the identity crate's ceremony endpoints
//! (`identity::passkeys`) mounted at our paths, with this site as the relying
//! party, the app's sentence beside each refusal's code (the pages' script says it:
//! `app::account::passkeys`), and the app's notice for what a ceremony did.

use app::{
    account::notice::{self, Notice},
    error::ApiError,
};
use axum::{
    Json, Router,
    http::header::{CONTENT_LENGTH, SET_COOKIE},
    middleware::map_response,
    response::{IntoResponse, Response},
};
use identity::{
    Identity, Keyring, Refusal,
    account::Accounts,
    passkeys::{PasskeyOutcome, PasskeyPages, PasskeySignIn, RelyingParty},
};
use persistence::Store;
use serde_json::json;

use crate::{
    config::{Config, Environment},
    paths,
};

/// The passkeys for the site at `PUBLIC_ORIGIN`; in development without it, for
/// `http://localhost` on any port (browsers make passkeys for `localhost` over plain
/// HTTP, never for an IP address such as `127.0.0.1`); in production without it, none
/// (the pages then offer no passkey, and the endpoints refuse).
pub fn relying_party(config: &Config) -> Result<Option<RelyingParty>, String> {
    let (origin, any_port) = match (&config.public_origin, config.environment) {
        (Some(origin), _) => (origin.as_str(), false),
        (None, Environment::Development) => ("http://localhost", true),
        (None, Environment::Production) => {
            tracing::warn!("no PUBLIC_ORIGIN: passkeys are not offered");
            return Ok(None);
        }
    };
    RelyingParty::new(origin, "Guestroom", any_port).map(Some)
}

/// The four ceremony endpoints at [`paths`]' passkey paths; `keys` seal the ceremonies
/// (the sign-in flows' key).
pub fn routes<T: Clone + Send + Sync + 'static>(
    party: Option<RelyingParty>,
    keys: &Keyring,
    identity: &Identity<Store>,
    accounts: &Accounts<Store>,
) -> Router<T> {
    let pages = PasskeyPages {
        add: paths::PASSKEY_ADD,
        sign_up: paths::PASSKEY_SIGN_UP,
        sign_in: paths::PASSKEY_SIGN_IN,
        finish: paths::PASSKEY_FINISH,
        signed_in: "/",
        account: "/account",
    };
    PasskeySignIn {
        party,
        keys: keys.clone(),
        identity: identity.clone(),
        accounts: accounts.clone(),
        pages,
    }
    .router()
    .layer(map_response(in_our_words))
}

/// A refusal's answer gains the app's sentence (`{"error": code, "message": sentence}`);
/// a done ceremony's, the notice the next page shows.
async fn in_our_words(mut response: Response) -> Response {
    if let Some(refusal) = response.extensions().get::<Refusal>().copied() {
        let code = refusal.code();
        let Ok(error) = ApiError::try_from(code.clone()) else { return response };
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(CONTENT_LENGTH);
        // Said: the edge's own layer (`edge::in_our_words`) has nothing left to say.
        parts.extensions.remove::<Refusal>();
        let said = Json(json!({ "error": code, "message": error.to_string() })).into_response();
        return Response::from_parts(parts, said.into_body());
    }
    let said = match response.extensions().get::<PasskeyOutcome>() {
        Some(PasskeyOutcome::Added) => Notice::PasskeyAdded,
        Some(PasskeyOutcome::SignedIn { merge }) => Notice::after_sign_in(merge),
        None => return response,
    };
    response.headers_mut().append(SET_COOKIE, notice::cookie(&said));
    response
}
