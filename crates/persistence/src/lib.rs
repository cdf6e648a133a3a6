//! Guestroom's persistence layer: one store API over SQLite and PostgreSQL.
//!
//! Callers speak in [`domain`] types (which cannot hold invalid input) and [`OwnerId`]s
//! obtained from a verified identity; SeaORM entities stay inside this crate.

/// Members, the guest → member merge, password changes, deletion.
mod accounts;
/// Attempt counts for the account limits.
mod attempts;
/// Opening the database, applying migrations, health checks.
pub mod db;
/// Codes that carry a guest to another device.
mod devices;
/// Validated domain types: emoji, names, ids, and the records the store returns (a crate
/// of their own, below the store, so the fuzz targets build without a database).
pub use domain;
/// Tokens of links in mail, and the password reset they allow.
mod email;
/// SeaORM entities, one per table.
mod entity;
/// The store's one error type.
mod error;
/// The roster read on SQLite, on the calling thread (no driver thread hop).
mod inline;
/// What every way to sign in shares: the member, and the rule that one is kept.
mod members;
/// Changes made once per idempotency key.
mod once;
/// Owner rows: claimed by the first write, touched, swept when stale.
mod owners;
/// Passkeys: which member a credential signs in to.
mod passkeys;
/// Provider links: which member a provider identity signs in to.
mod providers;
/// The roster: avatars, their order, the per-owner cap.
mod roster;
/// Revocation: session versions and signed-out sessions.
mod sessions;
/// The store handle the operations hang from.
mod store;
/// Deleting stale guests and expired records.
mod sweep;
/// What the crate's unit tests share.
#[cfg(test)]
mod testing;
/// A guest's avatars that waited at a full roster, and the member's choice.
mod waiting;

pub use domain::AvatarId;
pub use error::StoreError;
pub use once::{Change, Changed, Key, Once};
pub use store::{DEFAULT_AVATAR_LIMIT, Store};
pub use sweep::SweepReport;
pub use waiting::Kept;
