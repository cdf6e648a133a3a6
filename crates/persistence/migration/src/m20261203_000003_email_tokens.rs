//! The email channel: tokens of links in mail, and whether a member's address is
//! verified. A token is kept as the SHA-256 of what was mailed (hex), with what it is
//! for, whose it is, the digest of the asking browser's secret and when it expires; one
//! live token per member and purpose (a newer one replaces it). Deleting a member
//! deletes its tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Members::Table)
                    .add_column(timestamp_with_time_zone_null(Members::EmailVerifiedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailTokens::Table)
                    .col(string_len(EmailTokens::Digest, 64).primary_key())
                    .col(string_len(EmailTokens::Purpose, 32))
                    .col(uuid(EmailTokens::MemberId))
                    .col(string_len(EmailTokens::Asker, 64))
                    .col(timestamp_with_time_zone(EmailTokens::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_tokens_member")
                            .from(EmailTokens::Table, EmailTokens::MemberId)
                            .to(Members::Table, Members::OwnerId)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
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

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EmailTokens::Table).to_owned()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Members::Table)
                    .drop_column(Members::EmailVerifiedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum EmailTokens {
    Table,
    Digest,
    Purpose,
    MemberId,
    Asker,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    OwnerId,
    EmailVerifiedAt,
}
