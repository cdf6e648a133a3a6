//! Passkeys (WebAuthn) as four JSON endpoints the pages' script calls around the
//! browser's `navigator.credentials`:
//!
//! - `POST /auth/passkey/add` (a member, the account page; `{"name"}`),
//! - `POST /auth/passkey/signup` (a guest; `{"email", "display_name"}`: an account whose
//!   only way to sign in is the passkey),
//! - `POST /auth/passkey/signin` (a guest; whichever passkey the browser offers),
//!
//! each answer the options for the browser and seal the ceremony into a 5-minute
//! `__Host-` cookie; then `POST /auth/passkey/finish` with the browser's credential
//! accepts only the ceremony this browser started, as the viewer that started it, once.
//! A guest's roster comes along on sign-up and sign-in. Refusals are JSON with the app's
//! error code and its sentence ([`answer`]); nothing is changed by one.

/// The JSON answers.
mod answer;
/// The finish step.
mod finish;

pub use finish::finish;

use app::error::{ApiError, Conflict, PasskeyProblem};
use axum::{
    Extension, Json,
    extract::{State, rejection::JsonRejection},
    response::{IntoResponse, Response},
};
use identity::{
    Keyring, MemberStore, OwnerId, Viewer,
    account::{DisplayName, Email, MAX_PASSKEYS, PasskeyName},
    http::cookies::set_cookie,
    passkey::{CEREMONY_COOKIE, CEREMONY_LIFETIME, Ceremony, RelyingParty},
};
use serde::Deserialize;

use crate::{
    config::{Config, Environment},
    startup::AppState,
};
use answer::{Refusal, options};
use app::server::ClientIp;

/// What the endpoints need: this site as a relying party, and the key that seals
/// ceremonies (the sign-in flows' key).
#[derive(Clone, Debug)]
pub struct PasskeyCeremonies {
    pub party: RelyingParty,
    pub keys: Keyring,
}

impl PasskeyCeremonies {
    /// Passkeys for the site at `PUBLIC_ORIGIN`; in development without it, for
    /// `http://localhost` on any port (browsers make passkeys for `localhost` over plain
    /// HTTP, never for an IP address such as `127.0.0.1`); in production without it,
    /// none (the pages then offer no passkey).
    pub fn for_config(config: &Config, keys: &Keyring) -> Result<Option<Self>, String> {
        let (origin, any_port) = match (&config.public_origin, config.environment) {
            (Some(origin), _) => (origin.as_str(), false),
            (None, Environment::Development) => ("http://localhost", true),
            (None, Environment::Production) => {
                tracing::warn!("no PUBLIC_ORIGIN: passkeys are not offered");
                return Ok(None);
            }
        };
        let party = RelyingParty::new(origin, "Guestroom", any_port)?;
        Ok(Some(Self { party, keys: keys.clone() }))
    }

    /// The ceremony's cookie, sealed.
    fn cookie(&self, ceremony: &Ceremony, state: &AppState) -> axum::http::HeaderValue {
        let sealed = ceremony.seal(&self.keys, state.identity.now());
        set_cookie(CEREMONY_COOKIE, &sealed, CEREMONY_LIFETIME)
    }
}

/// The endpoints' state, or a 404 where this deployment offers no passkeys.
fn ceremonies(state: &AppState) -> Result<&PasskeyCeremonies, Refusal> {
    state.passkeys.as_ref().ok_or(Refusal::from(PasskeyProblem::NotOffered))
}

/// The request's JSON body, or a 400 in the endpoints' words.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, Refusal> {
    body.map(|Json(body)| body).map_err(|_| Refusal(ApiError::BadRequest))
}

/// The guest asking, or a refusal for a member (who is signed in already).
fn guest(viewer: Viewer) -> Result<OwnerId, Refusal> {
    match viewer {
        Viewer::Guest { sid } => Ok(sid),
        Viewer::Member { .. } => Err(Refusal(ApiError::Conflict(Conflict::SignedIn))),
    }
}

#[derive(Debug, Deserialize)]
pub struct AddPasskey {
    #[serde(default)]
    name: String,
}

/// `POST /auth/passkey/add`: a member starts making a passkey.
pub async fn start_add(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    request: Result<Json<AddPasskey>, JsonRejection>,
) -> Response {
    let started = async {
        let ceremonies = ceremonies(&state)?;
        let Viewer::Member { user_id, .. } = viewer else {
            return Err(Refusal(ApiError::SignedOut));
        };
        if !viewer.signed_in_recently(state.identity.now()) {
            return Err(Refusal(ApiError::SignInAgain));
        }
        let name = PasskeyName::parse(&body(request)?.name).map_err(Refusal::from)?;
        let member = state.store.find_member(user_id).await;
        let member = member
            .map_err(|error| Refusal(app::server::store_error(error)))?
            .ok_or(Refusal(ApiError::SignedOut))?;
        let existing = state.accounts.passkeys(user_id).await?;
        if existing.len() >= MAX_PASSKEYS {
            return Err(Refusal::from(answer::too_many()));
        }
        let ids = existing.into_iter().map(|key| key.credential_id).collect();
        let (browser, registration) = ceremonies.party.start_registration(
            user_id,
            member.email.as_str(),
            member.display_name.as_str(),
            ids,
        )?;
        let ceremony = Ceremony::add(user_id, &name, registration);
        Ok::<_, Refusal>(options(browser, ceremonies.cookie(&ceremony, &state)))
    };
    started.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Debug, Deserialize)]
pub struct SignUpWithPasskey {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
}

/// `POST /auth/passkey/signup`: a guest starts an account whose only way to sign in is
/// a passkey. The email is checked before the browser makes the passkey, so none is made
/// for an account that cannot be created.
pub async fn start_sign_up(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<ClientIp>>,
    request: Result<Json<SignUpWithPasskey>, JsonRejection>,
) -> Response {
    let started = async {
        let ceremonies = ceremonies(&state)?;
        let guest = guest(viewer)?;
        let request = body(request)?;
        let email = Email::parse(&request.email).map_err(Refusal::from)?;
        let display_name = match request.display_name.trim() {
            "" => identity::account::default_display_name(&email),
            given => DisplayName::parse(given),
        }
        .map_err(Refusal::from)?;
        state.accounts.may_sign_up(&email, client.map(|Extension(ClientIp(ip))| ip)).await?;
        let member = OwnerId::random();
        let (browser, registration) = ceremonies.party.start_registration(
            member,
            email.as_str(),
            display_name.as_str(),
            Vec::new(),
        )?;
        let ceremony = Ceremony::sign_up(guest, member, &email, &display_name, registration);
        Ok::<_, Refusal>(options(browser, ceremonies.cookie(&ceremony, &state)))
    };
    started.await.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /auth/passkey/signin`: a guest starts signing in with whichever passkey the
/// browser offers (from a button, or the email field's autofill).
pub async fn start_sign_in(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Response {
    let started = (|| {
        let ceremonies = ceremonies(&state)?;
        let guest = guest(viewer)?;
        let (browser, authentication) = ceremonies.party.start_sign_in()?;
        let ceremony = Ceremony::sign_in(guest, authentication);
        Ok::<_, Refusal>(options(browser, ceremonies.cookie(&ceremony, &state)))
    })();
    started.unwrap_or_else(IntoResponse::into_response)
}
