//! Guestroom's persistence layer: one store API over SQLite and PostgreSQL.
//!
//! Callers speak in [`domain`] types (which cannot hold invalid input) and [`OwnerId`]s
//! obtained from a verified identity; SeaORM entities stay inside this crate.

/// Opening the database, applying migrations, health checks.
pub mod db;
/// Validated domain types: emoji, names, emails, ids, and the records the store returns.
pub mod domain;
/// SeaORM entities, one per table.
mod entity;
/// The store's one error type.
mod error;
/// The owner-scoped store API.
mod store;

pub use domain::{AvatarId, OwnerId};
pub use error::StoreError;
pub use identity::{Clock, ManualClock, SystemClock};
pub use store::{DEFAULT_AVATAR_LIMIT, Store};
