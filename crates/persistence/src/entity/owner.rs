use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "owners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: OwnerKind,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub merged_into: Option<Uuid>,
}

/// Stored as text so both backends agree without a native enum type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OwnerKind {
    #[sea_orm(string_value = "guest")]
    Guest,
    #[sea_orm(string_value = "member")]
    Member,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::avatar::Entity")]
    Avatar,
    #[sea_orm(has_one = "super::member::Entity")]
    Member,
}

impl Related<super::avatar::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Avatar.def()
    }
}

impl Related<super::member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Member.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
