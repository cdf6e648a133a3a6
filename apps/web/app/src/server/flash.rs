//! One-time messages from a post to the page it redirects to (post/redirect/get), each in
//! a short-lived `__Host-` cookie rather than the URL: a reload or a shared link would
//! say it again, and a link could make the page say anything. Only this host can set a
//! `__Host-` cookie, and each reader decodes only what it knows.
//!
//! Four ride this way: what an account action did (`account::notice`), a refused
//! provider flow (`account::providers`), a deleted avatar for its Undo without
//! JavaScript (`roster::load`), and a refused plain form post with what was typed
//! (`server::form`).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use http::{HeaderValue, header::SET_COOKIE};
use identity::http::cookies::{clear_cookie, cookie_values, set_cookie};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The `Set-Cookie` of flash `name` holding `value` (ASCII cookie-safe: a code, or
/// [`encode`]d pairs) for `ttl`: for a response built outside a server function.
pub fn cookie(name: &str, value: &str, ttl: chrono::Duration) -> HeaderValue {
    set_cookie(name, value, ttl)
}

/// Sets flash `name` on the response of this server function.
pub fn set(name: &str, value: &str, ttl: chrono::Duration) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(SET_COOKIE, cookie(name, value, ttl));
    }
}

/// Flash `name` of this request, left in place (its page reads it more than once, and
/// the page's loader clears it).
pub fn peek(name: &str) -> Option<String> {
    super::request(|parts| cookie_values(&parts.headers, name).next().map(str::to_owned))?
}

/// Flash `name` of this request, cleared on the response: said once.
pub fn take(name: &str) -> Option<String> {
    let value = peek(name)?;
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(SET_COOKIE, clear_cookie(name));
    }
    Some(value)
}

/// Name–value pairs as a cookie value: form-encoded, then base64url.
pub fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs);
    encode_query(&query.finish())
}

/// A form-encoded query as a cookie value (see [`encode`]).
pub fn encode_query(query: &str) -> String {
    URL_SAFE_NO_PAD.encode(query)
}

/// The pairs [`encode`] made; `None` for anything else.
pub fn decode(value: &str) -> Option<Vec<(String, String)>> {
    let query = URL_SAFE_NO_PAD.decode(value).ok()?;
    Some(form_urlencoded::parse(&query).into_owned().collect())
}

/// The value named `name` among decoded `pairs`.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, field};

    #[test]
    fn pairs_come_back_as_they_went() {
        let pairs = [("name", "Ada & Bob; =🐱"), ("position", "2")];
        let back = decode(&encode(pairs)).unwrap();
        assert_eq!(back, pairs.map(|(k, v)| (k.to_owned(), v.to_owned())));
        assert_eq!(field(&back, "position"), Some("2"));
        assert_eq!(field(&back, "emoji"), None);
        assert!(encode(pairs).bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)));
        assert_eq!(decode("not base64!"), None);
    }
}
