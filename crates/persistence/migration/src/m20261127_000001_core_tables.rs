//! Owners (guests and members), members, linked OAuth accounts and avatars.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Every identity that owns data: a guest (created on its first write) or a member.
        // `id` is the guest's sid or the member's id; the two never coincide.
        manager
            .create_table(
                Table::create()
                    .table(Owners::Table)
                    .col(pk_uuid(Owners::Id))
                    .col(
                        string_len(Owners::Kind, 16)
                            .check(Expr::col(Owners::Kind).is_in(["guest", "member"])),
                    )
                    .col(timestamp_with_time_zone(Owners::CreatedAt))
                    .col(timestamp_with_time_zone(Owners::LastSeenAt))
                    // Set once a guest's roster has moved to a member: the guest is then
                    // retired and its token can no longer write.
                    .col(uuid_null(Owners::MergedInto))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_owners_merged_into")
                            .from(Owners::Table, Owners::MergedInto)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The stale-guest sweep filters on both columns.
        manager
            .create_index(
                Index::create()
                    .name("idx_owners_kind_last_seen_at")
                    .table(Owners::Table)
                    .col(Owners::Kind)
                    .col(Owners::LastSeenAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Members::Table)
                    .col(pk_uuid(Members::OwnerId))
                    // Stored normalised (trimmed, NFC, lower case) so the unique index is
                    // the case-insensitive uniqueness users expect.
                    .col(string_len_uniq(Members::Email, 254))
                    .col(string_len(Members::DisplayName, 80))
                    .col(text_null(Members::PasswordHash))
                    .col(integer(Members::SessionVersion).default(1))
                    .col(timestamp_with_time_zone(Members::CreatedAt))
                    .col(timestamp_with_time_zone(Members::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_members_owner")
                            .from(Members::Table, Members::OwnerId)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

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
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_linked_accounts_owner")
                            .from(LinkedAccounts::Table, LinkedAccounts::OwnerId)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
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
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Avatars::Table)
                    .col(pk_uuid(Avatars::Id))
                    .col(uuid(Avatars::OwnerId))
                    .col(string_len(Avatars::Emoji, 64))
                    .col(text(Avatars::Name))
                    .col(boolean(Avatars::IsActive).default(true))
                    .col(integer(Avatars::Position))
                    .col(timestamp_with_time_zone(Avatars::CreatedAt))
                    .col(timestamp_with_time_zone(Avatars::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_avatars_owner")
                            .from(Avatars::Table, Avatars::OwnerId)
                            .to(Owners::Table, Owners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Every roster read is "this owner's avatars in order".
        manager
            .create_index(
                Index::create()
                    .name("idx_avatars_owner_position")
                    .table(Avatars::Table)
                    .col(Avatars::OwnerId)
                    .col(Avatars::Position)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Avatars::Table.into_iden(),
            LinkedAccounts::Table.into_iden(),
            Members::Table.into_iden(),
            Owners::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    Id,
    Kind,
    CreatedAt,
    LastSeenAt,
    MergedInto,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    OwnerId,
    Email,
    DisplayName,
    PasswordHash,
    SessionVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LinkedAccounts {
    Table,
    Provider,
    Subject,
    OwnerId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Avatars {
    Table,
    Id,
    OwnerId,
    Emoji,
    Name,
    IsActive,
    Position,
    CreatedAt,
    UpdatedAt,
}
