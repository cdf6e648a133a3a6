//! `POST /auth/passkey/finish`: the browser's credential, checked against the ceremony
//! this browser started, then handed to the account rules.

use app::account::notice::{self, Notice};
use axum::{
    Extension, Json,
    extract::{State, rejection::JsonRejection},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use identity::{
    OwnerId, Viewer,
    account::{DisplayName, Email, NewMember, NewPasskey, PasskeyName},
    http::cookies::cookie_values,
    passkey::{CEREMONY_COOKIE, Ceremony, DiscoverableAuthentication, PasskeyError},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    PasskeyCeremonies,
    answer::{Refusal, done},
    body, ceremonies,
};
use crate::startup::AppState;
use app::server::ClientIp;

/// The browser's answer as the ceremony's type, or refused as unreadable.
fn credential<T: DeserializeOwned>(answer: Value) -> Result<T, Refusal> {
    serde_json::from_value(answer)
        .map_err(|error| Refusal::from(PasskeyError::Rejected(error.to_string())))
}

/// `POST /auth/passkey/finish`.
pub async fn finish(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    answer: Result<Json<Value>, JsonRejection>,
) -> Response {
    let client = client.map(|Extension(ClientIp(ip))| ip);
    let finished = async {
        let ceremonies = ceremonies(&state)?;
        let answer = body(answer)?;
        let cookie = cookie_values(&headers, CEREMONY_COOKIE).next();
        let ceremony = Ceremony::open(&ceremonies.keys, cookie, viewer, state.identity.now())
            .map_err(PasskeyError::from)?;
        match ceremony {
            Ceremony::Add { member, name, state: registration } => {
                let (credential_id, stored) =
                    ceremonies.party.finish_registration(&credential(answer)?, &registration)?;
                let name = PasskeyName::from_stored(&name);
                let passkey = NewPasskey { credential_id, name, credential: stored };
                state.accounts.add_passkey(OwnerId::from_uuid(member), passkey).await?;
                Ok::<_, Refusal>(done("/account", [notice::cookie(&Notice::PasskeyAdded)]))
            }
            Ceremony::SignUp { guest, member, email, display_name, state: registration } => {
                let (credential_id, stored) =
                    ceremonies.party.finish_registration(&credential(answer)?, &registration)?;
                let passkey = NewPasskey {
                    credential_id,
                    name: PasskeyName::parse("").map_err(unreadable)?,
                    credential: stored,
                };
                let new = NewMember {
                    id: OwnerId::from_uuid(member),
                    email: Email::parse(&email).map_err(unreadable)?,
                    display_name: DisplayName::from_stored(&display_name).map_err(unreadable)?,
                    password_hash: None,
                    link: None,
                    passkey: Some(passkey),
                };
                let guest = OwnerId::from_uuid(guest);
                let upgrade = state.accounts.sign_up_with_passkey(guest, new, client).await?;
                Ok(signed_in(&state, &upgrade))
            }
            Ceremony::SignIn { guest, state: authentication } => {
                let guest = OwnerId::from_uuid(guest);
                sign_in(&state, ceremonies, guest, answer, authentication, client).await
            }
        }
    };
    finished.await.unwrap_or_else(IntoResponse::into_response)
}

/// Signs in with the passkey the browser answered with: it must be registered, be the
/// member's its user handle names, and verify against the sealed challenge.
async fn sign_in(
    state: &AppState,
    ceremonies: &PasskeyCeremonies,
    guest: OwnerId,
    answer: Value,
    authentication: DiscoverableAuthentication,
    client: Option<std::net::IpAddr>,
) -> Result<Response, Refusal> {
    let answer = credential(answer)?;
    let (user, credential_id) = ceremonies.party.identify(&answer)?;
    let owner = state.accounts.find_passkey(&credential_id).await?;
    let owner = owner.filter(|owner| owner.member == user).ok_or(PasskeyError::Unknown)?;
    let used = ceremonies.party.finish_sign_in(&answer, authentication, &owner.credential)?;
    let upgrade =
        state.accounts.sign_in_with_passkey(guest, owner.member, (credential_id, used), client);
    Ok(signed_in(state, &upgrade.await?))
}

/// To the roster, signed in, with what came along.
fn signed_in(state: &AppState, upgrade: &identity::account::Upgrade) -> Response {
    let member = &upgrade.member;
    let cookies = state.identity.signed_in_cookies(member.id, member.session_version);
    let said = Notice::SignedIn { came_along: upgrade.merge.moved_avatars };
    let [a, b] = cookies;
    done("/", [a, b, notice::cookie(&said)])
}

/// A sealed ceremony whose contents no longer read: sealed by us, so a fault.
fn unreadable(error: identity::account::InvalidInput) -> Refusal {
    Refusal::from(PasskeyError::Rejected(format!("sealed ceremony does not read: {error}")))
}
