//! What an account action did, said once at the top of the page it leads to ("You are
//! signed out. Your avatars are safe in your account…").
//!
//! The action sets a short-lived cookie holding a code ([`flash`], a
//! `server::flash`); the next page says it and clears the cookie ([`PageNotice`]). Not the URL: a reload or a shared link
//! would say it again (a password change elsewhere showed "Your session has ended" and
//! "You are signed in" together), and anyone could make the page say "Your 99999 avatars
//! came along". Only this host can set a `__Host-` cookie, and only known codes are said.

use leptos::prelude::*;

/// The notice cookie.
#[cfg(feature = "ssr")]
const NOTICE_COOKIE: &str = "__Host-notice";

/// What the action that led here did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Signed up or in; how many of the guest's avatars came into the account.
    SignedIn {
        came_along: u64,
    },
    /// Signed in, with the guest's avatars left waiting: the account has no room for
    /// them all (`keep`).
    Waiting {
        held_back: u64,
    },
    /// This browser became the guest a code from another device carried it to; how many
    /// of its own avatars came along.
    Continued {
        came_along: u64,
    },
    /// The member chose what to keep: how many of the guest's avatars came along, and
    /// how many avatars were deleted.
    Kept {
        came_along: u64,
        removed: u64,
    },
    SignedOut,
    SignedOutEverywhere,
    AccountDeleted,
    PasswordChanged,
    /// A first password, for an account that had only other ways to sign in.
    PasswordSet,
    NameSaved,
    /// A provider linked, by its id (`/auth/{id}/…`).
    Linked(String),
    Unlinked(String),
    PasskeyAdded,
    PasskeyRemoved,
    /// A reset link was asked for (whether or not the address has an account).
    ResetLinkSent,
    /// A new password was set with a reset link, in a browser that did not ask for it.
    PasswordReset,
    /// A link to confirm the member's address was sent.
    ConfirmationSent,
    /// The address was confirmed with the mailed link.
    EmailConfirmed,
    /// A sign-in link was asked for (whether or not the address has an account).
    SignInLinkSent,
    /// A change of address was asked for (whether or not the new address has an account).
    EmailChangeSent,
    /// The account moved to a new address with the mailed link.
    EmailChanged,
}

impl Notice {
    /// The code the cookie carries: ASCII words, a number or a provider id after a `/`.
    pub fn code(&self) -> String {
        match self {
            Notice::SignedIn { came_along } => format!("signed_in/{came_along}"),
            Notice::Waiting { held_back } => format!("waiting/{held_back}"),
            Notice::Continued { came_along } => format!("continued/{came_along}"),
            Notice::Kept { came_along, removed } => format!("kept/{came_along}-{removed}"),
            Notice::SignedOut => "signed_out".into(),
            Notice::SignedOutEverywhere => "signed_out_everywhere".into(),
            Notice::AccountDeleted => "account_deleted".into(),
            Notice::PasswordChanged => "password_changed".into(),
            Notice::PasswordSet => "password_set".into(),
            Notice::NameSaved => "name_saved".into(),
            Notice::Linked(provider) => format!("linked/{provider}"),
            Notice::Unlinked(provider) => format!("unlinked/{provider}"),
            Notice::PasskeyAdded => "passkey_added".into(),
            Notice::PasskeyRemoved => "passkey_removed".into(),
            Notice::ResetLinkSent => "reset_link_sent".into(),
            Notice::PasswordReset => "password_reset".into(),
            Notice::ConfirmationSent => "confirmation_sent".into(),
            Notice::EmailConfirmed => "email_confirmed".into(),
            Notice::SignInLinkSent => "sign_in_link_sent".into(),
            Notice::EmailChangeSent => "email_change_sent".into(),
            Notice::EmailChanged => "email_changed".into(),
        }
    }

    /// The notice a code stands for; anything else is none.
    pub fn parse(code: &str) -> Option<Self> {
        let provider = |id: &str| {
            let known = !id.is_empty()
                && id.len() <= 32
                && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            known.then(|| id.to_owned())
        };
        Some(match code.split_once('/') {
            Some(("signed_in", count)) => Notice::SignedIn { came_along: count.parse().ok()? },
            Some(("waiting", count)) => Notice::Waiting { held_back: count.parse().ok()? },
            Some(("continued", count)) => Notice::Continued { came_along: count.parse().ok()? },
            Some(("kept", counts)) => {
                let (came_along, removed) = counts.split_once('-')?;
                Notice::Kept {
                    came_along: came_along.parse().ok()?,
                    removed: removed.parse().ok()?,
                }
            }
            Some(("linked", id)) => Notice::Linked(provider(id)?),
            Some(("unlinked", id)) => Notice::Unlinked(provider(id)?),
            Some(_) => return None,
            None => match code {
                "signed_out" => Notice::SignedOut,
                "signed_out_everywhere" => Notice::SignedOutEverywhere,
                "account_deleted" => Notice::AccountDeleted,
                "password_changed" => Notice::PasswordChanged,
                "password_set" => Notice::PasswordSet,
                "name_saved" => Notice::NameSaved,
                "passkey_added" => Notice::PasskeyAdded,
                "passkey_removed" => Notice::PasskeyRemoved,
                "reset_link_sent" => Notice::ResetLinkSent,
                "password_reset" => Notice::PasswordReset,
                "confirmation_sent" => Notice::ConfirmationSent,
                "email_confirmed" => Notice::EmailConfirmed,
                "sign_in_link_sent" => Notice::SignInLinkSent,
                "email_change_sent" => Notice::EmailChangeSent,
                "email_changed" => Notice::EmailChanged,
                _ => return None,
            },
        })
    }

    /// The sentence; `provider` names a provider by its id ("Test ID" for `test`).
    fn sentence(&self, provider: impl Fn(&str) -> String) -> String {
        const SAFE: &str = "Your avatars are safe in your account: sign in to see them again.";
        match self {
            Notice::SignedIn { came_along: 0 } => "You are signed in.".into(),
            Notice::SignedIn { came_along: 1 } => {
                "You are signed in. Your avatar came along.".into()
            }
            Notice::SignedIn { came_along } => {
                format!("You are signed in. Your {came_along} avatars came along.")
            }
            Notice::Waiting { held_back } => format!(
                "You are signed in. Your account has no room for all of the {} you made \
                 before signing in: choose what to keep.",
                avatars(*held_back)
            ),
            Notice::Continued { came_along: 0 } => {
                "You are the same guest here as on your other device.".into()
            }
            Notice::Continued { came_along } => format!(
                "You are the same guest here as on your other device. This browser's {} \
                 came along.",
                avatars(*came_along)
            ),
            Notice::Kept { came_along, removed } => format!(
                "Done: {} came along and {} deleted.",
                avatars(*came_along),
                match removed {
                    1 => "1 was".to_owned(),
                    removed => format!("{removed} were"),
                }
            ),
            Notice::SignedOut => format!("You are signed out. {SAFE}"),
            Notice::SignedOutEverywhere => {
                format!("You are signed out on every device. {SAFE}")
            }
            Notice::AccountDeleted => {
                "Your account and its avatars were deleted. You are a new guest.".into()
            }
            Notice::PasswordChanged => {
                "Your password was changed. Every other session has ended.".into()
            }
            Notice::PasswordSet => {
                "Your password is set: you can sign in with it too. Every other session has \
                 ended."
                    .into()
            }
            Notice::NameSaved => "Your display name is saved.".into(),
            Notice::Linked(id) => format!("{} is linked: you can sign in with it.", provider(id)),
            Notice::Unlinked(id) => format!("{} is unlinked.", provider(id)),
            Notice::PasskeyAdded => "Passkey added: you can sign in with it.".into(),
            Notice::PasskeyRemoved => "The passkey is removed.".into(),
            Notice::ResetLinkSent => {
                "If an account has that address, a link to set a new password is on its way. \
                 It works once, for 30 minutes. Open it in this browser."
                    .into()
            }
            Notice::PasswordReset => {
                "Your new password is set and every other session has ended. Sign in with it."
                    .into()
            }
            Notice::ConfirmationSent => {
                "A link to confirm your email is on its way. It works for 24 hours.".into()
            }
            Notice::EmailConfirmed => "Your email is confirmed.".into(),
            Notice::SignInLinkSent => {
                "If an account has that address, a sign-in link is on its way. It works once, \
                 for 15 minutes, in this browser."
                    .into()
            }
            Notice::EmailChangeSent => {
                "Check the new address's inbox: your email changes when you open the link we \
                 mailed there. It works for 24 hours."
                    .into()
            }
            Notice::EmailChanged => {
                "Your email is changed, and every session on other devices has ended. The old \
                 address was told."
                    .into()
            }
        }
    }
}

/// "1 avatar", "3 avatars".
fn avatars(count: u64) -> String {
    if count == 1 { "1 avatar".to_owned() } else { format!("{count} avatars") }
}

#[cfg(feature = "ssr")]
impl Notice {
    /// What a sign-in says, by what its merge did.
    pub fn after_sign_in(merge: &identity::account::MergeReport) -> Self {
        match merge.held_back {
            0 => Notice::SignedIn { came_along: merge.moved_avatars },
            held_back => Notice::Waiting { held_back },
        }
    }
}

/// The `Set-Cookie` value that makes the next page say `notice`, for a response built
/// outside a server function: a minute is plenty for a redirect to be followed.
#[cfg(feature = "ssr")]
pub fn cookie(notice: &Notice) -> http::HeaderValue {
    crate::server::flash::cookie(NOTICE_COOKIE, &notice.code(), chrono::Duration::seconds(60))
}

/// Makes the next page say `notice` (on the response of the server function that did
/// it).
#[cfg(feature = "ssr")]
pub fn flash(notice: &Notice) {
    crate::server::flash::set(NOTICE_COOKIE, &notice.code(), chrono::Duration::seconds(60));
}

/// Ends an account action: to `to`, which says `notice` once. The URL stays clean.
#[cfg(feature = "ssr")]
pub fn done(to: &str, notice: &Notice) {
    flash(notice);
    leptos_axum::redirect(to);
}

/// The page's notice area, at the top of every page: what the action that led here did,
/// once, or that the member's session has ended. Rendered on the server only.
#[component]
pub fn PageNotice() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (notice, ended) = (take(), crate::server::page_data::<super::SessionEnded>().is_some());
    #[cfg(not(feature = "ssr"))]
    let (notice, ended) = (None::<Notice>, false);
    if ended {
        // Whatever the flash says was for the session that has ended.
        return Some(
            view! {
                <p class="notice page-notice" role="status">
                    "Your session has ended (signed out everywhere, a new password or a new email). "
                    <a href="/signin">"Sign in again"</a>
                </p>
            }
            .into_any(),
        );
    }
    let provider = |id: &str| {
        super::buttons::providers()
            .into_iter()
            .find(|button| button.id == id)
            .map_or_else(|| "The provider".to_owned(), |button| button.name)
    };
    let sentence = notice?.sentence(provider);
    Some(view! { <p class="notice page-notice" role="status">{sentence}</p> }.into_any())
}

/// The notice the request's cookie holds, if any, and the cookie cleared on the response:
/// said once.
#[cfg(feature = "ssr")]
fn take() -> Option<Notice> {
    Notice::parse(&crate::server::flash::take(NOTICE_COOKIE)?)
}

#[cfg(test)]
mod tests;
