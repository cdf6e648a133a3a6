//! Server-only glue that every feature's server functions and pages use: who is asking
//! (and so whose data to touch), how store errors become [`ApiError`]s, and the data a
//! page was given before it rendered.

use identity::{OwnerId, Viewer};
use leptos::prelude::*;
use persistence::Store;

use crate::error::{ApiError, answer};

/// Store errors as the browser sees them, with their status; logged once.
mod error;

pub use error::{account_error, account_invalid, invalid, store_error};

/// The verified viewer of the request being handled (put there by the identity layer).
pub fn viewer() -> Option<Viewer> {
    use_context::<http::request::Parts>()?.extensions.get::<Viewer>().copied()
}

/// The owner to scope by (from the request's verified viewer) and the store: the start
/// of every server function that touches owned data.
pub fn scope() -> Result<(OwnerId, Store), ApiError> {
    let viewer = viewer().ok_or_else(|| {
        tracing::error!("no viewer in a server function: identity layer missing");
        answer(ApiError::Unavailable)
    })?;
    let store = use_context::<Store>().ok_or_else(|| {
        tracing::error!("no store in the server function's context");
        answer(ApiError::Unavailable)
    })?;
    Ok((viewer.owner_id(), store))
}

/// The data of type `T` that the page's loader put in the request (see `crate::preload`).
pub fn page_data<T: Clone + Send + Sync + 'static>() -> Option<T> {
    use_context::<http::request::Parts>()?.extensions.get::<T>().cloned()
}

/// The failure of a plain form post (JavaScript off), which the server function's
/// redirect put in the URL: which server function, and the error's code. Anything that
/// does not decode as one of our errors is ignored, so a link cannot make the page say
/// words of its own.
pub fn form_failure() -> Option<(String, ApiError)> {
    use base64::{Engine, engine::general_purpose::URL_SAFE};
    let failure = use_context::<leptos::server::ServerActionError>()?;
    let bytes = URL_SAFE.decode(failure.err()).ok()?;
    let error = serde_json::from_slice(&bytes).ok()?;
    Some((failure.path().to_owned(), error))
}

/// An opaque tag for an owner, the same for every page of theirs: lets tabs tell whose
/// cache they hold without the page carrying the owner id itself.
pub fn cache_owner(owner: OwnerId) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(owner.to_string().as_bytes());
    digest[..8].iter().map(|byte| format!("{byte:02x}")).collect()
}
