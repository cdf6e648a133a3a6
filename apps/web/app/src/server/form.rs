use base64::{Engine, engine::general_purpose::URL_SAFE};
use leptos::prelude::*;

use crate::error::{ApiError, from_a_form};

/// The failure of a plain form post, which the redirect back to the page put in the
/// URL: which server function, and the error's code. Anything that does not decode as
/// one of our errors is ignored, so a link cannot make the page say words of its own.
pub fn form_failure() -> Option<(String, ApiError)> {
    let failure = use_context::<leptos::server::ServerActionError>()?;
    let bytes = URL_SAFE.decode(failure.err()).ok()?;
    let error = serde_json::from_slice(&bytes).ok()?;
    Some((failure.path().to_owned(), error))
}

/// After a plain form post to `action` failed with `error`: back to `page` with the
/// error in the URL (where Leptos's own redirect puts it, for [`form_failure`]) and
/// `keep`, what was typed that the form shows again — an email, never a password.
/// Replaces Leptos's redirect, which goes back to the `Referer` and so loses what was
/// typed. Returns the error, for the server function to return.
pub fn back_with(error: ApiError, page: &str, action: &str, keep: &[(&str, &str)]) -> ApiError {
    if from_a_form()
        && let Ok(code) = serde_json::to_vec(&error)
    {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(keep);
        query.append_pair("__path", action).append_pair("__err", &URL_SAFE.encode(code));
        leptos_axum::redirect(&format!("{page}?{}", query.finish()));
    }
    error
}

/// A value [`back_with`] kept, to fill its field again (only alongside a failure).
pub fn kept(name: &str) -> Option<String> {
    form_failure()?;
    let query = use_context::<http::request::Parts>()?.uri.query()?.to_owned();
    form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, v)| v.into())
}
