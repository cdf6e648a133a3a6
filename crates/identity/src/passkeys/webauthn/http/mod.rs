//! Passkeys (WebAuthn) over HTTP: four JSON endpoints a page's script calls around the
//! browser's `navigator.credentials`, as a router an application mounts
//! ([`PasskeySignIn::router`]):
//!
//! - `POST {add}` (a member, recently signed in; `{"name"}`),
//! - `POST {sign_up}` (a guest; `{"email", "display_name"}`: an account whose only way
//!   to sign in is the passkey),
//! - `POST {sign_in}` (a guest; whichever passkey the browser offers),
//!
//! each answer the options for the browser and seal the ceremony into a 5-minute
//! `__Host-` cookie; then `POST {finish}` with the browser's credential accepts only the
//! ceremony this browser started, as the viewer that started it, once (every answer
//! clears the cookie). A guest's data comes along on sign-up and sign-in.
//!
//! Answers: the options (JSON), `{"to": page}` where to go next, or a refusal
//! `{"error": code}` with its status ([`Refusal`], also in the response's extensions, for
//! the application to say in its words). Nothing is changed by a refusal. What a
//! ceremony came to is in the extensions too ([`PasskeyOutcome`]).

/// How the endpoints answer.
mod answer;
/// The finish step.
mod finish;

use std::sync::Arc;

use axum::{
    Extension, Json, Router,
    extract::{State, rejection::JsonRejection},
    http::header::SET_COOKIE,
    response::{IntoResponse, Response},
    routing::post,
};
use serde::Deserialize;
use serde_json::Value;

use super::{CEREMONY_COOKIE, CEREMONY_LIFETIME, Ceremony, RelyingParty};
use crate::{
    AccountStore, Keyring, OwnerId, PasskeyStore, Viewer,
    account::{Accounts, DisplayName, Email, MergeReport, Upgrade, default_display_name},
    http::{ClientIp, PasskeyRefusal, Refusal, cookies::set_cookie, middleware::Identity},
    passkeys::{MAX_PASSKEYS, PasskeyName},
};
use answer::{Refused, answered, body, done, guest, too_many};
use finish::finish;

/// The application's paths and pages the endpoints work with.
#[derive(Clone, Debug)]
pub struct PasskeyPages {
    pub add: &'static str,
    pub sign_up: &'static str,
    pub sign_in: &'static str,
    pub finish: &'static str,
    /// Where a member lands after signing up or in (`/`).
    pub signed_in: &'static str,
    /// Where a member goes after adding a passkey (`/account`).
    pub account: &'static str,
}

/// What a passkey ceremony came to, in the response's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasskeyOutcome {
    /// A member added a passkey.
    Added,
    /// A guest signed up or in; what came along from the guest.
    SignedIn { merge: MergeReport },
}

/// The endpoints' state: this site as a relying party (`None` where the deployment
/// offers no passkeys: every endpoint then refuses with `passkey/not_offered`), the key
/// that seals ceremonies, the identity layer and the account rules.
#[derive(Debug)]
pub struct PasskeySignIn<S> {
    pub party: Option<RelyingParty>,
    pub keys: Keyring,
    pub identity: Identity<S>,
    pub accounts: Accounts<S>,
    pub pages: PasskeyPages,
}

/// The endpoints' state as a handler extracts it.
type Shared<S> = State<Arc<PasskeySignIn<S>>>;

impl<S: AccountStore + PasskeyStore> PasskeySignIn<S> {
    /// The four endpoints, for any application state (mount with `Router::merge`).
    pub fn router<T: Clone + Send + Sync + 'static>(self) -> Router<T> {
        let pages = &self.pages;
        let paths = [pages.add, pages.sign_up, pages.sign_in, pages.finish];
        Router::new()
            .route(paths[0], post(start_add::<S>))
            .route(paths[1], post(start_sign_up::<S>))
            .route(paths[2], post(start_sign_in::<S>))
            .route(paths[3], post(finish::<S>))
            .with_state(Arc::new(self))
    }

    /// The relying party, or a refusal where this deployment offers no passkeys.
    fn party(&self) -> Result<&RelyingParty, Refusal> {
        self.party.as_ref().ok_or(Refusal::Passkey(PasskeyRefusal::NotOffered))
    }

    /// The browser's options, with the cookie that holds the ceremony's state.
    fn options(&self, options: Value, ceremony: &Ceremony) -> Response {
        let sealed = ceremony.seal(&self.keys, self.identity.now());
        let mut response = Json(options).into_response();
        response
            .headers_mut()
            .append(SET_COOKIE, set_cookie(CEREMONY_COOKIE, &sealed, CEREMONY_LIFETIME));
        response
    }

    /// To the page signed in, with the session's cookies.
    fn signed_in(&self, upgrade: &Upgrade) -> Response {
        let cookies = self.identity.signed_in_cookies(upgrade);
        done(self.pages.signed_in, cookies, PasskeyOutcome::SignedIn { merge: upgrade.merge })
    }
}

#[derive(Debug, Deserialize)]
struct AddPasskey {
    #[serde(default)]
    name: String,
}

/// `POST {add}`: a member starts making a passkey.
async fn start_add<S: AccountStore + PasskeyStore>(
    State(passkeys): Shared<S>,
    Extension(viewer): Extension<Viewer>,
    request: Result<Json<AddPasskey>, JsonRejection>,
) -> Response {
    answered(
        async {
            let party = passkeys.party()?;
            let Viewer::Member { user_id, .. } = viewer else {
                return Err(Refused(Refusal::SignedOut));
            };
            if !viewer.signed_in_recently(passkeys.identity.now()) {
                return Err(Refused(Refusal::SignInAgain));
            }
            let name = PasskeyName::parse(&body(request)?.name)?;
            let member = passkeys.accounts.member(user_id).await?;
            let existing = passkeys.accounts.passkeys(user_id).await?;
            if existing.len() >= MAX_PASSKEYS {
                return Err(Refused(too_many()));
            }
            let ids = existing.into_iter().map(|key| key.credential_id).collect();
            let (browser, registration) = party.start_registration(
                user_id,
                member.email.as_str(),
                member.display_name.as_str(),
                ids,
            )?;
            Ok::<_, Refused>(
                passkeys.options(browser, &Ceremony::add(user_id, &name, registration)),
            )
        }
        .await,
    )
}

/// A passkey sign-up's account, as its form gives it: at the start, and again with the
/// finish (the ceremony keeps only its digest).
#[derive(Debug, Default, Deserialize)]
struct SignUpWithPasskey {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
}

impl SignUpWithPasskey {
    /// The email and display name under the account rules: an empty name is the email's
    /// local part.
    fn parse(&self) -> Result<(Email, DisplayName), Refused> {
        let email = Email::parse(&self.email)?;
        let display_name = match self.display_name.trim() {
            "" => default_display_name(&email),
            given => DisplayName::parse(given),
        }?;
        Ok((email, display_name))
    }
}

/// `POST {sign_up}`: a guest starts an account whose only way to sign in is a passkey.
/// The email is checked before the browser makes the passkey, so none is made for an
/// account that cannot be created.
async fn start_sign_up<S: AccountStore + PasskeyStore>(
    State(passkeys): Shared<S>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<ClientIp>>,
    request: Result<Json<SignUpWithPasskey>, JsonRejection>,
) -> Response {
    answered(
        async {
            let party = passkeys.party()?;
            let guest = guest(viewer)?;
            let (email, display_name) = body(request)?.parse()?;
            passkeys.accounts.may_sign_up(&email, client.map(|Extension(ClientIp(ip))| ip)).await?;
            let member = OwnerId::random();
            let (browser, registration) = party.start_registration(
                member,
                email.as_str(),
                display_name.as_str(),
                Vec::new(),
            )?;
            let ceremony = Ceremony::sign_up(guest, member, &email, &display_name, registration);
            Ok::<_, Refused>(passkeys.options(browser, &ceremony))
        }
        .await,
    )
}

/// `POST {sign_in}`: a guest starts signing in with whichever passkey the browser
/// offers (from a button, or the email field's autofill).
async fn start_sign_in<S: AccountStore + PasskeyStore>(
    State(passkeys): Shared<S>,
    Extension(viewer): Extension<Viewer>,
) -> Response {
    answered((|| -> Result<Response, Refused> {
        let party = passkeys.party()?;
        let guest = guest(viewer)?;
        let (browser, authentication) = party.start_sign_in()?;
        Ok(passkeys.options(browser, &Ceremony::sign_in(guest, authentication)))
    })())
}
