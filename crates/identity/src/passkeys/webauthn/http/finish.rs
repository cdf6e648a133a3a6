//! `POST {finish}`: the browser's credential, checked against the ceremony this browser
//! started, then handed to the account rules.

use std::net::IpAddr;

use axum::{
    Extension, Json,
    extract::{State, rejection::JsonRejection},
    http::HeaderMap,
    response::Response,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    PasskeyOutcome, PasskeySignIn, Shared, SignUpWithPasskey,
    answer::{Refused, answered, body, done},
};
use crate::{
    AccountStore, OwnerId, PasskeyStore, Viewer,
    account::{DisplayName, Email, InvalidInput, NewMember},
    http::{ClientIp, cookies::cookie_values},
    passkeys::{
        CEREMONY_COOKIE, Ceremony, CeremonyRefusal, DiscoverableAuthentication, NewPasskey, Opened,
        PasskeyError, PasskeyName, RelyingParty, account_digest,
    },
};

/// `POST {finish}`.
pub(super) async fn finish<S: AccountStore + PasskeyStore>(
    State(passkeys): Shared<S>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    answer: Result<Json<Value>, JsonRejection>,
) -> Response {
    let client = client.map(|Extension(ClientIp(ip))| ip);
    answered(
        async {
            let party = passkeys.party().map_err(Refused)?;
            let mut answer = body(answer)?;
            let cookie = cookie_values(&headers, CEREMONY_COOKIE).next();
            let Opened { id, ceremony } =
                Ceremony::open(&passkeys.keys, cookie, viewer, passkeys.identity.now())
                    .map_err(PasskeyError::from)?;
            // Before anything is verified or written: a replayed answer stops here.
            if !passkeys.accounts.spend_ceremony(id).await? {
                return Err(Refused::from(PasskeyError::from(CeremonyRefusal::Spent)));
            }
            match ceremony {
                Ceremony::Add { member, name, state: registration } => {
                    let (credential_id, stored) =
                        party.finish_registration(&credential(answer)?, &registration)?;
                    let name = PasskeyName::from_stored(&name);
                    let passkey = NewPasskey { credential_id, name, credential: stored };
                    passkeys.accounts.add_passkey(OwnerId::from_uuid(member), passkey).await?;
                    Ok::<_, Refused>(done(passkeys.pages.account, [], PasskeyOutcome::Added))
                }
                Ceremony::SignUp { guest, member, account, state: registration } => {
                    let (email, display_name) = signed_up(&mut answer, &account)?;
                    let (credential_id, stored) =
                        party.finish_registration(&credential(answer)?, &registration)?;
                    let passkey = NewPasskey {
                        credential_id,
                        name: PasskeyName::parse("").map_err(unreadable)?,
                        credential: stored,
                    };
                    let new = NewMember {
                        id: OwnerId::from_uuid(member),
                        email,
                        display_name,
                        password_hash: None,
                        link: None,
                        passkey: Some(passkey),
                    };
                    let guest = OwnerId::from_uuid(guest);
                    let upgrade =
                        passkeys.accounts.sign_up_with_passkey(guest, new, client).await?;
                    Ok(passkeys.signed_in(&upgrade))
                }
                Ceremony::SignIn { guest, state: authentication } => {
                    let guest = OwnerId::from_uuid(guest);
                    sign_in(&passkeys, party, guest, answer, authentication, client).await
                }
            }
        }
        .await,
    )
}

/// Signs in with the passkey the browser answered with: it must be registered, be the
/// member's its user handle names, and verify against the sealed challenge.
async fn sign_in<S: AccountStore + PasskeyStore>(
    passkeys: &PasskeySignIn<S>,
    party: &RelyingParty,
    guest: OwnerId,
    answer: Value,
    authentication: DiscoverableAuthentication,
    client: Option<IpAddr>,
) -> Result<Response, Refused> {
    let answer = credential(answer)?;
    let (user, credential_id) = party.identify(&answer)?;
    let owner = passkeys.accounts.find_passkey(&credential_id).await?;
    let owner = owner.filter(|owner| owner.member == user).ok_or(PasskeyError::Unknown)?;
    let used = party.finish_sign_in(&answer, authentication, &owner.credential)?;
    let upgrade =
        passkeys.accounts.sign_in_with_passkey(guest, owner.member, (credential_id, used), client);
    Ok(passkeys.signed_in(&upgrade.await?))
}

/// The account a sign-up's finish names beside the credential (`"account"`), when it is
/// the one its ceremony started with; taken out of the answer.
fn signed_up(answer: &mut Value, started: &str) -> Result<(Email, DisplayName), Refused> {
    let account = answer.as_object_mut().and_then(|answer| answer.remove("account"));
    let account: SignUpWithPasskey =
        account.map(serde_json::from_value).transpose().ok().flatten().unwrap_or_default();
    let (email, display_name) = account.parse()?;
    if account_digest(&email, &display_name) != started {
        return Err(Refused::from(PasskeyError::from(CeremonyRefusal::OtherViewer)));
    }
    Ok((email, display_name))
}

/// The browser's answer as the ceremony's type, or refused as unreadable.
fn credential<T: DeserializeOwned>(answer: Value) -> Result<T, Refused> {
    serde_json::from_value(answer)
        .map_err(|error| Refused::from(PasskeyError::Rejected(error.to_string())))
}

/// A sealed ceremony whose contents no longer read: sealed by us, so a fault.
fn unreadable(error: InvalidInput) -> Refused {
    Refused::from(PasskeyError::Rejected(format!("sealed ceremony does not read: {error}")))
}
