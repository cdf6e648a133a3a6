//! The account rules: sign-up and sign-in, each carrying the guest's roster into the
//! account (DESIGN.md, "Upgrade"). Written against the [`AccountStore`] port, so every
//! store gets the same rules.

use std::net::IpAddr;

use crate::{AccountRefusal, AccountStore, OwnerId, StoreFailure, audit};

use super::{
    DisplayName, Email, InvalidInput, Member, MergeReport, NewMember, Password, PasswordHasher,
    hashing::{Busy, Hashing},
    limits::{Action, Limits},
};

/// The account rules over a store: sign-up and sign-in here, managing an account in
/// `manage`, attempt limits in `limits`.
#[derive(Clone, Debug)]
pub struct Accounts<S> {
    pub(crate) store: S,
    pub(crate) limits: Limits,
    /// Password hashing, a bounded number at a time and a bounded share per network.
    hashing: Hashing,
}

/// What a sign-up or sign-in did: the member to issue a session for, and what came along
/// from the guest (`moved_avatars`, for "3 avatars came along"). Made only by these rules,
/// where the guest went along (hence `non_exhaustive`): it is what
/// `Identity::signed_in_cookies` asks for.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Upgrade {
    pub member: Member,
    pub merge: MergeReport,
    /// The guest whose avatars did not come along because the member's roster has no
    /// room for them all (`merge.held_back`): the browser keeps its cookie, and the
    /// member chooses what to keep.
    pub waiting_guest: Option<OwnerId>,
}

impl Upgrade {
    /// A sign-in with no guest to bring: the browser was signed in already (a member
    /// switching accounts, or the same one again), so nothing was merged.
    pub(crate) fn without_guest(member: Member) -> Self {
        Upgrade { member, merge: MergeReport::nothing(), waiting_guest: None }
    }

    /// `guest` went along as `merge` says.
    fn with_guest(member: Member, guest: OwnerId, merge: MergeReport) -> Self {
        let waiting_guest = (merge.held_back > 0).then_some(guest);
        Upgrade { member, merge, waiting_guest }
    }
}

/// Why a sign-up or sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AccountError<E> {
    /// Input that breaks a rule, to be shown at its field.
    #[error("{0}")]
    Invalid(InvalidInput),
    /// Sign-in: the email or the password is wrong. Deliberately not which: the two
    /// cases cost the same work and read the same.
    #[error("wrong email or password")]
    WrongCredentials,
    /// Sign-up: an account with this email exists.
    #[error("email already taken")]
    EmailTaken,
    /// Too many attempts from this client or at this email; the next window starts in
    /// `retry_after` seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after: u64 },
    /// No hashing slot for this attempt now (a flood of sign-ins); nothing was changed.
    /// The answer is 503: try again in a second.
    #[error("busy hashing")]
    Busy,
    /// The signed-in member's account no longer exists (deleted in another tab).
    #[error("no such member")]
    NoSuchMember,
    /// A sign-in with another provider, or a link to one, that the linking rules refuse.
    #[error("provider link refused: {0:?}")]
    Link(LinkProblem),
    /// A link from a mail that does not work (any more): unknown, used, expired, replaced
    /// by a newer one, or for something else. Which, it does not say. So is a code to
    /// continue on another device that does not work.
    #[error("the link does not work")]
    BadLink,
    /// A device code whose guest has no room for this browser's data too (the store's
    /// cap): nothing changed, and the code still works.
    #[error("no room for both")]
    NoRoom,
    /// The store failed; nothing was changed.
    #[error("store failure")]
    Store(#[source] E),
}

impl<S: AccountStore> Accounts<S> {
    pub fn new(store: S, hasher: PasswordHasher) -> Self {
        Self { store, limits: Limits::default(), hashing: Hashing::new(hasher) }
    }

    /// The same rules with other attempt limits.
    pub fn with_limits(self, limits: Limits) -> Self {
        Self { limits, ..self }
    }

    /// Creates an account for the guest `guest` and moves the guest's roster into it, in
    /// one step. An empty display name defaults to the email's local part. The member's
    /// id is new; the guest's is retired. `client` is the address asking, for the
    /// attempt limits.
    pub async fn sign_up(
        &self,
        guest: OwnerId,
        email: &str,
        password: &str,
        display_name: &str,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let upgrade = self.try_sign_up(guest, email, password, display_name, client).await;
        record_upgrade("sign_up", &upgrade, client);
        upgrade
    }

    async fn try_sign_up(
        &self,
        guest: OwnerId,
        email: &str,
        password: &str,
        display_name: &str,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let email = Email::parse(email).map_err(AccountError::Invalid)?;
        let password = Password::parse_new(password).map_err(AccountError::Invalid)?;
        let display_name = match display_name.trim() {
            "" => default_display_name(&email),
            given => DisplayName::parse(given),
        }
        .map_err(AccountError::Invalid)?;
        // A sign-up keeps its count, success or not: accounts made per network are bounded.
        let _counted = self.admit(Action::SignUp, client, Some(&email)).await?;
        let password_hash = Some(self.off_the_executor(client, move |h| h.hash(&password)).await?);
        let new = NewMember {
            id: OwnerId::random(),
            email,
            display_name,
            password_hash,
            link: None,
            passkey: None,
        };
        self.create_from_guest(new, guest).await.map_err(|error| match error.refusal() {
            Some(AccountRefusal::EmailTaken) => AccountError::EmailTaken,
            _ => AccountError::Store(error),
        })
    }

    /// Creates the member and moves `guest`'s roster into it. A retired guest token (its
    /// roster already moved elsewhere) brings nothing along: the account is made without
    /// it.
    pub(crate) async fn create_from_guest(
        &self,
        new: NewMember,
        guest: OwnerId,
    ) -> Result<Upgrade, S::Error> {
        match self.store.create_member_from_guest(new.clone(), guest).await {
            Ok((member, merge)) => Ok(Upgrade::with_guest(member, guest, merge)),
            Err(error)
                if matches!(
                    error.refusal(),
                    Some(AccountRefusal::GuestMerged | AccountRefusal::NotFound)
                ) =>
            {
                let member = self.store.create_member(new).await?;
                Ok(Upgrade::without_guest(member))
            }
            Err(error) => Err(error),
        }
    }

    /// Signs in with email and password and appends the guest's roster (when a guest is
    /// signing in; `None` for a member switching accounts) to the member's own. A
    /// replayed sign-in merges nothing twice. An unknown email and a wrong
    /// password are the same error after the same work (a dummy hash is verified when
    /// there is no account), so neither timing nor answer tells which accounts exist.
    pub async fn sign_in(
        &self,
        guest: Option<OwnerId>,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let upgrade = self.try_sign_in(guest, email, password, client).await;
        record_upgrade("sign_in", &upgrade, client);
        upgrade
    }

    async fn try_sign_in(
        &self,
        guest: Option<OwnerId>,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let email = Email::parse(email).map_err(AccountError::Invalid)?;
        let admitted = self.admit(Action::SignIn, client, Some(&email)).await?;
        let Some(password) = Password::given(password) else {
            return Err(AccountError::WrongCredentials);
        };
        let member = self.store.find_member_by_email(&email).await.map_err(AccountError::Store)?;
        let stored = member.as_ref().and_then(|member| member.password_hash.clone());
        let matches =
            self.off_the_executor(client, move |h| h.verify(&password, stored.as_ref())).await?;
        let (true, Some(member)) = (matches, member) else {
            return Err(AccountError::WrongCredentials);
        };
        self.forgive(admitted).await;
        let Some(guest) = guest else {
            return Ok(Upgrade::without_guest(member));
        };
        self.bring_guest_along(guest, member).await.map_err(|error| match error {
            // The account was deleted in between.
            AccountError::NoSuchMember => AccountError::WrongCredentials,
            error => error,
        })
    }

    /// Appends `guest`'s roster to `member`'s; a guest merged before brings nothing, and
    /// a roster with no room for it all leaves it waiting with the guest.
    pub(crate) async fn bring_guest_along(
        &self,
        guest: OwnerId,
        member: Member,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let merge = match self.store.merge_guest_into_member(guest, member.id).await {
            Ok(report) => report,
            Err(error) => match error.refusal() {
                Some(AccountRefusal::GuestMerged) => MergeReport::nothing(),
                Some(AccountRefusal::NotFound) => return Err(AccountError::NoSuchMember),
                _ => return Err(AccountError::Store(error)),
            },
        };
        Ok(Upgrade::with_guest(member, guest, merge))
    }

    /// Runs password hashing (tens of milliseconds of CPU) on the blocking pool, when
    /// `client`'s network has a place in line and a slot frees in time (`hashing`).
    pub(crate) async fn off_the_executor<T: Send + 'static>(
        &self,
        client: Option<IpAddr>,
        work: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> Result<T, AccountError<S::Error>> {
        self.hashing.run(client, work).await.map_err(|Busy| AccountError::Busy)
    }
}

/// The audit line of a sign-up or sign-in, and one more when avatars came along.
pub(crate) fn record_upgrade<E>(
    event: &'static str,
    upgrade: &Result<Upgrade, AccountError<E>>,
    client: Option<IpAddr>,
) {
    let member = upgrade.as_ref().ok().map(|upgrade| upgrade.member.id);
    audit::record(event, audit::outcome(upgrade), member, client);
    if let Ok(Upgrade { member, merge, .. }) = upgrade
        && (merge.moved_avatars > 0 || merge.held_back > 0)
    {
        tracing::info!(
            target: audit::TARGET,
            event = "guest_merged",
            // Held back: the roster had no room, and the guest's avatars wait for a choice.
            outcome = if merge.held_back > 0 { "held_back" } else { "success" },
            member = %member.id,
            avatars = merge.moved_avatars,
            held_back = merge.held_back,
        );
    }
}

/// The email's local part ("ada" for ada@example.com), or "Member" should it not make a
/// display name.
pub fn default_display_name(email: &Email) -> Result<DisplayName, InvalidInput> {
    let local = email.as_str().split('@').next().unwrap_or_default();
    DisplayName::parse(local).or_else(|_| DisplayName::parse("Member"))
}

/// Why a way to sign in (a provider link, a passkey) could not be added, used or removed
/// (besides the shared [`AccountError`] cases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    /// The provider vouched for no verified email, and a new account needs one.
    NoVerifiedEmail,
    /// A member has this email: never linked automatically (the account could be
    /// someone else's at a provider that does not own the email's domain).
    EmailHasAccount,
    /// The provider identity is linked to another member, this member already has a
    /// link at this provider, or the passkey is registered already.
    Taken,
    /// Unlinking or removing would leave the member no way to sign in.
    LastSignInMethod,
    /// The member holds [`crate::passkeys::MAX_PASSKEYS`] passkeys already.
    TooManyPasskeys,
}

impl LinkProblem {
    /// The audit log's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkProblem::NoVerifiedEmail => "no_verified_email",
            LinkProblem::EmailHasAccount => "email_has_account",
            LinkProblem::Taken => "link_taken",
            LinkProblem::LastSignInMethod => "last_sign_in_method",
            LinkProblem::TooManyPasskeys => "too_many_passkeys",
        }
    }
}

/// A store refusal as the account error it means.
pub(crate) fn refused<E: StoreFailure>(error: E) -> AccountError<E> {
    match error.refusal() {
        Some(AccountRefusal::EmailTaken) => AccountError::Link(LinkProblem::EmailHasAccount),
        Some(AccountRefusal::LinkTaken) => AccountError::Link(LinkProblem::Taken),
        Some(AccountRefusal::LastSignInMethod) => AccountError::Link(LinkProblem::LastSignInMethod),
        Some(AccountRefusal::TooManyPasskeys) => AccountError::Link(LinkProblem::TooManyPasskeys),
        Some(AccountRefusal::NotFound) => AccountError::NoSuchMember,
        _ => AccountError::Store(error),
    }
}
