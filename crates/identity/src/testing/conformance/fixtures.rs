//! The provider links, passkeys and mail tokens the rules' tests make.

use chrono::{DateTime, Duration, Utc};

use super::parse_email;
use crate::{
    NewEmailToken, OwnerId,
    email::{EmailToken, TokenPurpose},
    passkeys::{CredentialId, NewPasskey, PasskeyName, StoredCredential},
    providers::Link,
};

/// `member`'s token of `purpose`, mailed to `address`, from no asking browser; live for a
/// day from `now`.
pub(super) fn mailed(
    purpose: TokenPurpose,
    member: OwnerId,
    address: &str,
    token: &EmailToken,
    now: DateTime<Utc>,
) -> NewEmailToken {
    NewEmailToken {
        digest: token.digest(),
        purpose,
        member,
        email: parse_email(address),
        asker: None,
        expires_at: now + Duration::hours(24),
    }
}

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
