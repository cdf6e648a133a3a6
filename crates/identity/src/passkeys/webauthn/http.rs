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

use std::{net::IpAddr, sync::Arc};

use axum::{
    Extension, Json, Router,
    extract::{State, rejection::JsonRejection},
    http::{HeaderMap, HeaderValue, header::SET_COOKIE},
    response::{IntoResponse, Response},
    routing::post,
};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{
    CEREMONY_COOKIE, CEREMONY_LIFETIME, Ceremony, DiscoverableAuthentication, PasskeyError,
    RelyingParty,
};
use crate::{
    AccountStore, Keyring, OwnerId, PasskeyStore, Viewer,
    account::{
        AccountError, Accounts, DisplayName, Email, InvalidInput, LinkProblem, MergeReport,
        NewMember, Upgrade, default_display_name,
    },
    audit,
    http::{
        ClientIp, PasskeyRefusal, Refusal,
        cookies::{clear_cookie, cookie_values, set_cookie},
        middleware::Identity,
    },
    passkeys::{MAX_PASSKEYS, NewPasskey, PasskeyName},
};

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
        let member = &upgrade.member;
        let cookies = self.identity.signed_in_cookies(member.id, member.session_version);
        done(self.pages.signed_in, cookies, PasskeyOutcome::SignedIn { merge: upgrade.merge })
    }
}

/// Why a ceremony did not happen, as answered: `{"error": code}` with the refusal's status,
/// the refusal in the extensions, the ceremony cookie cleared.
struct Refused(Refusal);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let Refused(refusal) = self;
        let mut response = refusal.answer(Json(json!({ "error": refusal.code() })));
        response.headers_mut().append(SET_COOKIE, clear_cookie(CEREMONY_COOKIE));
        response
    }
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Self {
        Refused(refusal)
    }
}

impl From<PasskeyRefusal> for Refused {
    fn from(problem: PasskeyRefusal) -> Self {
        Refused(Refusal::Passkey(problem))
    }
}

impl From<InvalidInput> for Refused {
    fn from(invalid: InvalidInput) -> Self {
        Refused(Refusal::Invalid(invalid))
    }
}

impl From<PasskeyError> for Refused {
    fn from(error: PasskeyError) -> Self {
        tracing::info!(
            target: audit::TARGET,
            event = "passkey_ceremony",
            outcome = "refused",
            reason = %error,
        );
        Refused::from(match error {
            PasskeyError::Ceremony(_) => PasskeyRefusal::Expired,
            PasskeyError::Rejected(_) => PasskeyRefusal::Rejected,
            PasskeyError::Unknown => PasskeyRefusal::Unknown,
        })
    }
}

impl<E: std::error::Error + 'static> From<AccountError<E>> for Refused {
    fn from(error: AccountError<E>) -> Self {
        Refused(match error {
            AccountError::Invalid(invalid) => Refusal::Invalid(invalid),
            AccountError::EmailTaken => Refusal::EmailTaken,
            AccountError::TooManyAttempts { retry_after } => {
                Refusal::TooManyRequests { retry_after }
            }
            AccountError::NoSuchMember => Refusal::SignedOut,
            AccountError::Link(LinkProblem::Taken) => Refusal::Passkey(PasskeyRefusal::Taken),
            AccountError::Link(LinkProblem::TooManyPasskeys) => too_many(),
            AccountError::Link(_) | AccountError::WrongCredentials => Refusal::BadRequest,
            AccountError::Store(error) => {
                tracing::error!(error = &error as &dyn std::error::Error, "passkey: store failure");
                Refusal::Unavailable
            }
        })
    }
}

/// The member holds the most passkeys an account may.
fn too_many() -> Refusal {
    Refusal::Passkey(PasskeyRefusal::TooMany { max: MAX_PASSKEYS })
}

/// Done: where the page goes next, with `cookies` set (a sign-in's session) and the
/// ceremony cookie cleared.
fn done<const N: usize>(to: &str, cookies: [HeaderValue; N], outcome: PasskeyOutcome) -> Response {
    let mut response = Json(json!({ "to": to })).into_response();
    for cookie in cookies.into_iter().chain([clear_cookie(CEREMONY_COOKIE)]) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response.extensions_mut().insert(outcome);
    response
}

/// The request's JSON body, or a 400.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, Refused> {
    body.map(|Json(body)| body).map_err(|_| Refused(Refusal::BadRequest))
}

/// The guest asking, or a refusal for a member (who is signed in already).
fn guest(viewer: Viewer) -> Result<OwnerId, Refused> {
    match viewer {
        Viewer::Guest { sid } => Ok(sid),
        Viewer::Member { .. } => Err(Refused(Refusal::SignedIn)),
    }
}

fn answered(result: Result<Response, Refused>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
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

#[derive(Debug, Deserialize)]
struct SignUpWithPasskey {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
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
            let request = body(request)?;
            let email = Email::parse(&request.email)?;
            let display_name = match request.display_name.trim() {
                "" => default_display_name(&email),
                given => DisplayName::parse(given),
            }?;
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

/// `POST {finish}`: the browser's credential, checked against the ceremony this browser
/// started, then handed to the account rules.
async fn finish<S: AccountStore + PasskeyStore>(
    State(passkeys): Shared<S>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    answer: Result<Json<Value>, JsonRejection>,
) -> Response {
    let client = client.map(|Extension(ClientIp(ip))| ip);
    answered(
        async {
            let party = passkeys.party().map_err(Refused)?;
            let answer = body(answer)?;
            let cookie = cookie_values(&headers, CEREMONY_COOKIE).next();
            let ceremony = Ceremony::open(&passkeys.keys, cookie, viewer, passkeys.identity.now())
                .map_err(PasskeyError::from)?;
            match ceremony {
                Ceremony::Add { member, name, state: registration } => {
                    let (credential_id, stored) =
                        party.finish_registration(&credential(answer)?, &registration)?;
                    let name = PasskeyName::from_stored(&name);
                    let passkey = NewPasskey { credential_id, name, credential: stored };
                    passkeys.accounts.add_passkey(OwnerId::from_uuid(member), passkey).await?;
                    Ok::<_, Refused>(done(passkeys.pages.account, [], PasskeyOutcome::Added))
                }
                Ceremony::SignUp { guest, member, email, display_name, state: registration } => {
                    let (credential_id, stored) =
                        party.finish_registration(&credential(answer)?, &registration)?;
                    let passkey = NewPasskey {
                        credential_id,
                        name: PasskeyName::parse("").map_err(unreadable)?,
                        credential: stored,
                    };
                    let new = NewMember {
                        id: OwnerId::from_uuid(member),
                        email: Email::parse(&email).map_err(unreadable)?,
                        display_name: DisplayName::from_stored(&display_name)
                            .map_err(unreadable)?,
                        password_hash: None,
                        link: None,
                        passkey: Some(passkey),
                    };
                    let guest = OwnerId::from_uuid(guest);
                    let upgrade =
                        passkeys.accounts.sign_up_with_passkey(guest, new, client).await?;
                    Ok(passkeys.signed_in(&upgrade))
                }
                Ceremony::SignIn { guest, state: authentication } => {
                    let guest = OwnerId::from_uuid(guest);
                    sign_in(&passkeys, party, guest, answer, authentication, client).await
                }
            }
        }
        .await,
    )
}

/// Signs in with the passkey the browser answered with: it must be registered, be the
/// member's its user handle names, and verify against the sealed challenge.
async fn sign_in<S: AccountStore + PasskeyStore>(
    passkeys: &PasskeySignIn<S>,
    party: &RelyingParty,
    guest: OwnerId,
    answer: Value,
    authentication: DiscoverableAuthentication,
    client: Option<IpAddr>,
) -> Result<Response, Refused> {
    let answer = credential(answer)?;
    let (user, credential_id) = party.identify(&answer)?;
    let owner = passkeys.accounts.find_passkey(&credential_id).await?;
    let owner = owner.filter(|owner| owner.member == user).ok_or(PasskeyError::Unknown)?;
    let used = party.finish_sign_in(&answer, authentication, &owner.credential)?;
    let upgrade =
        passkeys.accounts.sign_in_with_passkey(guest, owner.member, (credential_id, used), client);
    Ok(passkeys.signed_in(&upgrade.await?))
}

/// The browser's answer as the ceremony's type, or refused as unreadable.
fn credential<T: DeserializeOwned>(answer: Value) -> Result<T, Refused> {
    serde_json::from_value(answer)
        .map_err(|error| Refused::from(PasskeyError::Rejected(error.to_string())))
}

/// A sealed ceremony whose contents no longer read: sealed by us, so a fault.
fn unreadable(error: InvalidInput) -> Refused {
    Refused::from(PasskeyError::Rejected(format!("sealed ceremony does not read: {error}")))
}
