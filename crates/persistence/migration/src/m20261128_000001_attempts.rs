//! Attempt counts for the account rules' limits (sign-in, sign-up, confirming a
//! password): one row per key with the current window's start and count, updated in one
//! upsert, so every instance on the same database shares the budget.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attempts::Table)
                    // A SHA-256 digest in hex: no email address is stored here.
                    .col(string_len(Attempts::Key, 64).primary_key())
                    // Unix seconds, so both backends compare the same integers.
                    .col(big_integer(Attempts::WindowStart))
                    .col(integer(Attempts::Count))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Attempts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Attempts {
    Table,
    Key,
    WindowStart,
    Count,
}
