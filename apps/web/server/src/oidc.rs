//! Sign-in with OpenID Connect providers, as two plain endpoints around the provider's
//! pages:
//!
//! - `POST /auth/{provider}/start` (the "Continue with …" button, a form: a cross-site
//!   page cannot start a flow) seals a new flow into a 10-minute `__Host-` cookie and
//!   sends the browser to the provider. A guest signs in; a member links the provider.
//! - `GET /auth/{provider}/callback` accepts only the flow this browser started, for the
//!   viewer that started it, once (the cookie is cleared by every answer), and only then
//!   asks the provider anything. The account rules then sign in, create or link.
//!
//! Every refusal goes back to the page the flow started from with a code the page turns
//! into a sentence (`app::account::providers`), and changes nothing.

use axum::{
    Extension,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use identity::{
    IdentityStore, Keyring, Viewer,
    account::{AccountError, LinkProblem},
    http::cookies::{clear_cookie, cookie_values, set_cookie},
    oidc::{FLOW_COOKIE, FLOW_LIFETIME, Flow, Intent, OidcError, Provider, Providers},
};
use serde::Deserialize;

use crate::edge::ToProvider;
use app::{
    account::{
        ProviderButton, SignInButtons,
        notice::{self, Notice},
        refusal_cookie,
    },
    error::{ApiError, ProviderProblem},
    server::ClientIp,
};

/// What the endpoints need: the providers, the key that seals flows, and where our
/// callback is.
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
}

/// Where the provider sends the browser back to.
fn callback_url(providers: &SignInProviders, headers: &HeaderMap, provider: &str) -> String {
    let origin = providers.public_origin.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        format!("http://{host}")
    });
    format!("{origin}{}", crate::paths::PROVIDER_CALLBACK.replace("{provider}", provider))
}

/// `POST /auth/{provider}/start`.
pub async fn start(
    State(state): State<crate::startup::AppState>,
    Path(provider): Path<String>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
) -> Response {
    let providers = &state.sign_in_providers;
    let Some(provider) = providers.providers.get(&provider) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let intent = intent_of(viewer);
    if matches!(intent, Intent::Link { .. }) && !viewer.signed_in_recently(state.identity.now()) {
        return refused(provider, intent, ApiError::SignInAgain);
    }
    let redirect = callback_url(providers, &headers, provider.id());
    match provider.begin(&redirect, intent, state.identity.now()).await {
        Ok((url, flow)) => {
            let cookie = set_cookie(FLOW_COOKIE, &flow.seal(&providers.keys), FLOW_LIFETIME);
            let mut response = see_other(&url, [cookie]);
            response.extensions_mut().insert(ToProvider);
            response
        }
        Err(error) => {
            tracing::warn!(provider = provider.id(), error = %error, "provider sign-in not started");
            refused(provider, intent, flow_problem(&error))
        }
    }
}

/// The provider's answer, in the callback's query.
#[derive(Debug, Deserialize)]
pub struct ProviderAnswer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// The issuer, from providers that name themselves in their answer (RFC 9207): an
    /// answer from another provider is refused (a mix-up attack).
    iss: Option<String>,
}

/// `GET /auth/{provider}/callback`.
pub async fn callback(
    State(state): State<crate::startup::AppState>,
    Path(provider): Path<String>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<ClientIp>>,
    Query(answer): Query<ProviderAnswer>,
    headers: HeaderMap,
) -> Response {
    let providers = &state.sign_in_providers;
    let Some(provider) = providers.providers.get(&provider) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = state.identity.now();
    let cookie = cookie_values(&headers, FLOW_COOKIE).next();
    let state_param = answer.state.as_deref().unwrap_or_default();
    let flow = match Flow::open(&providers.keys, cookie, provider.id(), state_param, now) {
        Ok(flow) if started_by(&flow, viewer) => flow,
        Ok(flow) => return refused_callback(provider, flow.intent, &"started by another viewer"),
        Err(refusal) => return refused_callback(provider, intent_of(viewer), &refusal),
    };
    if !session_still_current(&state, &flow, viewer).await {
        return refused_callback(provider, flow.intent, &"the member's session has ended");
    }
    let finished = match (answer.error, answer.code) {
        _ if answer.iss.as_deref().is_some_and(|iss| iss != provider.issuer()) => {
            Err(OidcError::Rejected("the answer names another issuer".to_owned()))
        }
        (Some(error), _) => Err(OidcError::Cancelled(error)),
        (None, Some(code)) => {
            let redirect = callback_url(providers, &headers, provider.id());
            provider.finish(&flow, &code, &redirect, now).await
        }
        (None, None) => Err(OidcError::Rejected("no code".to_owned())),
    };
    let identity = match finished {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(provider = provider.id(), error = %error, "provider sign-in refused");
            return refused(provider, flow.intent, flow_problem(&error));
        }
    };
    let client = client.map(|Extension(ClientIp(ip))| ip);
    match flow.intent {
        Intent::SignIn { guest } => {
            match state.accounts.sign_in_with_provider(guest, identity, client).await {
                Ok(upgrade) => {
                    let member = &upgrade.member;
                    let cookies =
                        state.identity.signed_in_cookies(member.id, member.session_version);
                    let [a, b] = cookies;
                    let said = Notice::SignedIn { came_along: upgrade.merge.moved_avatars };
                    see_other("/", [a, b, clear_cookie(FLOW_COOKIE), notice::cookie(&said)])
                }
                Err(error) => refused(provider, flow.intent, account_problem(error)),
            }
        }
        Intent::Link { member } => match state.accounts.link_provider(member, identity).await {
            Ok(()) => {
                let said = Notice::Linked(provider.id().to_owned());
                see_other("/account", [clear_cookie(FLOW_COOKIE), notice::cookie(&said)])
            }
            Err(error) => refused(provider, flow.intent, account_problem(error)),
        },
    }
}

/// A callback this browser did not start (or started as someone else): audited, then
/// refused like an expired flow.
fn refused_callback(
    provider: &Provider,
    intent: Intent,
    reason: &dyn std::fmt::Display,
) -> Response {
    tracing::info!(
        target: identity::audit::TARGET,
        event = "provider_callback",
        outcome = "refused",
        provider = provider.id(),
        reason = %reason,
    );
    refused(provider, intent, ApiError::Provider(ProviderProblem::Expired))
}

/// The flow was started by who is asking now: the same guest (whose roster is the one
/// that comes along), or the same member (who is linking).
fn started_by(flow: &Flow, viewer: Viewer) -> bool {
    match (flow.intent, viewer) {
        (Intent::SignIn { guest }, Viewer::Guest { sid }) => guest == sid,
        (Intent::Link { member }, Viewer::Member { user_id, .. }) => member == user_id,
        _ => false,
    }
}

/// A link is made only while the member's session is current: one ended meanwhile (a
/// sign-out everywhere, a password change) carries its cookie on but may link nothing.
/// (The identity middleware checks this on writes; the callback is a `GET`.)
async fn session_still_current(
    state: &crate::startup::AppState,
    flow: &Flow,
    viewer: Viewer,
) -> bool {
    match (flow.intent, viewer) {
        (Intent::Link { member }, Viewer::Member { version, session, .. }) => {
            matches!(state.store.session_version(member, session).await, Ok(Some(now)) if now == version)
        }
        _ => true,
    }
}

/// What a flow started by `viewer` is for: a guest signs in, a member links.
fn intent_of(viewer: Viewer) -> Intent {
    match viewer {
        Viewer::Guest { sid } => Intent::SignIn { guest: sid },
        Viewer::Member { user_id, .. } => Intent::Link { member: user_id },
    }
}

/// Back to where the flow started, saying why not; the flow cookie is cleared.
fn refused(provider: &Provider, intent: Intent, refusal: ApiError) -> Response {
    let page = match intent {
        Intent::SignIn { .. } => "/signin",
        Intent::Link { .. } => "/account",
    };
    see_other(page, [clear_cookie(FLOW_COOKIE), refusal_cookie(provider.id(), refusal)])
}

fn see_other<const N: usize>(location: &str, cookies: [HeaderValue; N]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// What the account rules' refusal means on the page.
fn account_problem(error: AccountError<persistence::StoreError>) -> ApiError {
    let problem = match error {
        AccountError::Link(LinkProblem::NoVerifiedEmail) => ProviderProblem::NoVerifiedEmail,
        AccountError::Link(LinkProblem::EmailHasAccount) => ProviderProblem::EmailHasAccount,
        AccountError::Link(LinkProblem::Taken) => ProviderProblem::Taken,
        AccountError::TooManyAttempts { retry_after } => {
            return ApiError::TooManyRequests { retry_after: Some(retry_after) };
        }
        // Our fault, not the provider's: said as one.
        AccountError::Store(error) => {
            tracing::error!(
                error = &error as &dyn std::error::Error,
                "provider sign-in: store failure"
            );
            return ApiError::Unavailable;
        }
        other => {
            tracing::warn!(error = %other, "provider sign-in refused");
            ProviderProblem::Expired
        }
    };
    ApiError::Provider(problem)
}

/// What a protocol failure means on the page (the cause is logged by the caller).
fn flow_problem(error: &OidcError) -> ApiError {
    ApiError::Provider(match error {
        OidcError::Flow(_) => ProviderProblem::Expired,
        OidcError::Cancelled(_) => ProviderProblem::Cancelled,
        OidcError::Unavailable(_) => ProviderProblem::Unavailable,
        OidcError::Rejected(_) => ProviderProblem::Rejected,
    })
}
