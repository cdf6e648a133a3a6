//! Signing in with another provider: the linking rules. The protocol (OpenID Connect) is
//! [`super::oidc`]'s; what a verified provider identity may do to accounts is decided
//! here, against the [`LinkStore`] port (and [`AccountStore`]'s three).
//!
//! The rules (DESIGN.md, "Upgrade"): an identity already linked signs in to its member;
//! an unknown identity whose verified email no member has creates a member; an unknown
//! identity whose email a member has *confirmed* links nothing — whoever holds that account
//! signs in the way they did before and links the provider from the account page; an
//! unknown identity whose email a member holds *unconfirmed* takes that account (issue 25:
//! an unconfirmed address never locks its owner out). Every path that signs in brings the
//! guest's roster along.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::{
    AccountStore, LinkStore, OwnerId,
    account::{
        AccountError, Accounts, DisplayName, Email, LinkProblem, Member, NewMember, Upgrade,
        default_display_name, record_upgrade, refused,
    },
    audit,
};

/// A person at a provider: (`issuer`, `subject`) names them for good (OpenID Connect
/// Core §5.7); `provider` is the id this deployment configured the provider under, which
/// a member has at most one link for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub provider: String,
    pub issuer: String,
    pub subject: String,
}

/// What a provider vouched for in a verified ID token.
#[derive(Clone, Debug)]
pub struct ProviderIdentity {
    pub link: Link,
    /// The email, only when the provider says it verified it.
    pub email: Option<Email>,
    /// The name the provider has for the person, when it makes a display name.
    pub name: Option<DisplayName>,
}

/// One of a member's links, as the account page lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedAccount {
    pub provider: String,
    pub linked_at: DateTime<Utc>,
}

impl<S: AccountStore + LinkStore> Accounts<S> {
    /// Signs in with a verified provider identity, creating the member when the rules
    /// allow, and brings `guest`'s roster along.
    pub async fn sign_in_with_provider(
        &self,
        guest: OwnerId,
        identity: ProviderIdentity,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let upgrade = self.try_sign_in_with_provider(guest, identity, client).await;
        record_upgrade("provider_sign_in", &upgrade, client);
        upgrade
    }

    async fn try_sign_in_with_provider(
        &self,
        guest: OwnerId,
        identity: ProviderIdentity,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let link = &identity.link;
        let linked = self.store.find_member_by_link(&link.issuer, &link.subject).await;
        if let Some(member) = linked.map_err(AccountError::Store)? {
            return self.bring_guest_along(guest, member).await;
        }
        let email = identity.email.ok_or(AccountError::Link(LinkProblem::NoVerifiedEmail))?;
        let holder = self.store.find_member_by_email(&email).await.map_err(AccountError::Store)?;
        if let Some(holder) = holder {
            return self.take_unconfirmed_account(guest, holder, identity.link, client).await;
        }
        let display_name = match identity.name {
            Some(name) => name,
            None => default_display_name(&email).map_err(AccountError::Invalid)?,
        };
        let new = NewMember {
            id: OwnerId::random(),
            email,
            display_name,
            password_hash: None,
            link: Some(identity.link),
            passkey: None,
        };
        self.create_from_guest(new, guest).await.map_err(refused)
    }

    /// The provider vouched for an address a member holds. Held confirmed, it is that
    /// member's: nothing is linked (they link the provider from their account page).
    /// Held unconfirmed, the person the provider vouched for owns it, so they take the
    /// account: whoever made it with their address loses every way in, in the same step
    /// ([`LinkStore::take_unconfirmed_account`]).
    async fn take_unconfirmed_account(
        &self,
        guest: OwnerId,
        holder: Member,
        link: Link,
        client: Option<IpAddr>,
    ) -> Result<Upgrade, AccountError<S::Error>> {
        let has_account = AccountError::Link(LinkProblem::EmailHasAccount);
        if holder.email_verified {
            return Err(has_account);
        }
        let taken = self.store.take_unconfirmed_account(holder.id, link).await.map_err(refused);
        let member = taken?.ok_or(has_account)?;
        audit::record("unconfirmed_account_taken", "success", Some(member.id), client);
        self.bring_guest_along(guest, member).await
    }

    /// Links a verified provider identity to the signed-in `member`.
    pub async fn link_provider(
        &self,
        member: OwnerId,
        identity: ProviderIdentity,
    ) -> Result<(), AccountError<S::Error>> {
        let linked = self.store.link_account(member, identity.link).await.map_err(refused);
        audit::record("provider_link", audit::outcome(&linked), Some(member), None);
        linked
    }

    /// Removes the member's link at `provider`, unless it is their last way to sign in.
    /// Removing a link that is not there is done already.
    pub async fn unlink_provider(
        &self,
        member: OwnerId,
        provider: &str,
    ) -> Result<(), AccountError<S::Error>> {
        let unlinked = self.store.unlink_account(member, provider).await.map_err(refused);
        audit::record("provider_unlink", audit::outcome(&unlinked), Some(member), None);
        unlinked
    }

    /// The member's links, oldest first.
    pub async fn linked_accounts(
        &self,
        member: OwnerId,
    ) -> Result<Vec<LinkedAccount>, AccountError<S::Error>> {
        self.store.linked_accounts(member).await.map_err(AccountError::Store)
    }
}
