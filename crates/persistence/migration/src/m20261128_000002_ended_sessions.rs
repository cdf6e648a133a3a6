//! Member sessions that were signed out: a session carries its id (`sid`), and a sign-out
//! records it here so that a copy of the cookie reaches nothing afterwards. The member's
//! other sessions go on. A row is only needed until the session would have expired (at
//! most 30 days after sign-in).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EndedSessions::Table)
                    .col(pk_uuid(EndedSessions::Id))
                    .col(uuid(EndedSessions::OwnerId))
                    .col(timestamp_with_time_zone(EndedSessions::EndedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ended_sessions_owner")
                            .from(EndedSessions::Table, EndedSessions::OwnerId)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Deleting a member cascades here.
        manager
            .create_index(
                Index::create()
                    .name("idx_ended_sessions_owner")
                    .table(EndedSessions::Table)
                    .col(EndedSessions::OwnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EndedSessions::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum EndedSessions {
    Table,
    Id,
    OwnerId,
    EndedAt,
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    Id,
}
