//! The account as the pages and other clients see it: what the server functions answer
//! with and the pages render (below both, so neither imports the other for them).

use serde::{Deserialize, Serialize};

/// Who is asking, for scripts and other clients: no ids, no tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ViewerView {
    Guest,
    Member { name: String },
}

/// What the account page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub email: String,
    /// Whether the member followed the link mailed to `email`.
    pub email_confirmed: bool,
    pub display_name: String,
    /// Whether the member can sign in with a password.
    pub has_password: bool,
    /// Whether the member signed in recently enough to add a way to sign in.
    pub recent: bool,
    /// The ids of the providers the member has linked.
    pub linked: Vec<String>,
    pub passkeys: Vec<PasskeyView>,
    /// How many avatars the account holds, what deleting it would take (`None`: unknown,
    /// the read failed).
    pub avatars: Option<usize>,
}

/// One of the member's passkeys, as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    /// The credential id (base64url): what a removal names.
    pub id: String,
    pub name: String,
    /// When it was added, as a date ("28 Nov 2026").
    pub added: String,
    pub last_used: Option<String>,
}

/// What `/keep` shows: both rosters, and the cap they must fit under together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeepView {
    pub mine: Vec<crate::roster::AvatarView>,
    pub theirs: Vec<crate::roster::AvatarView>,
    pub cap: u64,
}
