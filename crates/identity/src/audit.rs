//! Security events, one line each, for the audit log: what happened, to which member,
//! from which address — never a password, a token or an email address. They are
//! `tracing` events with the target [`TARGET`] and the fields `event` and `outcome`; the
//! application decides where they go (Guestroom's server writes them as JSON lines and
//! counts them in its metrics).

use std::net::IpAddr;

use crate::{OwnerId, account::AccountError};

/// The `tracing` target of every audit event.
pub const TARGET: &str = "audit";

/// One security event. `member` and `client` are left out when unknown.
pub fn record(
    event: &'static str,
    outcome: &'static str,
    member: Option<OwnerId>,
    client: Option<IpAddr>,
) {
    tracing::info!(
        target: TARGET,
        event,
        outcome,
        member = member.map(tracing::field::display),
        client = client.map(tracing::field::display),
    );
}

/// What an account action came to: `success`, or the refusal's name.
pub(crate) fn outcome<T, E>(result: &Result<T, AccountError<E>>) -> &'static str {
    match result {
        Ok(_) => "success",
        Err(AccountError::Invalid(_)) => "invalid_input",
        Err(AccountError::WrongCredentials) => "wrong_credentials",
        Err(AccountError::EmailTaken) => "email_taken",
        Err(AccountError::TooManyAttempts { .. }) => "too_many_attempts",
        Err(AccountError::Busy) => "busy",
        Err(AccountError::NoSuchMember) => "no_such_member",
        Err(AccountError::Link(problem)) => problem.as_str(),
        Err(AccountError::BadLink) => "bad_link",
        Err(AccountError::NoRoom) => "no_room",
        Err(AccountError::Store(_)) => "store_failure",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AccountField, AccountProblem, InvalidInput, LinkProblem};

    #[test]
    fn every_outcome_has_its_own_name() {
        let invalid = InvalidInput { field: AccountField::Email, problem: AccountProblem::Empty };
        let outcomes: [Result<(), AccountError<std::io::Error>>; 11] = [
            Ok(()),
            Err(AccountError::Invalid(invalid)),
            Err(AccountError::WrongCredentials),
            Err(AccountError::EmailTaken),
            Err(AccountError::TooManyAttempts { retry_after: 1 }),
            Err(AccountError::NoSuchMember),
            Err(AccountError::Link(LinkProblem::Taken)),
            Err(AccountError::Link(LinkProblem::TooManyPasskeys)),
            Err(AccountError::BadLink),
            Err(AccountError::NoRoom),
            Err(AccountError::Store(std::io::Error::other("down"))),
        ];
        let names: Vec<&str> = outcomes.iter().map(outcome).collect();
        assert_eq!(
            names,
            [
                "success",
                "invalid_input",
                "wrong_credentials",
                "email_taken",
                "too_many_attempts",
                "no_such_member",
                "link_taken",
                "too_many_passkeys",
                "bad_link",
                "no_room",
                "store_failure"
            ]
        );
    }
}
