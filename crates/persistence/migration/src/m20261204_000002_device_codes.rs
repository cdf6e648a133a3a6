//! Codes that carry a guest to another device: kept as the SHA-256 of the code (hex), with
//! the guest it carries and when it expires (10 minutes on). Deleting the guest deletes
//! its codes; the sweep deletes expired ones.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeviceCodes::Table)
                    .col(string_len(DeviceCodes::Digest, 64).primary_key())
                    .col(uuid(DeviceCodes::GuestId))
                    .col(timestamp_with_time_zone(DeviceCodes::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_device_codes_guest")
                            .from(DeviceCodes::Table, DeviceCodes::GuestId)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DeviceCodes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum DeviceCodes {
    Table,
    Digest,
    GuestId,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    Id,
}
