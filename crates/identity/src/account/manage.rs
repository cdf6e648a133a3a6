//! What a signed-in member does to the account: sign out, end every session, change the
//! password (or set a first one), delete the account. The last two ask for the password again, under the attempt
//! limits, so a session left open on a shared computer cannot lock its owner out.

use std::net::IpAddr;

use super::{AccountError, Accounts, Email, Member, Password, limits::Action};
use crate::{AccountRefusal, AccountStore, OwnerId, SessionId, StoreFailure, audit};

impl<S: AccountStore> Accounts<S> {
    /// The signed-in `member`'s account, or `NoSuchMember` when it was deleted meanwhile.
    pub async fn member(&self, member: OwnerId) -> Result<Member, AccountError<S::Error>> {
        self.store
            .find_member(member)
            .await
            .map_err(AccountError::Store)?
            .ok_or(AccountError::NoSuchMember)
    }

    /// Ends this session of `member` (a sign-out), so a copy of its cookie reaches
    /// nothing; the member's other sessions go on. A session without an id (issued
    /// before sessions had one) has nothing to record: it ends when it expires.
    pub async fn sign_out(
        &self,
        member: OwnerId,
        session: Option<SessionId>,
    ) -> Result<(), AccountError<S::Error>> {
        let ended = match session {
            Some(session) => self.store.end_session(member, session).await.map_err(gone_or_store),
            None => Ok(()),
        };
        recorded("sign_out", member, None, ended)
    }

    /// Ends every session of `member` ("sign out everywhere"): sessions issued before are
    /// refused at their next write or page. Returns the new session version.
    pub async fn sign_out_everywhere(
        &self,
        member: OwnerId,
    ) -> Result<i32, AccountError<S::Error>> {
        let bumped = self.store.bump_session_version(member).await.map_err(gone_or_store);
        recorded("sign_out_everywhere", member, None, bumped)
    }

    /// Replaces the password after checking the current one, and ends every session the
    /// member holds. Returns the member as it now is, so the caller can issue this
    /// browser a session at the new version (it stays signed in; the others do not).
    pub async fn change_password(
        &self,
        member: OwnerId,
        current: &str,
        new: &str,
        client: Option<IpAddr>,
    ) -> Result<Member, AccountError<S::Error>> {
        let changed = self.try_change_password(member, current, new, client).await;
        recorded("password_change", member, client, changed)
    }

    async fn try_change_password(
        &self,
        member: OwnerId,
        current: &str,
        new: &str,
        client: Option<IpAddr>,
    ) -> Result<Member, AccountError<S::Error>> {
        let new = Password::parse_new(new).map_err(AccountError::Invalid)?;
        let mut member = self.confirm_password(member, current, client, false).await?;
        let hash = self.off_the_executor(client, move |h| h.hash(&new)).await?;
        member.session_version =
            self.store.set_password(member.id, hash.clone()).await.map_err(gone_or_store)?;
        member.password_hash = Some(hash);
        Ok(member)
    }

    /// Gives a member who signs in without a password (providers, passkeys) one, and
    /// ends every other session, as a change does; returns the member as it now is. The
    /// caller asks for a recent sign-in first: this adds a way to sign in. A member who
    /// has a password changes it instead, with the current one
    /// ([`AccountError::WrongCredentials`] here).
    pub async fn set_first_password(
        &self,
        member: OwnerId,
        new: &str,
        client: Option<IpAddr>,
    ) -> Result<Member, AccountError<S::Error>> {
        let set = self.try_set_first_password(member, new, client).await;
        recorded("password_set", member, client, set)
    }

    async fn try_set_first_password(
        &self,
        member: OwnerId,
        new: &str,
        client: Option<IpAddr>,
    ) -> Result<Member, AccountError<S::Error>> {
        let new = Password::parse_new(new).map_err(AccountError::Invalid)?;
        let found = self.store.find_member(member).await.map_err(AccountError::Store)?;
        let mut member = found.ok_or(AccountError::NoSuchMember)?;
        if member.password_hash.is_some() {
            return Err(AccountError::WrongCredentials);
        }
        let hash = self.off_the_executor(client, move |h| h.hash(&new)).await?;
        member.session_version =
            self.store.set_password(member.id, hash.clone()).await.map_err(gone_or_store)?;
        member.password_hash = Some(hash);
        Ok(member)
    }

    /// Deletes the account and everything it owns or links to, after checking the
    /// password — or, for a member who signs in with providers only, the email typed
    /// again (a deliberate act, not a secret: whoever holds the session can already
    /// delete every avatar). The caller then starts a fresh guest.
    pub async fn delete_account(
        &self,
        member: OwnerId,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<(), AccountError<S::Error>> {
        let deleted = match self.confirm_password(member, password, client, true).await {
            Ok(member) => self.store.delete_member(member.id).await.map_err(gone_or_store),
            Err(error) => Err(error),
        };
        recorded("account_deletion", member, client, deleted)
    }

    /// The member, when `password` is theirs ([`AccountError::WrongCredentials`] when it
    /// is not, after the same work as a sign-in). A member without a password confirms
    /// with their email when `or_email`, and cannot otherwise.
    pub(crate) async fn confirm_password(
        &self,
        member: OwnerId,
        password: &str,
        client: Option<IpAddr>,
        or_email: bool,
    ) -> Result<Member, AccountError<S::Error>> {
        let member = self
            .store
            .find_member(member)
            .await
            .map_err(AccountError::Store)?
            .ok_or(AccountError::NoSuchMember)?;
        let admitted = self.admit(Action::ConfirmPassword, client, Some(&member.email)).await?;
        let confirmed = match (member.password_hash.clone(), Password::given(password)) {
            (None, _) => {
                or_email && Email::parse(password).is_ok_and(|typed| typed == member.email)
            }
            (Some(_), None) => false,
            (stored @ Some(_), Some(password)) => {
                self.off_the_executor(client, move |h| h.verify(&password, stored.as_ref())).await?
            }
        };
        if !confirmed {
            return Err(AccountError::WrongCredentials);
        }
        self.forgive(admitted).await;
        Ok(member)
    }
}

/// `result`, after its audit line.
fn recorded<T, E>(
    event: &'static str,
    member: OwnerId,
    client: Option<IpAddr>,
    result: Result<T, AccountError<E>>,
) -> Result<T, AccountError<E>> {
    audit::record(event, audit::outcome(&result), Some(member), client);
    result
}

/// A member deleted between reading and writing is [`AccountError::NoSuchMember`].
fn gone_or_store<E: StoreFailure>(error: E) -> AccountError<E> {
    match error.refusal() {
        Some(AccountRefusal::NotFound) => AccountError::NoSuchMember,
        _ => AccountError::Store(error),
    }
}
