use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{HeaderMap, Method, header};

use crate::http::Refusal;

/// Refuses state-changing requests that a browser made on behalf of another site.
///
/// The rules, in order (OWASP's "verifying origin with standard headers"):
/// 1. `GET`, `HEAD` and `OPTIONS` always pass: they must not change state.
/// 2. `Sec-Fetch-Site` present: only `same-origin` and `none` (typed or bookmarked by
///    the user) pass. `cross-site` is refused, and so is `same-site`: a sibling
///    subdomain is not this application.
/// 3. Otherwise `Origin` present: it must equal the configured public origin, or, when
///    none is configured, name the same host and port as the `Host` header. `null` is
///    refused.
/// 4. Neither header: the request passes. Browsers since 2020 send `Sec-Fetch-Site` on
///    every request and older ones send `Origin` on cross-site POSTs, so such a request
///    comes from a non-browser client (curl, a test) that holds its own cookies; the
///    `SameSite=Lax` session cookie stays a second line of defence.
#[derive(Clone, Debug, Default)]
pub struct CrossSiteGuard {
    public_origin: Option<String>,
}

impl CrossSiteGuard {
    /// `public_origin`: the origin users see (`https://guestroom.example`), which differs
    /// from `Host` behind a proxy that rewrites it. `None` compares with `Host`.
    pub fn new(public_origin: Option<String>) -> Self {
        Self { public_origin: public_origin.map(|origin| origin.trim_end_matches('/').to_owned()) }
    }

    /// Whether a request with this method and these headers may proceed.
    pub fn allows(&self, method: &Method, headers: &HeaderMap) -> bool {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return true;
        }
        let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
        if let Some(site) = header("sec-fetch-site") {
            return matches!(site, "same-origin" | "none");
        }
        let Some(origin) = header(header::ORIGIN.as_str()) else { return true };
        match &self.public_origin {
            Some(public) => origin == public,
            None => {
                let origin_host = origin.split_once("://").map(|(_, host)| host);
                origin_host.is_some() && origin_host == header(header::HOST.as_str())
            }
        }
    }
}

/// The guard as axum middleware:
/// `router.layer(axum::middleware::from_fn_with_state(guard, identity::refuse_cross_site))`.
pub async fn refuse_cross_site(
    State(guard): State<CrossSiteGuard>,
    request: Request,
    next: Next,
) -> Response {
    if guard.allows(request.method(), request.headers()) {
        return next.run(request).await;
    }
    tracing::info!(
        target: crate::audit::TARGET,
        event = "cross_site_write",
        outcome = "refused",
        method = %request.method(),
        path = request.uri().path(),
        origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()),
    );
    Refusal::Forbidden.respond(request.headers())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (http::HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn safe_methods_always_pass() {
        let cross = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(CrossSiteGuard::default().allows(&Method::GET, &cross));
        assert!(CrossSiteGuard::default().allows(&Method::HEAD, &cross));
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let guard = CrossSiteGuard::default();
        for (site, allowed) in [
            ("same-origin", true),
            ("none", true),
            ("same-site", false),
            ("cross-site", false),
            ("bogus", false),
        ] {
            let h: HeaderMap =
                [(http::HeaderName::from_static("sec-fetch-site"), HeaderValue::from_static(site))]
                    .into_iter()
                    .collect();
            assert_eq!(guard.allows(&Method::POST, &h), allowed, "{site}");
        }
    }

    #[test]
    fn origin_is_compared_with_host_when_no_public_origin_is_configured() {
        let guard = CrossSiteGuard::default();
        assert!(guard.allows(
            &Method::POST,
            &headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")])
        ));
        assert!(!guard.allows(
            &Method::POST,
            &headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:3000")])
        ));
        assert!(
            !guard
                .allows(&Method::POST, &headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]))
        );
    }

    #[test]
    fn origin_must_equal_the_configured_public_origin() {
        let guard = CrossSiteGuard::new(Some("https://guestroom.example/".into()));
        assert!(guard.allows(&Method::POST, &headers(&[("origin", "https://guestroom.example")])));
        assert!(!guard.allows(&Method::POST, &headers(&[("origin", "http://guestroom.example")])));
    }

    #[test]
    fn a_request_without_either_header_passes() {
        assert!(CrossSiteGuard::default().allows(&Method::POST, &HeaderMap::new()));
    }
}
