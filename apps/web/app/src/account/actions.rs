//! The account feature's server side: what each account action does (the server
//! functions in `api` call these), who a page is for ([`PageViewer`]), and the cookies of
//! an identity change.

use identity::{
    Identity, LinkStore, PasskeyStore, Viewer,
    account::{AccountError, DisplayName, Member, Upgrade},
    passkeys::CredentialId,
};
use persistence::Store;

use super::{
    notice::{Notice, done},
    views::{AccountView, PasskeyView, ViewerView},
};
use crate::{
    error::{ApiError, Conflict, answer},
    server::{
        Services, account_error, account_invalid, back_with, changed_identity, client_ip, member,
        services, store_error,
    },
};

/// Who a page is for, read once per page: it names the header, fills the account page,
/// and tells whether a member's session is still current.
#[derive(Debug)]
pub enum PageViewer {
    Guest,
    /// A member with a current session; `None` when the row could not be read (logged).
    Member(Option<Member>),
    /// The session was revoked or signed out, or its account is gone.
    Ended,
}

impl PageViewer {
    /// A guest costs no query; a member, one (which also finds a signed-out session).
    pub async fn load(store: &Store, viewer: Viewer) -> Self {
        let Viewer::Member { user_id, version, session, .. } = viewer else {
            return PageViewer::Guest;
        };
        match store.find_member_in_session(user_id, session).await {
            Ok(Some(member)) if member.session_version == version => {
                PageViewer::Member(Some(member))
            }
            Ok(_) => PageViewer::Ended,
            Err(error) => {
                tracing::error!(error = &error as &dyn std::error::Error, "loading the member");
                PageViewer::Member(None)
            }
        }
    }

    /// What the header (and `/api/viewer`) says. An ended session reads as what the next
    /// page makes it: a guest.
    pub fn view(&self) -> ViewerView {
        match self {
            PageViewer::Guest | PageViewer::Ended => ViewerView::Guest,
            PageViewer::Member(member) => ViewerView::Member {
                name: member
                    .as_ref()
                    .map_or("your account", |member| member.display_name.as_str())
                    .to_owned(),
            },
        }
    }

    /// What the account page shows, for a member whose row was read (three more queries:
    /// the member's links, passkeys and avatars, counted; a failure there is logged and
    /// shows none, or no count).
    /// `recent`: the member signed in recently enough to add a way to sign in.
    pub async fn account(&self, store: &Store, recent: bool) -> Option<AccountView> {
        let PageViewer::Member(Some(member)) = self else { return None };
        let (linked, passkeys, avatars) = futures::join!(
            store.linked_accounts(member.id),
            store.passkeys(member.id),
            store.count_avatars(member.id)
        );
        let logged = |error: persistence::StoreError| {
            tracing::error!(error = &error as &dyn std::error::Error, "loading sign-in methods");
        };
        let date = |at: chrono::DateTime<chrono::Utc>| at.format("%-d %b %Y").to_string();
        Some(AccountView {
            email: member.email.as_str().to_owned(),
            email_confirmed: member.email_verified,
            display_name: member.display_name.as_str().to_owned(),
            has_password: member.password_hash.is_some(),
            recent,
            linked: linked
                .map_err(logged)
                .unwrap_or_default()
                .into_iter()
                .map(|link| link.provider)
                .collect(),
            passkeys: passkeys
                .map_err(logged)
                .unwrap_or_default()
                .into_iter()
                .map(|key| PasskeyView {
                    id: key.credential_id.to_string(),
                    name: key.name.as_str().to_owned(),
                    added: date(key.created_at),
                    last_used: key.last_used_at.map(date),
                })
                .collect(),
            avatars: avatars.map_err(logged).ok().and_then(|count| usize::try_from(count).ok()),
        })
    }
}

/// Signs up; a refusal goes back to the page with the form (`form`: its action) and what
/// was typed. The other actions below take their form's action the same way.
pub async fn sign_up(
    form: &str,
    email: &str,
    password: &str,
    display_name: &str,
) -> Result<(), ApiError> {
    let kept = [("email", email), ("display_name", display_name)];
    let refused = |error| back_with(error, "/signup", form, &kept);
    let (viewer, Services { accounts, identity, mail, .. }) = services()?;
    let Viewer::Guest { sid } = viewer else {
        return Err(refused(answer(ApiError::Conflict(Conflict::SignedIn))));
    };
    let upgrade = match accounts.sign_up(sid, email, password, display_name, client_ip()).await {
        Ok(upgrade) => upgrade,
        // The page says the address has an account; its owner hears of it by mail.
        Err(taken @ AccountError::EmailTaken) => {
            mail.tell_owner_of_sign_up(email, client_ip()).await;
            return Err(refused(account_error(taken)));
        }
        Err(error) => return Err(refused(account_error(error))),
    };
    super::confirm::actions::mail_link(&mail, upgrade.member.id).await;
    signed_in(&identity, &upgrade);
    Ok(())
}

/// Signs in; a member signing in (to this account or another) ends the session it had,
/// so a copy of that cookie reaches nothing afterwards.
pub async fn sign_in(form: &str, email: &str, password: &str) -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let upgrade = accounts
        .sign_in(guest_of(viewer), email, password, client_ip())
        .await
        .map_err(|error| back_with(account_error(error), "/signin", form, &[("email", email)]))?;
    end_previous_session(&accounts, viewer).await;
    signed_in(&identity, &upgrade);
    Ok(())
}

/// The guest whose avatars a sign-in here brings along: the browser's guest; for a
/// member, only a guest an earlier sign-in left waiting (`keep`), whose avatars go with
/// whoever signs in next, as they would after a sign-out.
pub(super) fn guest_of(viewer: Viewer) -> Option<identity::OwnerId> {
    match viewer {
        Viewer::Guest { sid } => Some(sid),
        Viewer::Member { .. } => {
            crate::server::page_data::<identity::WaitingGuest>().map(|waiting| waiting.sid)
        }
    }
}

/// A member signing in (to this account or another) ends the session it had, so a copy
/// of that cookie reaches nothing afterwards. Best effort: a failure is logged.
pub(super) async fn end_previous_session(
    accounts: &identity::account::Accounts<Store>,
    viewer: Viewer,
) {
    if let Viewer::Member { user_id, session: Some(session), .. } = viewer
        && let Err(AccountError::Store(error)) = accounts.sign_out(user_id, Some(session)).await
    {
        tracing::error!(error = &error as &dyn std::error::Error, "ending the previous session");
    }
}

/// Keeps this browser signed in, at the new session version; every other session ends.
pub async fn change_password(current: &str, new: &str) -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let user_id = member(viewer)?;
    let member = accounts
        .change_password(user_id, current, new, client_ip())
        .await
        .map_err(account_error)?;
    stay_signed_in(&identity, viewer, &member);
    done("/account", &Notice::PasswordChanged);
    Ok(())
}

/// A first password, after a recent sign-in (the page offers the form only then).
pub async fn set_password(new: &str) -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let user_id = member(viewer)?;
    recently_signed_in(viewer, &identity)?;
    let member =
        accounts.set_first_password(user_id, new, client_ip()).await.map_err(account_error)?;
    stay_signed_in(&identity, viewer, &member);
    done("/account", &Notice::PasswordSet);
    Ok(())
}

/// Deletes the account with everything in it; this browser continues as a new guest. A
/// password proves the member; without one (the email typed again proves nothing a
/// session thief lacks) only after a recent sign-in.
pub async fn delete_account(password: &str) -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let user_id = member(viewer)?;
    let has_password = accounts.member(user_id).await.map_err(account_error)?.password_hash;
    if has_password.is_none() {
        recently_signed_in(viewer, &identity)?;
    }
    accounts.delete_account(user_id, password, client_ip()).await.map_err(account_error)?;
    changed_identity(&identity.fresh_guest().1);
    done("/", &Notice::AccountDeleted);
    Ok(())
}

pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let user_id = member(viewer)?;
    accounts.sign_out_everywhere(user_id).await.map_err(account_error)?;
    changed_identity(&identity.fresh_guest().1);
    done("/", &Notice::SignedOutEverywhere);
    Ok(())
}

pub async fn unlink_provider(form: &str, provider: &str) -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let user_id = member(viewer)?;
    recently_signed_in(viewer, &identity)
        .map_err(|error| back_with(error, "/account", form, &[]))?;
    accounts
        .unlink_provider(user_id, provider)
        .await
        .map_err(|error| back_with(account_error(error), "/account", form, &[]))?;
    done("/account", &Notice::Unlinked(provider.to_owned()));
    Ok(())
}

pub async fn remove_passkey(form: &str, credential_id: &str) -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let user_id = member(viewer)?;
    let refused = |error| back_with(error, "/account", form, &[]);
    recently_signed_in(viewer, &identity).map_err(refused)?;
    let id =
        CredentialId::parse(credential_id).ok_or_else(|| refused(answer(ApiError::BadRequest)))?;
    accounts.remove_passkey(user_id, &id).await.map_err(|error| refused(account_error(error)))?;
    done("/account", &Notice::PasskeyRemoved);
    Ok(())
}

pub async fn set_display_name(display_name: &str) -> Result<(), ApiError> {
    let (viewer, Services { store, .. }) = services()?;
    let user_id = member(viewer)?;
    let name = DisplayName::parse(display_name).map_err(account_invalid)?;
    store.set_display_name(user_id, &name).await.map_err(store_error)?;
    done("/account", &Notice::NameSaved);
    Ok(())
}

/// Ends this session, so a copy of its cookie reaches nothing, and starts a brand-new
/// guest, told that the avatars are safe in the account (the new guest's list is empty);
/// a guest whose avatars still wait for a choice (`keep`) gets this browser back instead.
/// The browser is signed out even when recording the end fails (logged): at a shared
/// computer, staying signed in would be the worse failure.
pub async fn sign_out() -> Result<(), ApiError> {
    let (viewer, Services { accounts, identity, .. }) = services()?;
    let waiting = crate::server::page_data::<identity::WaitingGuest>();
    changed_identity(&identity.signed_out(waiting).1);
    let Viewer::Member { user_id, session, .. } = viewer else {
        leptos_axum::redirect("/");
        return Ok(());
    };
    if let Err(AccountError::Store(error)) = accounts.sign_out(user_id, session).await {
        tracing::error!(error = &error as &dyn std::error::Error, "recording a sign-out");
    }
    done("/", &Notice::SignedOut);
    Ok(())
}

/// Refuses ([`ApiError::SignInAgain`]) unless the member signed in within
/// `identity::RECENT_SIGN_IN`: what adds or removes a way to sign in, or deletes an
/// account without a password, asks it, so that a stolen session cannot lock the owner
/// out. ("Sign out everywhere" does not: it is how an owner ends a stolen session, and it
/// ends the one that asks too.)
pub(super) fn recently_signed_in(
    viewer: Viewer,
    identity: &Identity<Store>,
) -> Result<(), ApiError> {
    if viewer.signed_in_recently(identity.now()) {
        Ok(())
    } else {
        Err(answer(ApiError::SignInAgain))
    }
}

/// After a sign-up or sign-in: the member's session on the response, and back to the
/// roster saying how many avatars came along — or, when the account had no room for
/// them all, on to choosing what to keep.
pub(super) fn signed_in(identity: &Identity<Store>, upgrade: &Upgrade) {
    changed_identity(&identity.signed_in_cookies(upgrade));
    let next = if upgrade.waiting_guest.is_some() { "/keep" } else { "/" };
    done(next, &Notice::after_sign_in(&upgrade.merge));
}

/// After a change that ended every session of `member`: this browser's goes on, at the
/// new version, when it is that member's.
fn stay_signed_in(identity: &Identity<Store>, viewer: Viewer, member: &Member) {
    if let Some(cookie) = identity.renewed_session_cookie(viewer, member) {
        changed_identity(&[cookie]);
    }
}
