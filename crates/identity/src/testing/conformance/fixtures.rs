//! The provider links and passkeys the rules' tests make.

use crate::{
    passkeys::{CredentialId, NewPasskey, PasskeyName, StoredCredential},
    providers::Link,
};

/// A provider identity at `https://{provider}.example`.
pub(super) fn link(provider: &str, subject: &str) -> Link {
    Link {
        provider: provider.to_owned(),
        issuer: format!("https://{provider}.example"),
        subject: subject.to_owned(),
    }
}

/// A passkey whose credential id is `id` repeated.
pub(super) fn passkey(id: u8, name: &str) -> NewPasskey {
    NewPasskey {
        credential_id: CredentialId::from_bytes(&[id; 16]).expect("valid"),
        name: PasskeyName::parse(name).expect("valid"),
        credential: StoredCredential(format!("{{\"key\":{id},\"counter\":0}}")),
    }
}

/// Room for every passkey a test adds, where the cap is not what it tests.
pub(super) const ROOMY: usize = 100;
