//! A token of a link in mail names the address it was mailed to (a link confirms that
//! address and no other, should the member's change meanwhile), and its asking browser
//! becomes optional (a link that confirms an address does the same in any browser).
//!
//! The table is made again rather than altered: SQLite cannot make a column nullable in
//! place, and its rows are links that live for minutes. Links mailed before the upgrade
//! stop working; their owners ask again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: its statements then run on one connection, and
    /// the table is never missing to another.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager).await?;
        create(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager).await?;
        create(manager, false).await
    }
}

/// Dropping the table drops its index too.
async fn drop(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager.drop_table(Table::drop().table(EmailTokens::Table).to_owned()).await
}

/// The table as `m20261203_000003_email_tokens` made it, with the address and an
/// optional asker when `addressed`.
async fn create(manager: &SchemaManager<'_>, addressed: bool) -> Result<(), DbErr> {
    let mut table = Table::create();
    table
        .table(EmailTokens::Table)
        .col(string_len(EmailTokens::Digest, 64).primary_key())
        .col(string_len(EmailTokens::Purpose, 32))
        .col(uuid(EmailTokens::MemberId));
    if addressed {
        table.col(string_len(EmailTokens::Email, 254)).col(string_len_null(EmailTokens::Asker, 64));
    } else {
        table.col(string_len(EmailTokens::Asker, 64));
    }
    table.col(timestamp_with_time_zone(EmailTokens::ExpiresAt)).foreign_key(
        ForeignKey::create()
            .name("fk_email_tokens_member")
            .from(EmailTokens::Table, EmailTokens::MemberId)
            .to(Members::Table, Members::OwnerId)
            .on_delete(ForeignKeyAction::Cascade),
    );
    manager.create_table(table.to_owned()).await?;
    manager
        .create_index(
            Index::create()
                .name("idx_email_tokens_member_purpose")
                .table(EmailTokens::Table)
                .col(EmailTokens::MemberId)
                .col(EmailTokens::Purpose)
                .unique()
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum EmailTokens {
    Table,
    Digest,
    Purpose,
    MemberId,
    Email,
    Asker,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    OwnerId,
}
