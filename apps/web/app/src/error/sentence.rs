use std::fmt;

use super::{ApiError, Conflict, Field, Problem, ProviderProblem};

/// The sentence a person reads.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::SignedOut => f.write_str(
                "Your session has ended, so that change was not saved. Reload the page to go on.",
            ),
            ApiError::WrongCredentials => f.write_str("Wrong email or password."),
            ApiError::Forbidden => {
                f.write_str("That request was refused. Reload the page and try again.")
            }
            ApiError::TooLarge => {
                f.write_str("That is more than Guestroom accepts in one request.")
            }
            ApiError::TooManyRequests { retry_after: Some(seconds) } => {
                write!(f, "Too many attempts — try again in {}.", wait(*seconds))
            }
            ApiError::TooManyRequests { retry_after: None } => {
                f.write_str("Too many attempts — try again in a little while.")
            }
            ApiError::BadRequest => {
                f.write_str("That request could not be read. Reload the page and try again.")
            }
            ApiError::Invalid { field, problem } => invalid(f, *field, *problem),
            ApiError::Several(all) => {
                for (index, error) in all.iter().enumerate() {
                    if index > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{error}")?;
                }
                Ok(())
            }
            ApiError::NotFound => {
                f.write_str("That avatar no longer exists. The list has been refreshed.")
            }
            ApiError::Conflict(Conflict::AvatarLimit { limit }) => {
                write!(f, "You can keep at most {limit} avatars.")
            }
            ApiError::Conflict(Conflict::GuestMerged) => f.write_str(
                "This guest's avatars have moved into an account. Reload the page to go on.",
            ),
            ApiError::Conflict(Conflict::EmailTaken) => {
                f.write_str("An account with this email already exists.")
            }
            ApiError::Conflict(Conflict::SignedIn) => {
                f.write_str("You are signed in. Sign out first to create another account.")
            }
            ApiError::Conflict(Conflict::AskedElsewhere) => f.write_str(
                "This link was asked for in another browser, and signs in only there. Open it \
                 there, or type its code there.",
            ),
            ApiError::Conflict(Conflict::MadeByAnother) => f.write_str(
                "Not saved: these changes were made before a sign-out or another sign-in in \
                 this browser.",
            ),
            ApiError::KeyReused => f.write_str(
                "This change was sent before with other content. Reload the page and try again.",
            ),
            ApiError::Conflict(Conflict::LastSignInMethod) => f.write_str(
                "That is your only way to sign in. Add a passkey or link a provider first.",
            ),
            ApiError::SignInAgain => f.write_str(
                "For your safety, changing how you sign in or deleting your account needs a \
                 sign-in in the last 15 minutes. Sign out, sign in again, then try again.",
            ),
            ApiError::BadLink => f.write_str(
                "This link does not work any more: it was used, it expired, or a newer one was \
                 sent. Ask for a new one.",
            ),
            // Said by the account pages, which the server renders: the browser's code (the
            // roster island) never meets these, and leaves their sentences out.
            #[cfg(feature = "ssr")]
            ApiError::Passkey(problem) => passkey(f, *problem),
            #[cfg(feature = "ssr")]
            ApiError::Provider(problem) => {
                let sentence = problem.sentence("the provider");
                let mut letters = sentence.chars();
                let first = letters.next().map(|c| c.to_ascii_uppercase());
                write!(f, "{}{}", first.unwrap_or_default(), letters.as_str())
            }
            #[cfg(not(feature = "ssr"))]
            ApiError::Passkey(_) | ApiError::Provider(_) => {
                f.write_str("That sign-in was refused. Nothing was changed.")
            }
            ApiError::Unavailable => {
                f.write_str("Something went wrong on our side. Please try again.")
            }
            ApiError::Unreachable => {
                f.write_str("Could not reach Guestroom. Check your connection and try again.")
            }
        }
    }
}

fn invalid(f: &mut fmt::Formatter<'_>, field: Field, problem: Problem) -> fmt::Result {
    let label = match field {
        Field::DisplayName => "Display name",
        _ => "Name",
    };
    match (field, problem) {
        (Field::Emoji, Problem::Empty) => f.write_str("Choose an emoji."),
        (Field::Emoji, Problem::MoreThanOneEmoji) => f.write_str("Choose a single emoji."),
        (Field::Emoji, _) => f.write_str("That is not an emoji we know."),
        (Field::Email, Problem::Unchanged) => f.write_str("That is the address you have now."),
        (Field::Email, _) => f.write_str("Enter an email address like name@example.com."),
        (Field::Password, Problem::Empty) => f.write_str("Enter a password."),
        (Field::Password, Problem::TooShort { min }) => {
            write!(f, "Use at least {min} characters.")
        }
        (Field::Password, Problem::TooLong { max }) => write!(f, "Use at most {max} characters."),
        (Field::Password, _) => {
            f.write_str("That password is one of the most common. Choose another.")
        }
        (_, Problem::Empty) => write!(f, "{label} cannot be empty."),
        (_, Problem::TooLong { max }) => write!(f, "{label} can be at most {max} characters long."),
        (_, Problem::ControlCharacter) => {
            write!(f, "{label} cannot contain control or invisible characters.")
        }
        _ => write!(f, "{label} is not valid."),
    }
}

#[cfg(feature = "ssr")]
fn passkey(f: &mut fmt::Formatter<'_>, problem: super::PasskeyProblem) -> fmt::Result {
    use super::PasskeyProblem;
    match problem {
        PasskeyProblem::Expired => f.write_str(
            "This passkey request was not started in this browser, was used already, or took \
             longer than 5 minutes. Nothing was changed: please try again.",
        ),
        PasskeyProblem::Rejected => f.write_str(
            "Your passkey's answer could not be verified, so it was not used. Nothing was changed.",
        ),
        PasskeyProblem::Unknown => f.write_str(
            "That passkey is not registered here (it may have been removed). Use another passkey \
             or sign in another way.",
        ),
        PasskeyProblem::Taken => f.write_str("That passkey is registered here already."),
        PasskeyProblem::TooMany { max } => {
            write!(f, "An account can hold {max} passkeys. Remove one to add another.")
        }
        PasskeyProblem::NotOffered => f.write_str("Passkeys are not offered here."),
        PasskeyProblem::Cancelled => {
            f.write_str("The passkey request was cancelled or timed out. Nothing was changed.")
        }
        PasskeyProblem::OnThisDevice => {
            f.write_str("This device has a passkey for this account already.")
        }
        PasskeyProblem::Unsupported => {
            f.write_str("This browser could not use a passkey here. Nothing was changed.")
        }
    }
}

impl ProviderProblem {
    /// What the person reads; `provider` is the provider's name.
    pub fn sentence(self, provider: &str) -> String {
        match self {
            ProviderProblem::Expired => format!(
                "This sign-in with {provider} was not started in this browser, was used \
                 already, or took longer than 10 minutes. Nothing was changed: please try again."
            ),
            ProviderProblem::Cancelled => {
                format!("Signing in with {provider} was cancelled. Nothing was changed.")
            }
            ProviderProblem::Unavailable => format!(
                "{provider} could not be reached. Nothing was changed: please try again in a \
                 moment."
            ),
            ProviderProblem::Rejected => format!(
                "{provider}'s answer could not be verified, so it was not used. Nothing was \
                 changed."
            ),
            ProviderProblem::NoVerifiedEmail => format!(
                "{provider} did not share a verified email address, which a new account needs. \
                 Nothing was changed."
            ),
            ProviderProblem::EmailHasAccount => format!(
                "An account with the email of your {provider} account exists already. Sign in \
                 the way you did before, then link {provider} on your account page."
            ),
            ProviderProblem::Taken => format!(
                "That {provider} account is linked to another account (or this account has a \
                 {provider} link already)."
            ),
        }
    }
}

/// A wait as a person says it: "40 seconds", "6 minutes" (rather than "303 seconds";
/// rounded up: never sooner than the server allows).
fn wait(seconds: u64) -> String {
    match seconds {
        0..90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}
