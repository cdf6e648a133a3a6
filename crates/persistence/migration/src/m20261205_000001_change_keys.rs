//! Idempotency keys: for each owner, the keys of the changes it made, each with the
//! digest of the request it came with and the answer it got, so that a repeat is answered
//! the same without being made again. Kept a day (the sweep); deleting the owner deletes
//! them; a guest's move to the member that its avatars move to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeKeys::Table)
                    .col(uuid(ChangeKeys::OwnerId))
                    .col(string_len(ChangeKeys::Key, 255))
                    .col(string_len(ChangeKeys::Fingerprint, 64))
                    .col(text(ChangeKeys::Answer))
                    .col(timestamp_with_time_zone(ChangeKeys::CreatedAt))
                    .primary_key(Index::create().col(ChangeKeys::OwnerId).col(ChangeKeys::Key))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_change_keys_owner")
                            .from(ChangeKeys::Table, ChangeKeys::OwnerId)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_change_keys_created_at")
                    .table(ChangeKeys::Table)
                    .col(ChangeKeys::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ChangeKeys::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ChangeKeys {
    Table,
    OwnerId,
    Key,
    Fingerprint,
    Answer,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    Id,
}
