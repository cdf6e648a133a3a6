//! Accounts: the sign-up, sign-in and account pages, sign-out (here or everywhere), and
//! who the viewer is (the header and `GET /api/viewer`). The pages are server-rendered forms that post to server
//! functions: they work without JavaScript and add nothing to the browser bundle.
//!
//! The rules themselves (passwords, the guest → member merge, equal work for unknown
//! emails and wrong passwords) are `identity::account::Accounts`'s; this feature wires
//! them to forms and cookies.

/// The server side: what each account action does, who a page is for (`PageViewer`),
/// the cookies of an identity change.
#[cfg(feature = "ssr")]
pub mod actions;
/// The server functions: sign up, sign in, sign out, manage the account, who am I.
pub mod api;
/// The asking secret a browser holds when it asked for a link by mail.
#[cfg(feature = "ssr")]
mod asking;
/// The ways to sign in the server offers, as every page's context carries them.
mod buttons;
/// Changing the address: the account page's form, and the link's page.
mod change;
/// Confirming an address: the link's page, and the account page's reminder.
mod confirm;
/// "Continue on another device": a guest's short code, made here and typed there.
mod device;
/// "Download your data": the viewer's account and avatars as JSON.
pub mod export;
/// The refusal of a form's last post, for the page that shows the form.
mod failure;
/// The header line: guest or member, and the links that go with it.
mod header;
/// A full roster at sign-in: the guest's avatars wait, and the member chooses.
pub mod keep;
/// "Email me a sign-in link": asking, the link, its code.
mod link;
/// What an account action did, said once at the top of the next page.
pub mod notice;
/// The sign-up and sign-in pages, and the parts of every account form.
mod pages;
/// Passkeys: the buttons, the account page's list, the script between browser and server.
mod passkeys;
/// Signing in with another provider: buttons, sign-in methods, refusals.
mod providers;
/// "Forgot password?": asking for a link by mail, and setting a new password with it.
mod recovery;
/// The account page.
mod settings;
/// The account as the pages and other clients see it.
mod views;

pub use header::WhoAmI;
#[cfg(feature = "ssr")]
pub use header::guest_tag;
pub use notice::PageNotice;
pub use views::ViewerView;

/// Under a display name field: the rule is `identity::DisplayName::MAX_GRAPHEMES`.
const DISPLAY_NAME_HINT: &str = "Up to 80 characters.";

/// Under the name of a new passkey: the rule is `identity::passkeys::PasskeyName::MAX_GRAPHEMES`.
const PASSKEY_NAME_HINT: &str = "Up to 50 characters.";

/// Put in a page's request when its member session turned out to be revoked: the page
/// is rendered for a new guest and says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionEnded;
pub use buttons::{ProviderButton, SignInButtons};
pub use change::ChangeEmailPage;
pub use confirm::VerifyEmailPage;
pub use device::DevicePage;
pub use keep::KeepPage;
pub use link::{EmailLinkPage, SignInLinkPage};
pub use pages::{SignInPage, SignUpPage};
pub use recovery::{ForgotPasswordPage, ResetPasswordPage};
pub use settings::AccountPage;

#[cfg(all(test, feature = "ssr"))]
mod tests {
    /// The rules the forms state are the ones the server enforces.
    #[test]
    fn the_hints_state_the_rules_enforced() {
        let max = identity::account::DisplayName::MAX_GRAPHEMES;
        assert_eq!(super::DISPLAY_NAME_HINT, format!("Up to {max} characters."));
        assert!(super::pages::SIGN_UP_NAME_HINT.starts_with(super::DISPLAY_NAME_HINT));
        let max = identity::passkeys::PasskeyName::MAX_GRAPHEMES;
        assert_eq!(super::PASSKEY_NAME_HINT, format!("Up to {max} characters."));
        let min = identity::account::Password::MIN_CHARS;
        assert!(super::pages::PASSWORD_RULE.starts_with(&format!("At least {min} characters")));
        // Why the account page offers no way to add a sign-in method (and what the server
        // says when one is forced).
        let recent = identity::RECENT_SIGN_IN.num_minutes();
        let sign_in_again = crate::error::ApiError::SignInAgain.to_string();
        assert!(
            sign_in_again.contains(&format!("in the last {recent} minutes")),
            "{sign_in_again}"
        );
    }
}
