//! Guest-first identity for axum applications.
//!
//! Every visitor is a guest from the first request: a signed guest token (HS256 JWT) in
//! an HttpOnly `__Host-guest` cookie, minted by [`identify`] without touching a
//! database. A member carries an encrypted session (JWE `dir` + `A256GCM`) in
//! `__Host-session` with an absolute lifetime, an idle timeout and rolling refresh.
//! Handlers learn who is asking from one type, [`Viewer`]. Keys come from one
//! `AUTH_SECRET` (a list, for rotation) through HKDF. Time comes from an injected
//! [`Clock`]. Storage is a trait, [`IdentityStore`], that another crate implements:
//! this crate knows no database and no UI framework.

/// Where time comes from.
mod clock;
/// Guest tokens: HS256 JWTs.
mod guest;
/// `AUTH_SECRET`, rotation, and the keys derived from it.
mod keys;
/// The id that owns data.
mod owner;
/// Member sessions: JWE.
mod session;
/// What the identity layer needs from storage.
mod store;
/// What both token kinds share: errors, limits, the header check.
mod token;
/// Who is asking.
mod viewer;

/// The cookies, their names and attributes.
#[cfg(feature = "axum")]
pub mod cookies;
/// The cross-site write guard.
#[cfg(feature = "axum")]
mod csrf;
/// The identity middleware.
#[cfg(feature = "axum")]
mod middleware;

pub use clock::{Clock, ManualClock, SystemClock};
pub use guest::{DEFAULT_GUEST_LIFETIME, GuestToken, GuestTokens};
pub use keys::{KeyError, Keyring, MIN_SECRET_LEN, SecretKey};
pub use owner::OwnerId;
pub use session::{Session, SessionPolicy, SessionTokens};
pub use store::IdentityStore;
pub use token::{LEEWAY, MAX_TOKEN_LEN, TokenError};
pub use viewer::Viewer;

#[cfg(feature = "axum")]
pub use csrf::{CrossSiteGuard, refuse_cross_site};
#[cfg(feature = "axum")]
pub use middleware::{DEFAULT_GUEST_REFRESH_AFTER, Identity, IdentityOptions, identify};
#[cfg(feature = "axum")]
pub use viewer::MissingViewer;
