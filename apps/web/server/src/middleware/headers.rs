//! Security headers on every response. Pages get their Content-Security-Policy from the
//! app's shell (it needs the page's nonce: `app::server::page_security_policy`); every
//! other answer (JSON, the bundle, errors) gets one that allows nothing, since none of
//! them is meant to be rendered as a document.

use axum::{
    Router,
    http::{
        HeaderValue,
        header::{
            CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
            X_CONTENT_TYPE_OPTIONS,
        },
    },
};
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

/// For responses that are not pages.
const NOTHING_RENDERED: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Two years, subdomains included: what the HSTS preload list asks for.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Wraps `router` in the headers. Answers that set their own caching (the bundle, the
/// emoji search) keep it; everything else is personal (the guest's roster, a member's
/// page) and must never be stored by a shared cache: `private, no-store`. With
/// `https_only` (production), browsers are told to use HTTPS only.
pub fn secure(router: Router, https_only: bool) -> Router {
    let fixed = |value: &'static str| HeaderValue::from_static(value);
    // One stack, added at once (the router's layers say why: `crate::router`).
    router.layer(
        ServiceBuilder::new()
            .option_layer(https_only.then(|| {
                SetResponseHeaderLayer::overriding(STRICT_TRANSPORT_SECURITY, fixed(HSTS))
            }))
            .layer(SetResponseHeaderLayer::overriding(
                REFERRER_POLICY,
                fixed("strict-origin-when-cross-origin"),
            ))
            .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, fixed("nosniff")))
            .layer(SetResponseHeaderLayer::if_not_present(
                CONTENT_SECURITY_POLICY,
                fixed(NOTHING_RENDERED),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                CACHE_CONTROL,
                fixed("private, no-store"),
            )),
    )
}
