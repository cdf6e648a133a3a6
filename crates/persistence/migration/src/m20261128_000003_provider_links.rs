//! Provider links keyed as OpenID Connect names a person: (`issuer`, `subject`), with the
//! id the deployment configured the provider under, one link per provider and member.
//! The first schema keyed links by provider id and subject (an issuer is longer than its
//! 64 characters allowed, and a provider id can be pointed at another issuer); nothing
//! wrote to that table, so it is replaced, not migrated.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LinkedAccounts::Table).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(LinkedAccounts::Table)
                    .col(string_len(LinkedAccounts::Issuer, 255))
                    .col(string_len(LinkedAccounts::Subject, 255))
                    .col(string_len(LinkedAccounts::Provider, 64))
                    .col(uuid(LinkedAccounts::OwnerId))
                    .col(timestamp_with_time_zone(LinkedAccounts::CreatedAt))
                    .primary_key(
                        Index::create().col(LinkedAccounts::Issuer).col(LinkedAccounts::Subject),
                    )
                    .foreign_key(&mut owner_key())
                    .to_owned(),
            )
            .await?;
        // One link per provider and member; also how a member's links are found, and
        // what deleting a member cascades through.
        manager
            .create_index(
                Index::create()
                    .name("idx_linked_accounts_owner_provider")
                    .table(LinkedAccounts::Table)
                    .col(LinkedAccounts::OwnerId)
                    .col(LinkedAccounts::Provider)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    /// Back to the first schema (empty, as it always was).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LinkedAccounts::Table).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(LinkedAccounts::Table)
                    .col(string_len(LinkedAccounts::Provider, 64))
                    .col(string_len(LinkedAccounts::Subject, 255))
                    .col(uuid(LinkedAccounts::OwnerId))
                    .col(timestamp_with_time_zone(LinkedAccounts::CreatedAt))
                    .primary_key(
                        Index::create().col(LinkedAccounts::Provider).col(LinkedAccounts::Subject),
                    )
                    .foreign_key(&mut owner_key())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_linked_accounts_owner")
                    .table(LinkedAccounts::Table)
                    .col(LinkedAccounts::OwnerId)
                    .to_owned(),
            )
            .await
    }
}

fn owner_key() -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name("fk_linked_accounts_owner")
        .from(LinkedAccounts::Table, LinkedAccounts::OwnerId)
        .to(Owners::Table, Owners::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveIden)]
enum LinkedAccounts {
    Table,
    Issuer,
    Subject,
    Provider,
    OwnerId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    Id,
}
