//! A sign-up refused because the address has an account tells the person signing up so
//! (an immediate sign-up cannot hide it: issue 25's sign-up design), and mails the
//! address's owner, who may be the one trying, or may want to know someone else did.

use super::{Client, EmailAccounts};
use crate::{
    AccountStore,
    account::{Action, Email},
    audit,
};

impl<S: AccountStore> EmailAccounts<S> {
    /// Mails the owner of `email` that a sign-up with it was refused. Counted against the
    /// mail limits like any mail; over them, or with the queue full, nothing is sent, and
    /// the sign-up's answer is the same either way.
    pub async fn tell_owner_of_sign_up(&self, email: &str, client: Client) {
        let Ok(email) = Email::parse(email) else { return };
        let outcome =
            match self.accounts.admit_mail(Action::Mail, &email, Some(client), self.limits).await {
                Ok(()) => self.hand_over(self.links.sign_up_attempt_mail(email.as_str()), "sent"),
                Err(_) => "limited",
            };
        audit::record("sign_up_attempt_mail", outcome, None, client);
    }
}
