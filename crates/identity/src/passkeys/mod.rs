//! Signing in with passkeys, as one slice: what a stored passkey is and the rules for
//! adding, removing and signing in with one (against the [`crate::PasskeyStore`] port)
//! and, with the `passkeys` feature, the WebAuthn ceremonies that prove a passkey and,
//! with `axum` too, their four endpoints ([`PasskeySignIn`]).

/// The rules, and what is stored.
mod rules;
/// WebAuthn: the relying party, the sealed ceremony, the endpoints.
#[cfg(feature = "passkeys")]
mod webauthn;

pub use rules::{
    CredentialId, MAX_PASSKEYS, NewPasskey, Passkey, PasskeyName, PasskeyOwner, StoredCredential,
};

#[cfg(all(feature = "passkeys", feature = "axum"))]
pub use webauthn::http::{PasskeyOutcome, PasskeyPages, PasskeySignIn};
#[cfg(feature = "passkeys")]
pub use webauthn::{
    CEREMONY_COOKIE, CEREMONY_LIFETIME, Ceremony, CeremonyRefusal, DiscoverableAuthentication,
    Opened, PasskeyError, RelyingParty, account_digest,
};
