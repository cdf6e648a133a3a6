//! The account feature's server side.

use http::header::SET_COOKIE;
use identity::{
    Identity, Viewer,
    account::{AccountError, Accounts, DisplayName},
};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use persistence::{Store, StoreError};

use super::api::{AccountView, ViewerView};
use crate::{
    error::{ApiError, Conflict, answer},
    server::{account_error, store_error, viewer},
};

/// Who the header says is asking. A guest costs no query; a member, one — which also
/// tells whether the session is still current (`None`: revoked, or the account is gone).
pub async fn viewer_view(store: &Store, viewer: Viewer) -> Option<ViewerView> {
    let Viewer::Member { user_id, version, .. } = viewer else {
        return Some(ViewerView::Guest);
    };
    match store.find_member(user_id).await {
        Ok(Some(member)) if member.session_version == version => {
            Some(ViewerView::Member { name: member.display_name.as_str().to_owned() })
        }
        Ok(_) => None,
        Err(error) => {
            tracing::error!(error = &error as &dyn std::error::Error, "loading the member");
            Some(ViewerView::Member { name: "your account".to_owned() })
        }
    }
}

/// The request's viewer and the store.
pub fn viewer_and_store() -> Result<(Viewer, Store), ApiError> {
    let viewer = viewer().ok_or_else(|| wiring("no viewer"))?;
    let store = use_context::<Store>().ok_or_else(|| wiring("no store"))?;
    Ok((viewer, store))
}

fn wiring(missing: &str) -> ApiError {
    tracing::error!("{missing} in an account server function's context");
    answer(ApiError::Unavailable)
}

fn parts() -> Result<(Viewer, Accounts<Store>, Identity<Store>), ApiError> {
    let (viewer, _) = viewer_and_store()?;
    let accounts = use_context::<Accounts<Store>>().ok_or_else(|| wiring("no accounts"))?;
    let identity = use_context::<Identity<Store>>().ok_or_else(|| wiring("no identity"))?;
    Ok((viewer, accounts, identity))
}

pub async fn sign_up(email: &str, password: &str, display_name: &str) -> Result<(), ApiError> {
    let (viewer, accounts, identity) = parts()?;
    let Viewer::Guest { sid } = viewer else {
        return Err(answer(ApiError::Conflict(Conflict::SignedIn)));
    };
    let upgrade =
        accounts.sign_up(sid, email, password, display_name).await.map_err(account_error)?;
    changed_identity(
        &identity.signed_in_cookies(upgrade.member.id, upgrade.member.session_version),
    );
    welcome(upgrade.merge.moved_avatars);
    Ok(())
}

pub async fn sign_in(email: &str, password: &str) -> Result<(), ApiError> {
    let (viewer, accounts, identity) = parts()?;
    let guest = match viewer {
        Viewer::Guest { sid } => Some(sid),
        Viewer::Member { .. } => None,
    };
    let upgrade = accounts.sign_in(guest, email, password).await.map_err(account_error)?;
    changed_identity(
        &identity.signed_in_cookies(upgrade.member.id, upgrade.member.session_version),
    );
    welcome(upgrade.merge.moved_avatars);
    Ok(())
}

pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    let (viewer, accounts, identity) = parts()?;
    let Viewer::Member { user_id, .. } = viewer else {
        return Err(answer(ApiError::SignedOut));
    };
    accounts.sign_out_everywhere(user_id).await.map_err(account_error)?;
    changed_identity(&identity.fresh_guest().1);
    leptos_axum::redirect("/");
    Ok(())
}

pub async fn set_display_name(display_name: &str) -> Result<(), ApiError> {
    let (viewer, store) = viewer_and_store()?;
    let Viewer::Member { user_id, .. } = viewer else {
        return Err(answer(ApiError::SignedOut));
    };
    let name = DisplayName::parse(display_name)
        .map_err(|invalid| account_error(AccountError::<StoreError>::Invalid(invalid)))?;
    store.set_display_name(user_id, &name).await.map_err(store_error)?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// The account page's data: `None` for a guest (or a member that is gone).
pub async fn account(store: &Store, viewer: Viewer) -> Option<AccountView> {
    let Viewer::Member { user_id, .. } = viewer else { return None };
    match store.find_member(user_id).await {
        Ok(member) => member.map(|member| AccountView {
            email: member.email.as_str().to_owned(),
            display_name: member.display_name.as_str().to_owned(),
        }),
        Err(error) => {
            tracing::error!(error = &error as &dyn std::error::Error, "loading the account");
            None
        }
    }
}

pub fn sign_out() -> Result<(), ApiError> {
    let (_, _, identity) = parts()?;
    changed_identity(&identity.fresh_guest().1);
    leptos_axum::redirect("/");
    Ok(())
}

/// Puts the cookies of an identity change on the response (the identity middleware then
/// leaves the cookies alone).
fn changed_identity(cookies: &[http::HeaderValue]) {
    if let Some(response) = use_context::<ResponseOptions>() {
        for cookie in cookies {
            response.append_header(SET_COOKIE, cookie.clone());
        }
    }
}

/// Back to the roster, saying how many avatars came along (a number, never text).
fn welcome(came_along: u64) {
    leptos_axum::redirect(&format!("/?came_along={came_along}"));
}
