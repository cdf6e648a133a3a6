//! The identity cookies, the cookie a refused provider flow leaves for its page, and
//! their exact attributes.
//!
//! `__Host-` pins a cookie to this host, `Path=/` and `Secure` (no subdomain can set or
//! shadow it); `HttpOnly` keeps it from JavaScript; `SameSite=Lax` keeps it off
//! cross-site subrequests and POSTs. Browsers accept `Secure` cookies from
//! `http://localhost` and `http://127.0.0.1`, so development needs no TLS.

use chrono::Duration;
use http::{HeaderMap, HeaderValue, header::COOKIE};

pub const GUEST_COOKIE: &str = "__Host-guest";
pub const SESSION_COOKIE: &str = "__Host-session";
/// What a refused provider flow leaves for the page it goes back to
/// (`http::providers`): `<provider id>/<refusal code>`. Not the URL, where a reload said
/// it again and a link could make the page say it.
pub const PROVIDER_REFUSAL_COOKIE: &str = "__Host-provider-refusal";

const ATTRIBUTES: &str = "Path=/; Secure; HttpOnly; SameSite=Lax";

/// A `Set-Cookie` value that stores `value` for `max_age`.
pub fn set_cookie(name: &str, value: &str, max_age: Duration) -> HeaderValue {
    let seconds = max_age.num_seconds().max(0);
    header_value(format!("{name}={value}; Max-Age={seconds}; {ATTRIBUTES}"))
}

/// A `Set-Cookie` value that deletes the cookie (same attributes, `Max-Age=0`).
pub fn clear_cookie(name: &str) -> HeaderValue {
    header_value(format!("{name}=; Max-Age=0; {ATTRIBUTES}"))
}

fn header_value(cookie: String) -> HeaderValue {
    // Our tokens are base64url and dots, our names ASCII: always a valid header value.
    HeaderValue::try_from(cookie).expect("cookie is visible ASCII")
}

/// Every value the request sends for cookie `name` (a browser may send several).
pub fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> {
    cookies(headers).filter_map(move |(key, value)| (key == name).then_some(value))
}

/// Every cookie the request sends, as its name and value.
pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_cookie_has_every_attribute() {
        let cookie = set_cookie(GUEST_COOKIE, "abc", Duration::days(30));
        assert_eq!(
            cookie,
            "__Host-guest=abc; Max-Age=2592000; Path=/; Secure; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn clearing_repeats_the_attributes_with_max_age_zero() {
        assert_eq!(
            clear_cookie(SESSION_COOKIE),
            "__Host-session=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn every_value_of_a_cookie_is_found_across_headers() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; __Host-guest=x"));
        headers.append(COOKIE, HeaderValue::from_static("__Host-guest=y"));
        assert_eq!(cookie_values(&headers, GUEST_COOKIE).collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(cookie_values(&headers, "b").count(), 0);
    }
}
