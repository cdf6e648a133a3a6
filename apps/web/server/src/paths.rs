//! The server's own paths, declared once: the router mounts them, and the layers that
//! treat some of them apart (the host allow-list, the database breaker, the identity
//! middleware) read them here rather than restating them. (Pages and server functions
//! are the app's routes: `app::App`.)

/// The bundle's files, nested under this folder.
pub const BUNDLE: &str = "/pkg";
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";
pub const METRICS: &str = "/metrics";

/// A provider's flow (`{provider}`: its configured id).
pub const PROVIDER_START: &str = "/auth/{provider}/start";
pub const PROVIDER_CALLBACK: &str = "/auth/{provider}/callback";

/// The passkey ceremonies (the pages' script posts to them: `passkeys.js`).
pub const PASSKEY_ADD: &str = "/auth/passkey/add";
pub const PASSKEY_SIGN_UP: &str = "/auth/passkey/signup";
pub const PASSKEY_SIGN_IN: &str = "/auth/passkey/signin";
pub const PASSKEY_FINISH: &str = "/auth/passkey/finish";

/// The page a reset link opens, the one that asks for it, and the one a confirmation link
/// opens (the app's `/reset`, `/forgot` and `/verify` routes): mail links point at them.
pub const RESET_PASSWORD: &str = "/reset";
pub const FORGOT_PASSWORD: &str = "/forgot";
pub const VERIFY_EMAIL: &str = "/verify";
/// The page a sign-in link opens (the app's `/signin-link` route).
pub const SIGN_IN_LINK: &str = "/signin-link";
/// The page a change-of-address link opens (the app's `/change-email` route).
pub const CHANGE_EMAIL: &str = "/change-email";

/// What a load balancer and a scraper ask for by address: answered whatever the `Host`.
pub const PROBES: [&str; 3] = [HEALTHZ, READYZ, METRICS];

/// Path prefixes that carry no identity and read nothing from the database: static
/// files, health checks and metrics get no cookie, and the database breaker never
/// refuses them.
pub const ANONYMOUS: [&str; 4] = ["/pkg/", HEALTHZ, READYZ, METRICS];

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundle_folder_is_anonymous() {
        assert_eq!(super::ANONYMOUS[0], format!("{}/", super::BUNDLE));
    }
}
