//! Passkey ceremonies that finished: a ceremony's answer, replayed within its five
//! minutes, must not sign in (or add a passkey) again — and a synced passkey's signature
//! counter stays 0, so the counter cannot tell. One row per finished ceremony, by the id
//! sealed in its cookie; the sweep deletes rows an hour old, long after the cookie
//! expired.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SpentCeremonies::Table)
                    .col(pk_uuid(SpentCeremonies::Id))
                    .col(timestamp_with_time_zone(SpentCeremonies::SpentAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SpentCeremonies::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum SpentCeremonies {
    Table,
    Id,
    SpentAt,
}
