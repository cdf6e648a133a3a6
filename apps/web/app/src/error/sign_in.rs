//! Why a sign-in ceremony of another kind than a form — a passkey, a provider — did not
//! happen. Nothing was changed by any of them. Their codes are `passkey/…` and
//! `provider/…` ([`super::code`]); their sentences are in [`super::sentence`].

/// A passkey ceremony refused, by the server or by the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasskeyProblem {
    /// Not started in this browser (or by this visitor), used already, or too slow.
    Expired,
    /// The browser's answer did not verify.
    Rejected,
    /// The passkey is not registered here.
    Unknown,
    /// The passkey is registered already.
    Taken,
    /// The member has the most passkeys an account may hold.
    TooMany { max: u32 },
    /// This deployment offers no passkeys (production without `PUBLIC_ORIGIN`).
    NotOffered,
    /// The browser's own refusals, never answered by the server: the person cancelled
    /// (or the request timed out), …
    Cancelled,
    /// … the device holds a passkey for this account already, …
    OnThisDevice,
    /// … or the browser cannot make or use one here.
    Unsupported,
}

/// A provider's sign-in (or link) that came back refused.
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
}

impl PasskeyProblem {
    /// The problem's word in a code (`too_many` also carries the most an account holds).
    pub(super) fn word(self) -> &'static str {
        match self {
            PasskeyProblem::Expired => "expired",
            PasskeyProblem::Rejected => "rejected",
            PasskeyProblem::Unknown => "unknown",
            PasskeyProblem::Taken => "taken",
            PasskeyProblem::TooMany { .. } => "too_many",
            PasskeyProblem::NotOffered => "not_offered",
            PasskeyProblem::Cancelled => "cancelled",
            PasskeyProblem::OnThisDevice => "on_this_device",
            PasskeyProblem::Unsupported => "unsupported",
        }
    }

    /// The problems a word alone names (every one but `TooMany`).
    pub(super) const NAMED_BY_A_WORD: [PasskeyProblem; 8] = [
        PasskeyProblem::Expired,
        PasskeyProblem::Rejected,
        PasskeyProblem::Unknown,
        PasskeyProblem::Taken,
        PasskeyProblem::NotOffered,
        PasskeyProblem::Cancelled,
        PasskeyProblem::OnThisDevice,
        PasskeyProblem::Unsupported,
    ];

    /// The problems the browser finds itself: the page's script says them without
    /// asking the server, so the page carries their sentences.
    pub const IN_THE_BROWSER: [PasskeyProblem; 3] =
        [PasskeyProblem::Cancelled, PasskeyProblem::OnThisDevice, PasskeyProblem::Unsupported];

    /// The HTTP status the server answers with (`None`: the browser's own).
    pub(super) fn status(self) -> Option<u16> {
        match self {
            PasskeyProblem::Expired | PasskeyProblem::Rejected | PasskeyProblem::Unknown => {
                Some(400)
            }
            PasskeyProblem::NotOffered => Some(404),
            PasskeyProblem::Taken | PasskeyProblem::TooMany { .. } => Some(409),
            PasskeyProblem::Cancelled
            | PasskeyProblem::OnThisDevice
            | PasskeyProblem::Unsupported => None,
        }
    }
}

impl ProviderProblem {
    /// The problem's word in a code.
    pub(super) fn word(self) -> &'static str {
        match self {
            ProviderProblem::Expired => "expired",
            ProviderProblem::Cancelled => "cancelled",
            ProviderProblem::Unavailable => "unavailable",
            ProviderProblem::Rejected => "rejected",
            ProviderProblem::NoVerifiedEmail => "no_verified_email",
            ProviderProblem::EmailHasAccount => "email_has_account",
            ProviderProblem::Taken => "taken",
        }
    }

    pub(super) const ALL: [ProviderProblem; 7] = [
        ProviderProblem::Expired,
        ProviderProblem::Cancelled,
        ProviderProblem::Unavailable,
        ProviderProblem::Rejected,
        ProviderProblem::NoVerifiedEmail,
        ProviderProblem::EmailHasAccount,
        ProviderProblem::Taken,
    ];

    /// The status that goes with the problem (a flow's refusal travels in a redirect's
    /// cookie, so this is for a client that asks for JSON).
    pub(super) fn status(self) -> u16 {
        match self {
            ProviderProblem::Expired | ProviderProblem::Cancelled => 400,
            ProviderProblem::NoVerifiedEmail => 422,
            ProviderProblem::EmailHasAccount | ProviderProblem::Taken => 409,
            ProviderProblem::Unavailable | ProviderProblem::Rejected => 502,
        }
    }
}
