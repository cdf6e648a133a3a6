//! Attempt limits on what guesses a password or makes an account: a fixed-window count per
//! client network and per (email, network) pair, kept by the store so it holds across every
//! instance that shares the database (an in-process limiter would give each instance its
//! own budget).
//!
//! **No lockout by email.** A budget per email alone lets a stranger spend it and lock the
//! owner out of their own account (ten wrong passwords, and the right one is refused for
//! the rest of the window). Counted per (email, network) instead, a stranger spends only
//! their own network's budget at that email; and a sign-in that succeeds gives back what
//! it took, so an owner who signs in often never runs out.

use std::{net::IpAddr, time::Duration};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{AccountError, Accounts, Email};
use crate::{AttemptStore, email::MailLimits, network};

/// What is being attempted: each has its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignUp,
    /// A signed-in member proving the password again: a password change, deleting the
    /// account.
    ConfirmPassword,
    /// Asking for a mail (a reset link): counted per address and per network.
    Mail,
    /// A member's own confirmation link, mailed at sign-up or on request. Counted apart
    /// from [`Action::Mail`], so that signing up leaves an address the same budget of
    /// reset requests as an address without an account.
    ConfirmationMail,
    /// Typing a sign-in link's code, counted per asking browser: a few tries per window
    /// make its 40 bits unguessable.
    SignInCode,
    /// Making a code to continue as a guest on another device, counted per network.
    DeviceCode,
    /// Typing such a code, counted per network apart from making them.
    DeviceCodeTyped,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignUp => "sign_up",
            Action::ConfirmPassword => "confirm_password",
            Action::Mail => "mail",
            Action::ConfirmationMail => "confirmation_mail",
            Action::SignInCode => "sign_in_code",
            Action::DeviceCode => "device_code",
            Action::DeviceCodeTyped => "device_code_typed",
        }
    }
}

/// How many attempts of each action a client network, and one email from one network,
/// get per window. A network is an IPv4 address or an IPv6 /64 ([`crate::network`]).
///
/// Per network, so one client cannot try many accounts; per email and network, so one
/// client cannot try many passwords at one account. A guesser spread over many networks
/// gets `per_email_per_ip` guesses from each: that is the price of no lockout, and the
/// reason the budget is small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_ip: u32,
    pub per_email_per_ip: u32,
    pub window: Duration,
}

impl Default for Limits {
    /// 100 per network (a school or an office behind one address) and 10 per email from
    /// one network, per 15 minutes.
    fn default() -> Self {
        Self { per_ip: 100, per_email_per_ip: 10, window: Duration::from_secs(15 * 60) }
    }
}

/// Codes a browser may type per 15 minutes (`Accounts::admit_code`).
pub const CODE_TRIES: u32 = 5;

/// An attempt counted by the store: how many in the current window, this one included,
/// and the whole seconds until that window ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptCount {
    pub count: u32,
    pub retry_after: u64,
}

impl AttemptCount {
    /// The window `now` falls in: its start (Unix seconds) and the whole seconds left in
    /// it, at least 1. Every store draws the same windows with it.
    pub fn window(now: DateTime<Utc>, window: Duration) -> (i64, u64) {
        let length = i64::try_from(window.as_secs()).unwrap_or(i64::MAX).max(1);
        let start = now.timestamp().div_euclid(length) * length;
        let left = start + length - now.timestamp();
        (start, u64::try_from(left).unwrap_or(1).max(1))
    }
}

/// The budgets an admitted attempt took from, to give back when it succeeds.
#[derive(Debug)]
#[must_use = "a successful attempt gives its budget back with `Accounts::forgive`"]
pub(crate) struct Admitted(Vec<String>);

impl<S: AttemptStore> Accounts<S> {
    /// Counts this attempt against the client network's budget and the (email, network)
    /// pair's, and refuses it when either is spent. Called before any password is
    /// hashed, so a refused attempt costs one small write. Callers that know no address
    /// share one budget, as if one network.
    pub(crate) async fn admit(
        &self,
        action: Action,
        client: Option<IpAddr>,
        email: Option<&Email>,
    ) -> Result<Admitted, AccountError<S::Error>> {
        let limits = self.limits;
        let network = network_name(client);
        let per_email = email.map(|email| {
            let pair = format!("{}/{network}", email.as_str());
            (key(action, "email_ip", &pair), limits.per_email_per_ip)
        });
        let budgets = [Some((key(action, "ip", &network), limits.per_ip)), per_email];
        self.count_against(budgets.into_iter().flatten(), limits.window).await.map(Admitted)
    }

    /// Counts a mail (of `action`: [`Action::Mail`] or [`Action::ConfirmationMail`])
    /// asked for `email` against the address's budget of `limits` and, when `client` is
    /// given, its network's, and refuses it when either is spent. `client` is `None` for a
    /// mail that follows an action limited per network already (a sign-up's confirmation
    /// link: sign-ups are). Counted whether or not the address has an account, so the
    /// refusal says nothing about it either.
    pub(crate) async fn admit_mail(
        &self,
        action: Action,
        email: &Email,
        client: Option<Option<IpAddr>>,
        limits: MailLimits,
    ) -> Result<(), AccountError<S::Error>> {
        let per_network =
            client.map(|client| (key(action, "ip", &network_name(client)), limits.per_ip));
        let budgets = [Some((key(action, "email", email.as_str()), limits.per_email)), per_network];
        self.count_against(budgets.into_iter().flatten(), limits.window).await.map(drop)
    }

    /// Counts a code typed in the browser whose asking secret has the digest `asker`:
    /// [`CODE_TRIES`] per 15 minutes.
    pub(crate) async fn admit_code(
        &self,
        asker: &crate::email::TokenDigest,
    ) -> Result<(), AccountError<S::Error>> {
        let budget = (key(Action::SignInCode, "asker", &asker.to_hex()), CODE_TRIES);
        self.count_against(std::iter::once(budget), Duration::from_secs(15 * 60)).await.map(drop)
    }

    /// Counts making or typing (`action`) a device code against the client network's
    /// budget: [`crate::devices::DEVICE_CODE_TRIES`] per 10 minutes.
    pub(crate) async fn admit_device(
        &self,
        action: Action,
        client: Option<IpAddr>,
    ) -> Result<(), AccountError<S::Error>> {
        let budget = (key(action, "ip", &network_name(client)), crate::devices::DEVICE_CODE_TRIES);
        self.count_against(std::iter::once(budget), Duration::from_secs(10 * 60)).await.map(drop)
    }

    /// Counts one attempt under each `(key, budget)` in turn, and refuses at the first
    /// budget it overruns; returns the keys counted, to give back on success.
    async fn count_against(
        &self,
        budgets: impl Iterator<Item = (String, u32)>,
        window: Duration,
    ) -> Result<Vec<String>, AccountError<S::Error>> {
        let mut taken = Vec::new();
        for (key, budget) in budgets {
            let counted =
                self.store.count_attempt(&key, window).await.map_err(AccountError::Store)?;
            taken.push(key);
            if counted.count > budget {
                return Err(AccountError::TooManyAttempts { retry_after: counted.retry_after });
            }
        }
        Ok(taken)
    }

    /// Gives back what a successful attempt took: the right password costs no budget.
    /// Best effort: a store that fails here leaves the attempt counted, nothing worse.
    pub(crate) async fn forgive(&self, admitted: Admitted) {
        for key in admitted.0 {
            if let Err(error) = self.store.take_back_attempt(&key, self.limits.window).await {
                tracing::warn!(
                    error = &error as &dyn std::error::Error,
                    "an attempt stays counted"
                );
            }
        }
    }
}

/// The client's network as budget keys name it; callers that know no address share one.
fn network_name(client: Option<IpAddr>) -> String {
    client.map_or_else(|| "unknown".to_owned(), |ip| network(ip).to_string())
}

/// The stored key: a digest, so the table of attempts holds no email addresses.
fn key(action: Action, kind: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{}/{kind}/{value}", action.as_str()));
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_digests_apart_for_each_action_and_kind() {
        let keys = [
            key(Action::SignIn, "email_ip", "ada@example.com/198.51.100.7"),
            key(Action::SignUp, "email_ip", "ada@example.com/198.51.100.7"),
            key(Action::SignIn, "ip", "ada@example.com/198.51.100.7"),
        ];
        assert!(keys.iter().all(|key| key.len() == 64 && !key.contains('@')));
        assert!(keys[0] != keys[1] && keys[0] != keys[2] && keys[1] != keys[2]);
    }

    #[test]
    fn windows_are_aligned_and_end_at_least_a_second_ahead() {
        let at = |secs| DateTime::from_timestamp(secs, 0).expect("a time");
        let quarter = Duration::from_secs(900);
        assert_eq!(AttemptCount::window(at(1_800), quarter), (1_800, 900));
        assert_eq!(AttemptCount::window(at(2_699), quarter), (1_800, 1));
        assert_eq!(AttemptCount::window(at(2_700), quarter), (2_700, 900));
    }
}
