//! Attempt limits on what guesses a password or makes an account: a fixed-window count per
//! client IP and per email, kept by the store so it holds across every instance that
//! shares the database (an in-process limiter would give each instance its own budget).

use std::{net::IpAddr, time::Duration};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{AccountError, Accounts, Email};
use crate::AttemptStore;

/// What is being attempted: each has its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignUp,
    /// A signed-in member proving the password again: a password change, deleting the
    /// account.
    ConfirmPassword,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignUp => "sign_up",
            Action::ConfirmPassword => "confirm_password",
        }
    }
}

/// How many attempts of each action a client IP and an email get per window.
///
/// Per email, so a guesser spread over many addresses still gets a handful of guesses
/// per account; per IP, so one client cannot try many accounts. The cost is that a
/// stranger can use up an email's budget and lock its owner out for one window: short
/// windows keep that small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_ip: u32,
    pub per_email: u32,
    pub window: Duration,
}

impl Default for Limits {
    /// 100 per IP (a school or an office behind one address) and 10 per email, per 15
    /// minutes.
    fn default() -> Self {
        Self { per_ip: 100, per_email: 10, window: Duration::from_secs(15 * 60) }
    }
}

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

impl<S: AttemptStore> Accounts<S> {
    /// Counts this attempt against the client's and the email's budget, and refuses it
    /// when either is spent. Called before any password is hashed, so a refused attempt
    /// costs one small write.
    pub(crate) async fn admit(
        &self,
        action: Action,
        client: Option<IpAddr>,
        email: Option<&Email>,
    ) -> Result<(), AccountError<S::Error>> {
        let limits = self.limits;
        let budgets = [
            client.map(|ip| (key(action, "ip", &ip.to_string()), limits.per_ip)),
            email.map(|email| (key(action, "email", email.as_str()), limits.per_email)),
        ];
        for (key, budget) in budgets.into_iter().flatten() {
            let counted =
                self.store.count_attempt(&key, limits.window).await.map_err(AccountError::Store)?;
            if counted.count > budget {
                return Err(AccountError::TooManyAttempts { retry_after: counted.retry_after });
            }
        }
        Ok(())
    }
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
            key(Action::SignIn, "email", "ada@example.com"),
            key(Action::SignUp, "email", "ada@example.com"),
            key(Action::SignIn, "ip", "ada@example.com"),
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
