//! Server-only glue that every feature's server functions and pages use: who is asking
//! (and so whose data to touch), how store errors become [`ApiError`]s, and the data a
//! page was given before it rendered.

use std::sync::Arc;

use identity::{Identity, OwnerId, Viewer, account::Accounts};
use leptos::prelude::*;
use persistence::Store;

use crate::error::{ApiError, answer};

/// Store errors as the browser sees them, with their status; logged once.
mod error;
/// One-time messages from a post to the next page, in short-lived cookies.
pub mod flash;
/// The reply to a plain form post that failed: its error, and what to fill in again.
mod form;
/// HTML cut where its values go, written again with other values.
pub mod template;

pub use error::{account_error, account_invalid, invalid, retired_guest_starts_anew, store_error};
pub use form::{FORM_COOKIE, back_with, carry_refusal, form_failure, kept};
/// The address of the client asking, as the server worked it out (the connection's peer,
/// or the trusted proxy's header when one is configured), put in every request: the
/// identity crate's type, which its endpoints read too.
pub use identity::http::ClientIp;

/// What server functions and pages work with: one context, put in Leptos's context for
/// every request by the server's router as an `Arc<Services>`, and read with [`shared`]
/// (or [`services`], for a copy of one's own). Shared, not cloned per request: a clone is
/// four stores' and keyrings' worth of reference counts, and cloning and dropping it twice
/// a request was 5–6% of the roster read's CPU (bench/RESULTS.md).
#[derive(Clone, Debug)]
pub struct Services {
    pub store: Store,
    pub identity: Identity<Store>,
    /// Sign-up, sign-in and managing an account.
    pub accounts: Accounts<Store>,
    /// What goes through mail: password reset.
    pub mail: identity::email::EmailAccounts<Store>,
}

/// The request's viewer and the services. Either missing is a wiring fault: logged, and
/// answered 503.
pub fn shared() -> Result<(Viewer, Arc<Services>), ApiError> {
    let wiring = |missing: &str| {
        tracing::error!("no {missing} in a server function's context");
        answer(ApiError::Unavailable)
    };
    let viewer = viewer().ok_or_else(|| wiring("viewer: the identity layer is missing"))?;
    let services = use_context::<Arc<Services>>().ok_or_else(|| wiring("services"))?;
    Ok((viewer, services))
}

/// [`shared`], with a copy of the services to take apart (the account actions).
pub fn services() -> Result<(Viewer, Services), ApiError> {
    shared().map(|(viewer, services)| (viewer, Services::clone(&services)))
}

/// Puts the cookies of an identity change on the response (the identity middleware then
/// leaves the cookies alone).
pub fn changed_identity(cookies: &[http::HeaderValue]) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        for cookie in cookies {
            response.append_header(http::header::SET_COOKIE, cookie.clone());
        }
    }
}

/// The member asking; a guest is refused as signed out (a member whose session ended
/// arrives here as a guest: the identity layer saw to it).
pub fn member(viewer: Viewer) -> Result<OwnerId, ApiError> {
    match viewer {
        Viewer::Member { user_id, .. } => Ok(user_id),
        Viewer::Guest { .. } => Err(answer(ApiError::SignedOut)),
    }
}

/// `read` of the request being handled, looked at where it is: `use_context` would clone
/// all of it, its headers and extensions (the page's data among them), for each look
/// (a page looks about ten times; bench/RESULTS.md).
pub fn request<R>(read: impl FnOnce(&http::request::Parts) -> R) -> Option<R> {
    with_context::<http::request::Parts, _>(read)
}

/// The verified viewer of the request being handled (put there by the identity layer).
pub fn viewer() -> Option<Viewer> {
    request(|parts| parts.extensions.get::<Viewer>().copied())?
}

/// The address of the client asking, for the attempt limits.
pub fn client_ip() -> Option<std::net::IpAddr> {
    request(|parts| parts.extensions.get::<ClientIp>().map(|ip| ip.0))?
}

/// Puts the page's Content-Security-Policy on the response: scripts only from our origin
/// or inline with this response's nonce (Leptos puts it on the hydration script; our own
/// inline scripts carry it too), wasm compiled by the browser, nothing framed, no
/// plugins, no `<base>` elsewhere, forms posted only to us (and redirected on to the
/// sign-in providers). Called by the shell, which
/// renders before any byte is sent.
pub fn page_security_policy() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    // A "Continue with …" form is redirected to its provider: allowed, and only those.
    let providers = use_context::<crate::account::SignInButtons>()
        .map(|buttons| buttons.form_origins)
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
         form-action 'self'{providers}; frame-ancestors 'none'",
        &*nonce
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The owner to scope by (from the request's verified viewer) and the store: the start
/// of every server function that touches owned data.
pub fn scope() -> Result<(OwnerId, Store), ApiError> {
    let (viewer, services) = shared()?;
    Ok((viewer.owner_id(), services.store.clone()))
}

/// The data of type `T` that the page's loader put in the request (see `crate::preload`).
pub fn page_data<T: Clone + Send + Sync + 'static>() -> Option<T> {
    request(|parts| parts.extensions.get::<T>().cloned())?
}

/// An opaque tag for an owner, the same for every page of theirs: lets tabs tell whose
/// cache they hold without the page carrying the owner id itself.
pub fn cache_owner(owner: OwnerId) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(owner.to_string().as_bytes());
    let first: [u8; 8] = digest[..8].try_into().expect("a SHA-256 digest has 32 bytes");
    format!("{:016x}", u64::from_be_bytes(first))
}
