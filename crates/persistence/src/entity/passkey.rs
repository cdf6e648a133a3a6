use sea_orm::entity::prelude::*;

/// A member's passkey: see the `m20261128_000004_passkeys` migration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passkeys")]
pub struct Model {
    /// Unpadded base64url.
    #[sea_orm(primary_key, auto_increment = false)]
    pub credential_id: String,
    pub owner_id: Uuid,
    pub name: String,
    /// The WebAuthn credential, as `identity` serialised it.
    pub credential: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
