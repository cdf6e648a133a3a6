//! A display name is 1–80 grapheme clusters (`identity::account::DisplayName`), and a
//! grapheme cluster is up to eight code points: twelve family emoji are 12 grapheme
//! clusters and 60 code points, which PostgreSQL's `varchar(80)` counted as 60 of 80 —
//! and 80 of them as 400, refused with an error. The rule bounds the name; the column
//! now holds whatever the rule allows, like `avatars.name` always has.
//!
//! SQLite never enforced the declared length (and cannot alter a column's type in
//! place), so only PostgreSQL's column changes.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        display_name(manager, ColumnDef::new(Members::DisplayName).text().not_null()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        display_name(manager, ColumnDef::new(Members::DisplayName).string_len(80).not_null()).await
    }
}

/// `members.display_name` as `column`, on PostgreSQL.
async fn display_name(manager: &SchemaManager<'_>, column: &mut ColumnDef) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let alter = Table::alter().table(Members::Table).modify_column(column).to_owned();
    manager.alter_table(alter).await
}

#[derive(DeriveIden)]
enum Members {
    Table,
    DisplayName,
}
