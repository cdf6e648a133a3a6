use sea_orm::entity::prelude::*;

/// A token of a link in mail: see the `m20261203_000003_email_tokens` and
/// `m20261204_000001_email_token_addresses` migrations.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
    pub purpose: String,
    pub member_id: Uuid,
    pub email: String,
    pub asker: Option<String>,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
