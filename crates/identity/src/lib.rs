//! Guest-first identity for axum applications.
//!
//! Every visitor is a guest from the first request: a signed guest token (HS256 JWT) in
//! an HttpOnly `__Host-guest` cookie, minted by [`identify`] without touching a
//! database. A member carries an encrypted session (JWE `dir` + `A256GCM`) in
//! `__Host-session` with an absolute lifetime, an idle timeout and rolling refresh.
//! Handlers learn who is asking from one type, [`Viewer`]. Keys come from one
//! `AUTH_SECRET` (a list, for rotation) through HKDF. Time comes from an injected
//! [`Clock`]. Storage is a set of traits by capability — [`IdentityStore`] for the
//! middleware; [`MemberStore`], [`SessionStore`] and [`AttemptStore`] (together
//! [`AccountStore`]) for the account rules; [`LinkStore`] and [`PasskeyStore`] for
//! providers and passkeys — that another crate implements (the `testing` feature brings an in-memory one and the
//! conformance suite they all pass): this crate knows no database and no UI framework.

/// Accounts: members, emails, display names, password hashes, merge reports.
pub mod account;
/// Security events for the audit log.
pub mod audit;
/// Where time comes from.
mod clock;
/// A guest continuing on another device, with a short code.
pub mod devices;
/// The email channel: password reset by mail, its tokens, and (feature `mail`) delivery.
pub mod email;
/// What a client address counts as in per-address budgets.
mod network;
/// The id that owns data.
mod owner;
/// Sign-in with passkeys: what is stored, the rules, and (feature `passkeys`) the
/// WebAuthn ceremonies and their endpoints.
pub mod passkeys;
/// Sign-in with other providers: the linking rules, and (feature `oidc`) OpenID Connect
/// and its endpoints.
pub mod providers;
/// The ports: what the identity layer and the account rules need from storage.
mod store;
/// The rules of names people type.
pub mod text;
/// The tokens: what both kinds share, keys, guest tokens (JWS), member sessions (JWE).
mod token;
/// Who is asking.
mod viewer;

/// An in-memory store and the stores' conformance suite.
#[cfg(feature = "testing")]
pub mod testing;

/// Cookies, the identity middleware, the cross-site guard, and how they refuse.
#[cfg(feature = "axum")]
pub mod http;

pub use clock::{Clock, ManualClock, SystemClock};
pub use network::{Share, Shares, network};
pub use owner::OwnerId;
pub use store::{
    AccountRefusal, AccountStore, AttemptStore, ChangedEmail, DeviceStore, EmailTokenStore,
    FoundEmailToken, IdentityStore, LinkStore, MemberStore, NewEmailToken, PasskeyStore,
    SessionStore, StoreFailure,
};
pub use token::{
    LEEWAY, MAX_TOKEN_LEN, TokenError,
    guest::{DEFAULT_GUEST_LIFETIME, GuestToken, GuestTokens},
    keys::{KeyError, Keyring, MIN_SECRET_LEN, SecretKey},
    session::{Session, SessionId, SessionPolicy, SessionTokens},
};
pub use viewer::{RECENT_SIGN_IN, Viewer};

#[cfg(feature = "axum")]
pub use self::http::{
    Refusal,
    cross_site::{CrossSiteGuard, refuse_cross_site},
    middleware::{
        DEFAULT_GUEST_REFRESH_AFTER, Identity, IdentityOptions, NewGuest, WaitingGuest, identify,
    },
};
#[cfg(feature = "axum")]
pub use viewer::MissingViewer;
