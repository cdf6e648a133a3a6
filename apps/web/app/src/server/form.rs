//! A refused plain form post (no JavaScript) goes back to its page with a clean URL:
//! what was refused (which server function, the error's code) and what was typed ride
//! in a short-lived cookie, `__Host-form`, which the page reads and the server clears
//! (post/redirect/get). In the URL they piled up with each refusal, came back on a
//! reload, and let a link make the page show a refusal.
//!
//! Server functions leave the redirect to Leptos (back to the `Referer`, the refusal in
//! its query as `__path` and `__err`) or to [`back_with`] (a given page, with what was
//! typed); the server's redirect layer then moves that query into the cookie
//! ([`carry_refusal`]).

use base64::{Engine, engine::general_purpose::URL_SAFE};
use http::HeaderValue;

use super::flash;
use crate::error::{ApiError, from_a_form};

/// The cookie that carries a refused plain form post to the page it goes back to.
pub const FORM_COOKIE: &str = "__Host-form";

/// For the `Location` of a redirect back from a refused plain form post: the location
/// without its query, and the cookie that carries the query (the refusal, and what was
/// typed) instead. `None` for any other redirect.
pub fn carry_refusal(location: &str) -> Option<(String, HeaderValue)> {
    let (page, query) = location.split_once('?')?;
    let refused = form_urlencoded::parse(query.as_bytes()).any(|(key, _)| key == "__err");
    // A minute is plenty for the redirect to be followed.
    let cookie =
        || flash::cookie(FORM_COOKIE, &flash::encode_query(query), chrono::Duration::seconds(60));
    refused.then(|| (page.to_owned(), cookie()))
}

/// The failure of a plain form post this page went back to: which server function, and
/// the error. Anything that does not decode as one of our errors is ignored, so nothing
/// can make the page say words of its own.
pub fn form_failure() -> Option<(String, ApiError)> {
    let pairs = refusal()?;
    let bytes = URL_SAFE.decode(flash::field(&pairs, "__err")?).ok()?;
    let error = serde_json::from_slice(&bytes).ok()?;
    Some((flash::field(&pairs, "__path")?.to_owned(), error))
}

/// After a plain form post to `action` failed with `error`: back to `page` with `keep`,
/// what was typed that the form shows again — an email, an avatar's name, never a
/// password. Replaces Leptos's redirect, which goes back to the `Referer` and so loses
/// what was typed. Returns the error, for the server function to return.
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

/// A value [`back_with`] kept, to fill its field again.
pub fn kept(name: &str) -> Option<String> {
    flash::field(&refusal()?, name).map(str::to_owned)
}

/// The pairs the request's refusal cookie carries (cleared by the server's page
/// loader: the page reads it once per field).
fn refusal() -> Option<Vec<(String, String)>> {
    flash::decode(&flash::peek(FORM_COOKIE)?)
}

#[cfg(test)]
mod tests {
    use super::carry_refusal;

    #[test]
    fn a_refusal_leaves_the_url_for_a_cookie_and_nothing_else_does() {
        let (page, cookie) = carry_refusal("/signin?email=a%40b.c&__path=/api/x&__err=Ig").unwrap();
        assert_eq!(page, "/signin");
        let cookie = cookie.to_str().unwrap();
        assert!(cookie.starts_with("__Host-form=") && cookie.contains("Max-Age=60"), "{cookie}");
        assert_eq!(carry_refusal("/account"), None);
        assert_eq!(carry_refusal("/?came_along=2"), None);
    }
}
