//! "Download your data": everything Guestroom keeps about the person asking, as one JSON
//! file — a member's account, ways to sign in and avatars; a guest's avatars. Offered on
//! the account page (a guest's too) and before deleting an account.

use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    client::transport::{ApiClient, Json},
    error::ApiError,
};

/// The file: what kind of visitor, when it was made, the account (members only) and the
/// avatars in their order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataExport {
    /// `guest` or `member`.
    pub kind: String,
    /// RFC 3339.
    pub exported_at: String,
    pub account: Option<AccountData>,
    pub avatars: Vec<AvatarData>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountData {
    pub email: String,
    pub display_name: String,
    pub created_at: String,
    pub has_password: bool,
    /// The providers linked, by id, with when.
    pub linked: Vec<LinkData>,
    pub passkeys: Vec<PasskeyData>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkData {
    pub provider: String,
    pub linked_at: String,
}

/// A passkey as the person knows it: its name and dates (never the key itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasskeyData {
    pub name: String,
    pub added_at: String,
    pub last_used_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AvatarData {
    pub emoji: String,
    pub name: String,
    pub is_active: bool,
    pub created_at: String,
}

/// The path of the download, for links.
pub const EXPORT_PATH: &str = "/api/account/export";

/// `GET /api/account/export`: the viewer's data, as an attachment
/// (`guestroom-data.json`). Personal: never stored by a shared cache (the server's
/// default `private, no-store`).
#[server(endpoint = "account/export", input = GetUrl, client = ApiClient, output = Json)]
pub async fn export_data() -> Result<DataExport, ApiError> {
    let (viewer, services) = crate::server::services()?;
    let data = gather(&services.store, viewer, services.identity.now())
        .await
        .map_err(crate::server::store_error)?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CONTENT_DISPOSITION,
            http::HeaderValue::from_static("attachment; filename=\"guestroom-data.json\""),
        );
    }
    Ok(data)
}

#[cfg(feature = "ssr")]
async fn gather(
    store: &persistence::Store,
    viewer: identity::Viewer,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DataExport, persistence::StoreError> {
    use identity::{LinkStore, MemberStore, PasskeyStore};
    let time = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339();
    let owner = viewer.owner_id();
    let avatars = store
        .list_avatars(owner)
        .await?
        .into_iter()
        .map(|avatar| AvatarData {
            emoji: avatar.emoji.as_str().to_owned(),
            name: avatar.name.as_str().to_owned(),
            is_active: avatar.is_active,
            created_at: time(avatar.created_at),
        })
        .collect();
    let member = match viewer {
        identity::Viewer::Member { user_id, .. } => store.find_member(user_id).await?,
        identity::Viewer::Guest { .. } => None,
    };
    let account = match member {
        Some(member) => {
            let (linked, passkeys) =
                futures::join!(store.linked_accounts(member.id), store.passkeys(member.id));
            Some(AccountData {
                email: member.email.as_str().to_owned(),
                display_name: member.display_name.as_str().to_owned(),
                created_at: time(member.created_at),
                has_password: member.password_hash.is_some(),
                linked: linked?
                    .into_iter()
                    .map(|link| LinkData {
                        provider: link.provider,
                        linked_at: time(link.linked_at),
                    })
                    .collect(),
                passkeys: passkeys?
                    .into_iter()
                    .map(|key| PasskeyData {
                        name: key.name.as_str().to_owned(),
                        added_at: time(key.created_at),
                        last_used_at: key.last_used_at.map(time),
                    })
                    .collect(),
            })
        }
        None => None,
    };
    let kind = if account.is_some() { "member" } else { "guest" };
    Ok(DataExport { kind: kind.to_owned(), exported_at: time(now), account, avatars })
}
