//! Guestroom's schema history.
//!
//! One migration set serves SQLite and PostgreSQL: every table is described with
//! sea-query's schema builder, never in backend-specific SQL. Migrations are history:
//! never edit one that has been applied anywhere; add a new one instead, and split a
//! risky change into steps (add a nullable column, backfill, then constrain).

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_core_tables;
mod m20261128_000001_attempts;
mod m20261128_000002_ended_sessions;
mod m20261128_000003_provider_links;
mod m20261128_000004_passkeys;
mod m20261203_000001_display_names_as_text;
mod m20261203_000002_spent_ceremonies;
mod m20261203_000003_email_tokens;
mod m20261204_000001_email_token_addresses;
mod m20261204_000002_device_codes;
mod m20261205_000001_change_keys;

/// Every migration, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_core_tables::Migration),
            Box::new(m20261128_000001_attempts::Migration),
            Box::new(m20261128_000002_ended_sessions::Migration),
            Box::new(m20261128_000003_provider_links::Migration),
            Box::new(m20261128_000004_passkeys::Migration),
            Box::new(m20261203_000001_display_names_as_text::Migration),
            Box::new(m20261203_000002_spent_ceremonies::Migration),
            Box::new(m20261203_000003_email_tokens::Migration),
            Box::new(m20261204_000001_email_token_addresses::Migration),
            Box::new(m20261204_000002_device_codes::Migration),
            Box::new(m20261205_000001_change_keys::Migration),
        ]
    }
}
