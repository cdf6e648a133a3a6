//! Sign-in with OpenID Connect providers over HTTP: two endpoints around the provider's
//! pages, as a router an application mounts ([`ProviderSignIn::router`]).
//!
//! - `POST {start}` (a form: a cross-site page cannot start a flow) seals a new flow into
//!   a 10-minute `__Host-` cookie and sends the browser to the provider. A guest signs
//!   in; a member links the provider.
//! - `GET {callback}` accepts only the flow this browser started, for the viewer that
//!   started it, once (every answer clears the cookie), and only then asks the provider
//!   anything. The account rules then sign in, create or link.
//!
//! Both need the identity middleware around them (they read the [`Viewer`]), and take
//! the client's address from [`ClientIp`] when the application's edge sets it.
//!
//! Every answer is a redirect to one of the application's pages ([`ProviderPages`]). A
//! refusal changes nothing and goes back to the page the flow started from with
//! [`PROVIDER_REFUSAL_COOKIE`]: the provider's id and the refusal's code
//! (`google/provider/expired`), for the page to say in its own words, once. What the flow
//! came to is also in the response's extensions ([`ProviderOutcome`]), so the
//! application can add its own notice.

use std::sync::Arc;

use axum::{
    Extension, Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Duration;
use serde::Deserialize;

use super::{FLOW_COOKIE, FLOW_LIFETIME, Flow, Intent, OidcError, Provider, Providers};
use crate::{
    AccountStore, Keyring, LinkStore, Viewer,
    account::{AccountError, Accounts, LinkProblem, MergeReport},
    audit,
    http::{
        ClientIp, ProviderRefusal, Refusal,
        cookies::{PROVIDER_REFUSAL_COOKIE, clear_cookie, cookie_values, set_cookie},
        middleware::Identity,
    },
};

/// How long a refusal waits for its page to say it.
const REFUSAL_LIFETIME: Duration = Duration::seconds(60);

/// The application's paths and pages the endpoints work with.
#[derive(Clone, Debug)]
pub struct ProviderPages {
    /// The start endpoint's path, with `{provider}` for the provider's id
    /// (`/auth/{provider}/start`).
    pub start: &'static str,
    /// The callback's path, likewise (`/auth/{provider}/callback`): the redirect URI
    /// registered at each provider.
    pub callback: &'static str,
    /// Where a guest's flow starts, and where its refusals go back to (`/signin`).
    pub sign_in: &'static str,
    /// Where a member links, and where a link's refusals and success go (`/account`).
    pub account: &'static str,
    /// Where a member lands after signing in (`/`).
    pub signed_in: &'static str,
    /// `PUBLIC_ORIGIN`, the origin of the callback URL; without it (development), the
    /// request's own host over plain HTTP (the application allow-lists hosts).
    pub public_origin: Option<String>,
}

/// What a provider's flow came to, in the response's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderOutcome {
    /// Sent to the provider.
    Started,
    /// A guest signed in (or up); what came along from the guest.
    SignedIn { merge: MergeReport },
    /// A member linked the provider (its id).
    Linked { provider: String },
    /// Refused; nothing changed.
    Refused(Refusal),
}

/// The endpoints' state: the providers, the key that seals flows, the identity layer
/// (time, and the cookies of a sign-in) and the account rules.
#[derive(Debug)]
pub struct ProviderSignIn<S> {
    pub providers: Providers,
    pub keys: Keyring,
    pub identity: Identity<S>,
    pub accounts: Accounts<S>,
    pub pages: ProviderPages,
}

impl<S: AccountStore + LinkStore> ProviderSignIn<S> {
    /// The two endpoints, for any application state (mount with `Router::merge`).
    pub fn router<T: Clone + Send + Sync + 'static>(self) -> Router<T> {
        let (start_path, callback_path) = (self.pages.start, self.pages.callback);
        Router::new()
            .route(start_path, post(start::<S>))
            .route(callback_path, get(callback::<S>))
            .with_state(Arc::new(self))
    }

    /// Where the provider sends the browser back to.
    fn callback_url(&self, headers: &HeaderMap, provider: &str) -> String {
        let origin = self.pages.public_origin.clone().unwrap_or_else(|| {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            format!("http://{}", host.unwrap_or("localhost"))
        });
        format!("{origin}{}", self.pages.callback.replace("{provider}", provider))
    }

    /// Back to where the flow started, saying why not; the flow cookie is cleared.
    fn refused(&self, provider: &Provider, intent: Intent, refusal: Refusal) -> Response {
        let page = match intent {
            Intent::SignIn { .. } => self.pages.sign_in,
            Intent::Link { .. } => self.pages.account,
        };
        let said = set_cookie(
            PROVIDER_REFUSAL_COOKIE,
            &format!("{}/{}", provider.id(), refusal.code()),
            REFUSAL_LIFETIME,
        );
        see_other(page, [clear_cookie(FLOW_COOKIE), said], ProviderOutcome::Refused(refusal))
    }
}

type Shared<S> = State<Arc<ProviderSignIn<S>>>;

/// `POST {start}`.
async fn start<S: AccountStore + LinkStore>(
    State(sign_in): Shared<S>,
    Path(provider): Path<String>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
) -> Response {
    let Some(provider) = sign_in.providers.get(&provider) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = sign_in.identity.now();
    let intent = intent_of(viewer);
    if matches!(intent, Intent::Link { .. }) && !viewer.signed_in_recently(now) {
        return sign_in.refused(provider, intent, Refusal::SignInAgain);
    }
    let redirect = sign_in.callback_url(&headers, provider.id());
    match provider.begin(&redirect, intent, now).await {
        Ok((url, flow)) => {
            let cookie = set_cookie(FLOW_COOKIE, &flow.seal(&sign_in.keys), FLOW_LIFETIME);
            see_other(&url, [cookie], ProviderOutcome::Started)
        }
        Err(error) => {
            tracing::warn!(provider = provider.id(), error = ?error, "provider sign-in not started");
            sign_in.refused(provider, intent, flow_refusal(&error))
        }
    }
}

/// The provider's answer, in the callback's query. A query that does not parse (a field
/// twice, bytes that are not UTF-8) reads as an empty answer, refused like one, never
/// with axum's rejection text.
#[derive(Debug, Default, Deserialize)]
struct ProviderAnswer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// The issuer, from providers that name themselves in their answer (RFC 9207): an
    /// answer from another provider is refused (a mix-up attack).
    iss: Option<String>,
}

/// `GET {callback}`.
async fn callback<S: AccountStore + LinkStore>(
    State(sign_in): Shared<S>,
    Path(provider): Path<String>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<ClientIp>>,
    query: Result<Query<ProviderAnswer>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let answer = query.map(|Query(answer)| answer).unwrap_or_default();
    let Some(provider) = sign_in.providers.get(&provider) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = sign_in.identity.now();
    let cookie = cookie_values(&headers, FLOW_COOKIE).next();
    let state = answer.state.as_deref().unwrap_or_default();
    let flow = match Flow::open(&sign_in.keys, cookie, provider.id(), state, now) {
        Ok(flow) if started_by(&flow, viewer) => flow,
        Ok(flow) => {
            return refused_callback(&sign_in, provider, flow.intent, &"started by another viewer");
        }
        Err(refusal) => return refused_callback(&sign_in, provider, intent_of(viewer), &refusal),
    };
    // A link is made only while the member's session is current: one ended meanwhile (a
    // sign-out everywhere, a password change) carries its cookie on but may link nothing.
    // (The identity middleware checks this on writes; the callback is a `GET`.)
    if !sign_in.identity.session_is_current(viewer).await {
        return refused_callback(
            &sign_in,
            provider,
            flow.intent,
            &"the member's session has ended",
        );
    }
    let finished = match (answer.error, answer.code) {
        _ if answer.iss.as_deref().is_some_and(|iss| iss != provider.issuer()) => {
            Err(OidcError::Rejected("the answer names another issuer".to_owned()))
        }
        (Some(error), _) => Err(OidcError::Cancelled(error_code(&error))),
        (None, Some(code)) => {
            let redirect = sign_in.callback_url(&headers, provider.id());
            provider.finish(&flow, &code, &redirect, now).await
        }
        (None, None) => Err(OidcError::Rejected("no code".to_owned())),
    };
    let identity = match finished {
        Ok(identity) => identity,
        Err(error) => {
            // Debug: whatever a provider's answer put in it is escaped, one line.
            tracing::warn!(provider = provider.id(), error = ?error, "provider sign-in refused");
            return sign_in.refused(provider, flow.intent, flow_refusal(&error));
        }
    };
    let client = client.map(|Extension(ClientIp(ip))| ip);
    let pages = &sign_in.pages;
    match flow.intent {
        Intent::SignIn { guest } => {
            match sign_in.accounts.sign_in_with_provider(guest, identity, client).await {
                Ok(upgrade) => {
                    let [a, b] = sign_in.identity.signed_in_cookies(&upgrade);
                    let outcome = ProviderOutcome::SignedIn { merge: upgrade.merge };
                    see_other(pages.signed_in, [a, b, clear_cookie(FLOW_COOKIE)], outcome)
                }
                Err(error) => sign_in.refused(provider, flow.intent, account_refusal(error)),
            }
        }
        Intent::Link { member } => match sign_in.accounts.link_provider(member, identity).await {
            Ok(()) => {
                let outcome = ProviderOutcome::Linked { provider: provider.id().to_owned() };
                see_other(pages.account, [clear_cookie(FLOW_COOKIE)], outcome)
            }
            Err(error) => sign_in.refused(provider, flow.intent, account_refusal(error)),
        },
    }
}

/// A callback this browser did not start (or started as someone else): audited, then
/// refused like an expired flow.
fn refused_callback<S: AccountStore + LinkStore>(
    sign_in: &ProviderSignIn<S>,
    provider: &Provider,
    intent: Intent,
    reason: &dyn std::fmt::Display,
) -> Response {
    tracing::info!(
        target: audit::TARGET,
        event = "provider_callback",
        outcome = "refused",
        provider = provider.id(),
        reason = %reason,
    );
    sign_in.refused(provider, intent, Refusal::Provider(ProviderRefusal::Expired))
}

/// The flow was started by who is asking now: the same guest (whose data is what comes
/// along), or the same member (who is linking).
fn started_by(flow: &Flow, viewer: Viewer) -> bool {
    match (flow.intent, viewer) {
        (Intent::SignIn { guest }, Viewer::Guest { sid }) => guest == sid,
        (Intent::Link { member }, Viewer::Member { user_id, .. }) => member == user_id,
        _ => false,
    }
}

/// What a flow started by `viewer` is for: a guest signs in, a member links.
fn intent_of(viewer: Viewer) -> Intent {
    match viewer {
        Viewer::Guest { sid } => Intent::SignIn { guest: sid },
        Viewer::Member { user_id, .. } => Intent::Link { member: user_id },
    }
}

fn see_other<const N: usize>(
    location: &str,
    cookies: [HeaderValue; N],
    outcome: ProviderOutcome,
) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response.extensions_mut().insert(outcome);
    response
}

/// What the account rules' refusal means for the flow.
fn account_refusal<E: std::error::Error + 'static>(error: AccountError<E>) -> Refusal {
    let problem = match error {
        AccountError::Link(LinkProblem::NoVerifiedEmail) => ProviderRefusal::NoVerifiedEmail,
        AccountError::Link(LinkProblem::EmailHasAccount) => ProviderRefusal::EmailHasAccount,
        AccountError::Link(LinkProblem::Taken) => ProviderRefusal::Taken,
        AccountError::TooManyAttempts { retry_after } => {
            return Refusal::TooManyRequests { retry_after };
        }
        // Providers hash no password; said as our fault should it ever happen.
        AccountError::Busy => return Refusal::Unavailable,
        // Our fault, not the provider's: said as one.
        AccountError::Store(error) => {
            tracing::error!(
                error = &error as &dyn std::error::Error,
                "provider sign-in: store failure"
            );
            return Refusal::Unavailable;
        }
        other => {
            tracing::warn!(error = %other, "provider sign-in refused");
            ProviderRefusal::Expired
        }
    };
    Refusal::Provider(problem)
}

/// The provider's `error` as the log may hold it: an OAuth error code (`access_denied`,
/// snake case, RFC 6749 §4.1.2.1), or `unrecognised`. Anyone can send a browser to the
/// callback with any text here; a line break in it would write a line of its own.
fn error_code(error: &str) -> String {
    let code = error.len() <= 64
        && !error.is_empty()
        && error.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if code { error.to_owned() } else { "unrecognised".to_owned() }
}

/// What a protocol failure means for the flow (the cause is logged by the caller).
fn flow_refusal(error: &OidcError) -> Refusal {
    Refusal::Provider(match error {
        OidcError::Flow(_) => ProviderRefusal::Expired,
        OidcError::Cancelled(_) => ProviderRefusal::Cancelled,
        OidcError::Unavailable(_) => ProviderRefusal::Unavailable,
        OidcError::Rejected(_) => ProviderRefusal::Rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::error_code;

    #[test]
    fn a_providers_error_is_logged_as_a_code_or_not_at_all() {
        for (error, logged) in [
            ("access_denied", "access_denied"),
            ("temporarily_unavailable", "temporarily_unavailable"),
            ("invalid-request.2", "invalid-request.2"),
            ("access_denied\nforged line", "unrecognised"),
            ("access denied", "unrecognised"),
            ("\"quoted\"", "unrecognised"),
            ("", "unrecognised"),
        ] {
            assert_eq!(error_code(error), logged, "{error:?}");
        }
        assert_eq!(error_code(&"e".repeat(64)), "e".repeat(64));
        assert_eq!(error_code(&"e".repeat(65)), "unrecognised");
    }
}
