//! Passkeys: a member's WebAuthn credentials, keyed by the credential id (unpadded
//! base64url; an authenticator makes ids of up to 1,023 bytes, 1,364 characters). The
//! credential itself (public key, signature counter, backup flags) is kept as the
//! WebAuthn library serialises it, as text: the store only keeps it and hands it back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Passkeys::Table)
                    .col(string_len(Passkeys::CredentialId, 1400).primary_key())
                    .col(uuid(Passkeys::OwnerId))
                    .col(string_len(Passkeys::Name, 400))
                    .col(text(Passkeys::Credential))
                    .col(timestamp_with_time_zone(Passkeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(Passkeys::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_passkeys_owner")
                            .from(Passkeys::Table, Passkeys::OwnerId)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // How a member's passkeys are listed, and what deleting a member cascades
        // through.
        manager
            .create_index(
                Index::create()
                    .name("idx_passkeys_owner")
                    .table(Passkeys::Table)
                    .col(Passkeys::OwnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Passkeys::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Passkeys {
    Table,
    CredentialId,
    OwnerId,
    Name,
    Credential,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    Id,
}
