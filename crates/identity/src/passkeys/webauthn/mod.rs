//! Signing in with passkeys (WebAuthn, through `webauthn-rs`): this deployment as a
//! relying party, and the ceremonies' state sealed in a cookie ([`ceremony`]). What a
//! verified passkey may do to accounts is decided by the rules ([`super::Passkey`]).
//!
//! Passkeys are made discoverable (resident keys, user verification required), so
//! signing in needs no email: the browser offers the passkeys it has for this site —
//! also in the email field's autofill (conditional UI). The WebAuthn user handle is the
//! member's id.

/// The ceremony cookie.
mod ceremony;
/// The ceremonies' JSON endpoints.
#[cfg(feature = "axum")]
pub mod http;

pub use ceremony::{
    CEREMONY_COOKIE, CEREMONY_LIFETIME, Ceremony, CeremonyRefusal, Opened, account_digest,
};
/// The sealed state of a sign-in, as [`Ceremony::SignIn`] carries it.
pub use webauthn_rs::prelude::DiscoverableAuthentication;

use std::sync::Arc;

use serde_json::Value;
use webauthn_rs::prelude::{
    Passkey, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Webauthn,
    WebauthnBuilder,
};

use crate::{
    OwnerId,
    passkeys::{CredentialId, StoredCredential},
};

/// Why a ceremony step failed before the account rules ran.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// The ceremony cookie is missing, expired, or from another browser or viewer.
    #[error("passkey ceremony refused: {0}")]
    Ceremony(#[from] CeremonyRefusal),
    /// The browser's answer failed verification (challenge, origin, signature, user
    /// verification), or could not be read.
    #[error("passkey refused: {0}")]
    Rejected(String),
    /// The passkey is not (or no longer) registered here.
    #[error("unknown passkey")]
    Unknown,
}

/// This deployment as a WebAuthn relying party: its id (the site's host) and the
/// origins its pages are served from. Cheap to clone.
#[derive(Clone, Debug)]
pub struct RelyingParty {
    webauthn: Arc<Webauthn>,
    id: Arc<str>,
}

impl RelyingParty {
    /// The relying party of the site at `origin` (`https://guestroom.example`): its id is
    /// the origin's host. `any_port`: accept the origin on any port (development, where
    /// the server may listen anywhere on `localhost`).
    pub fn new(origin: &str, name: &str, any_port: bool) -> Result<Self, String> {
        let url = Url::parse(origin).map_err(|error| format!("{origin}: {error}"))?;
        let id = url.host_str().ok_or_else(|| format!("{origin} has no host"))?.to_owned();
        let webauthn = WebauthnBuilder::new(&id, &url)
            .and_then(|builder| builder.rp_name(name).allow_any_port(any_port).build())
            .map_err(|error| format!("{origin}: {error}"))?;
        Ok(Self { webauthn: Arc::new(webauthn), id: id.into() })
    }

    /// The relying party id: the host passkeys are made for.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Starts making a passkey for the member `user` (`name` and `display_name` are
    /// what the authenticator shows). `existing` are the member's passkeys, which the
    /// authenticator must not make a second time. Returns the options for
    /// `navigator.credentials.create` and the state to seal.
    pub fn start_registration(
        &self,
        user: OwnerId,
        name: &str,
        display_name: &str,
        existing: Vec<CredentialId>,
    ) -> Result<(Value, PasskeyRegistration), PasskeyError> {
        let exclude = existing.into_iter().map(|id| id.as_bytes().to_vec()).collect();
        let (options, state) = self
            .webauthn
            .start_passkey_registration(user.as_uuid(), name, display_name, Some(exclude))
            .map_err(rejected)?;
        let mut options = serde_json::to_value(options).map_err(rejected)?;
        // A discoverable credential ("resident key"), so signing in needs no email: the
        // library asks for none, and checks nothing about it at the finish.
        options["publicKey"]["authenticatorSelection"]["residentKey"] = "required".into();
        options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = true.into();
        Ok((options, state))
    }

    /// Verifies the browser's new credential against the sealed state.
    pub fn finish_registration(
        &self,
        answer: &RegisterPublicKeyCredential,
        state: &PasskeyRegistration,
    ) -> Result<(CredentialId, StoredCredential), PasskeyError> {
        let passkey = self.webauthn.finish_passkey_registration(answer, state).map_err(rejected)?;
        let id = CredentialId::from_bytes(passkey.cred_id())
            .ok_or_else(|| rejected("a credential id longer than WebAuthn allows"))?;
        Ok((id, stored(&passkey)?))
    }

    /// Starts a sign-in with whichever passkey the browser offers. Returns the options
    /// for `navigator.credentials.get` and the state to seal.
    pub fn start_sign_in(&self) -> Result<(Value, DiscoverableAuthentication), PasskeyError> {
        let (options, state) =
            self.webauthn.start_discoverable_authentication().map_err(rejected)?;
        let mut options = serde_json::to_value(options).map_err(rejected)?;
        // The page decides: the email field's autofill (conditional) or a button.
        if let Some(options) = options.as_object_mut() {
            options.remove("mediation");
        }
        Ok((options, state))
    }

    /// Which passkey the browser answered with, and whose it says it is (the user
    /// handle).
    pub fn identify(
        &self,
        answer: &PublicKeyCredential,
    ) -> Result<(OwnerId, CredentialId), PasskeyError> {
        let (user, id) =
            self.webauthn.identify_discoverable_authentication(answer).map_err(rejected)?;
        Ok((OwnerId::from_uuid(user), CredentialId::from_bytes(id).ok_or(PasskeyError::Unknown)?))
    }

    /// Verifies the browser's answer with the stored passkey; returns the passkey's new
    /// state (its signature counter and backup flags) to store.
    pub fn finish_sign_in(
        &self,
        answer: &PublicKeyCredential,
        state: DiscoverableAuthentication,
        credential: &StoredCredential,
    ) -> Result<StoredCredential, PasskeyError> {
        let mut passkey: Passkey = serde_json::from_str(&credential.0).map_err(rejected)?;
        let result = self
            .webauthn
            .finish_discoverable_authentication_v2(answer, state, &passkey)
            .map_err(rejected)?;
        passkey.update_credential(&result);
        stored(&passkey)
    }
}

fn stored(passkey: &Passkey) -> Result<StoredCredential, PasskeyError> {
    serde_json::to_string(passkey).map(StoredCredential).map_err(rejected)
}

fn rejected(error: impl std::fmt::Display) -> PasskeyError {
    PasskeyError::Rejected(error.to_string())
}
