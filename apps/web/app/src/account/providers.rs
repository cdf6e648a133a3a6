//! Signing in with another provider, as the pages show it: the "Continue with …" buttons,
//! the account page's sign-in methods (link, unlink), and the sentences for a flow that
//! came back refused. The flow itself is the server's (`/auth/{provider}/…`); these
//! pages have no island, so none of this reaches the wasm bundle.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    api::UnlinkProvider,
    buttons::{ProviderButton, providers},
};
use crate::components::alert::Alert;

/// Why a provider sign-in (or link) came back refused; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderProblem {
    /// Not started in this browser (or by this visitor), used already, or too slow.
    Expired,
    /// The person cancelled at the provider (or it refused them).
    Cancelled,
    /// The provider could not be reached.
    Unavailable,
    /// The provider's answer failed a check.
    Rejected,
    /// The provider vouched for no verified email, which a new account needs.
    NoVerifiedEmail,
    /// An account with this email exists: never linked automatically.
    EmailHasAccount,
    /// The provider account is linked to another account (or this one has a link there).
    Taken,
    /// Too many attempts from here.
    TooManyAttempts,
    /// Linking needs a recent sign-in.
    SignInAgain,
}

const PROBLEMS: [(ProviderProblem, &str); 9] = [
    (ProviderProblem::Expired, "expired"),
    (ProviderProblem::Cancelled, "cancelled"),
    (ProviderProblem::Unavailable, "unavailable"),
    (ProviderProblem::Rejected, "rejected"),
    (ProviderProblem::NoVerifiedEmail, "no_verified_email"),
    (ProviderProblem::EmailHasAccount, "email_has_account"),
    (ProviderProblem::Taken, "taken"),
    (ProviderProblem::TooManyAttempts, "too_many_attempts"),
    (ProviderProblem::SignInAgain, "sign_in_again"),
];

/// The cookie that carries a refused flow back to its page (a `server::flash`): the
/// provider's id and the problem's code, `test/expired`. Not the URL, where a reload
/// said it again and a link could make the page say it.
#[cfg(feature = "ssr")]
const REFUSAL_COOKIE: &str = "__Host-provider-refusal";

impl ProviderProblem {
    /// The problem's code, in the refusal cookie.
    pub fn code(self) -> &'static str {
        PROBLEMS.iter().find(|(problem, _)| *problem == self).map_or("expired", |(_, code)| code)
    }

    pub fn from_code(code: &str) -> Option<Self> {
        PROBLEMS.iter().find(|(_, known)| *known == code).map(|(problem, _)| *problem)
    }

    /// What the person reads; `provider` is the provider's name.
    pub fn sentence(self, provider: &str) -> String {
        match self {
            ProviderProblem::Expired => format!(
                "This sign-in with {provider} was not started in this browser, was used already, or took longer than 10 minutes. Nothing was changed: please try again."
            ),
            ProviderProblem::Cancelled => {
                format!("Signing in with {provider} was cancelled. Nothing was changed.")
            }
            ProviderProblem::Unavailable => {
                format!(
                    "{provider} could not be reached. Nothing was changed: please try again in a moment."
                )
            }
            ProviderProblem::Rejected => format!(
                "{provider}'s answer could not be verified, so it was not used. Nothing was changed."
            ),
            ProviderProblem::NoVerifiedEmail => format!(
                "{provider} did not share a verified email address, which a new account needs. Nothing was changed."
            ),
            ProviderProblem::EmailHasAccount => format!(
                "An account with the email of your {provider} account exists already. Sign in the way you did before, then link {provider} on your account page."
            ),
            ProviderProblem::Taken => format!(
                "That {provider} account is linked to another account (or this account has a {provider} link already)."
            ),
            ProviderProblem::TooManyAttempts => {
                "Too many attempts — please try again in a few minutes.".to_owned()
            }
            ProviderProblem::SignInAgain => super::SIGN_IN_AGAIN.to_owned(),
        }
    }
}

/// The `Set-Cookie` that makes the page a refused flow goes back to say why, once.
#[cfg(feature = "ssr")]
pub fn refusal_cookie(provider: &str, problem: ProviderProblem) -> http::HeaderValue {
    let value = format!("{provider}/{}", problem.code());
    crate::server::flash::cookie(REFUSAL_COOKIE, &value, chrono::Duration::seconds(60))
}

/// The refusal a flow came back with, as a sentence; the cookie is cleared. Only a known
/// code is said, naming a configured provider (or "the provider").
#[cfg(feature = "ssr")]
fn problem_sentence() -> Option<String> {
    let refusal = crate::server::flash::take(REFUSAL_COOKIE)?;
    let (provider, code) = refusal.split_once('/')?;
    let problem = ProviderProblem::from_code(code)?;
    let name = providers().into_iter().find(|p| p.id == provider).map(|p| p.name);
    Some(problem.sentence(name.as_deref().unwrap_or("the provider")))
}

#[cfg(not(feature = "ssr"))]
fn problem_sentence() -> Option<String> {
    None
}

/// The refusal of a flow that came back to this page, if any.
#[component]
pub fn ProviderProblemAlert() -> impl IntoView {
    problem_sentence().map(|message| view! { <Alert message /> })
}

/// One button per provider, each a form that starts its flow (a form, not a link: a page
/// on another site cannot start one).
#[component]
pub fn ProviderButtons() -> impl IntoView {
    let providers = providers();
    (!providers.is_empty()).then(|| {
        view! {
            <div class="providers" role="group" aria-label="Other ways to continue">
                {providers
                    .into_iter()
                    .map(|ProviderButton { id, name }| view! {
                        <form method="post" action=format!("/auth/{id}/start")>
                            <button type="submit" class="provider">{format!("Continue with {name}")}</button>
                        </form>
                    })
                    .collect_view()}
            </div>
        }
    })
}

/// The account page's sign-in methods: the password, and each provider linked or not.
/// The last way to sign in (counting `passkeys`) cannot be unlinked (the server refuses
/// it too).
#[component]
pub fn SignInMethods(
    has_password: bool,
    /// Signed in recently enough to link a provider (else the buttons are disabled).
    recent: bool,
    linked: Vec<String>,
    passkeys: usize,
) -> impl IntoView {
    let providers = providers();
    if providers.is_empty() {
        return None;
    }
    let unlink_refused = super::pages::failure(UnlinkProvider::PATH)
        .map(|error| view! { <Alert message=error.to_string() /> });
    let ways = usize::from(has_password) + linked.len() + passkeys;
    let rows = providers
        .into_iter()
        .map(|ProviderButton { id, name }| {
            let action = if linked.contains(&id) {
                let last = ways <= 1;
                view! {
                    <span class="method-state">"Linked"</span>
                    <form method="post" action=UnlinkProvider::url()>
                        <input type="hidden" name="provider" value=id.clone() />
                        <button type="submit" disabled=last>{format!("Unlink {name}")}</button>
                    </form>
                    {last.then(|| view! { <span class="method-note">"Your only way to sign in: it stays."</span> })}
                }
                .into_any()
            } else {
                view! {
                    <span class="method-state">"Not linked"</span>
                    <form method="post" action=format!("/auth/{id}/start")>
                        <button type="submit" disabled=!recent>{format!("Link {name}")}</button>
                    </form>
                }
                .into_any()
            };
            view! { <li class="method"><span class="method-name">{name.clone()}</span>{action}</li> }
        })
        .collect_view();
    Some(view! {
        <h2>"Sign-in methods"</h2>
        <div class="account-form">
            <ProviderProblemAlert />
            {unlink_refused}
            {(!recent).then(|| view! { <p class="field-hint">{super::SIGN_IN_AGAIN}</p> })}
            <ul class="methods">
                <li class="method">
                    <span class="method-name">"Password"</span>
                    <span class="method-state">{if has_password { "Set" } else { "Not set" }}</span>
                </li>
                {rows}
            </ul>
        </div>
    })
}
