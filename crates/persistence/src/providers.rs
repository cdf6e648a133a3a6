//! Provider links (sign-in with OpenID Connect): which member a provider identity signs
//! in to, and the rule that a member always keeps a way to sign in.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr,
    TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use identity::{
    LinkStore, OwnerId,
    account::Member,
    providers::{Link, LinkedAccount},
};

use crate::{
    Store, StoreError,
    email::forget_unproven_ways_in,
    entity::{linked_account, member},
    members::{Method, ensure_member, member_from, remove_keeping_one},
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl LinkStore for Store {
    /// The member a provider identity is linked to.
    #[tracing::instrument(skip_all)]
    async fn find_member_by_link(&self, issuer: &str, subject: &str) -> Result<Option<Member>> {
        let Some(link) =
            linked_account::Entity::find_by_id((issuer.to_owned(), subject.to_owned()))
                .one(&self.db)
                .await?
        else {
            return Ok(None);
        };
        member::Entity::find_by_id(link.owner_id).one(&self.db).await?.map(member_from).transpose()
    }

    /// Links a provider identity to the member: [`StoreError::LinkTaken`] when it is
    /// linked to anyone already or the member has a link at this provider,
    /// [`StoreError::NotFound`] when there is no such member.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn link_account(&self, member: OwnerId, link: Link) -> Result<()> {
        ensure_member(&self.db, member).await?;
        insert_link(&self.db, member, link, self.now()).await
    }

    /// Removes the member's link at `provider` unless it is their last way to sign in
    /// ([`StoreError::LastSignInMethod`]).
    #[tracing::instrument(skip_all, fields(%member))]
    async fn unlink_account(&self, member: OwnerId, provider: &str) -> Result<()> {
        let mine = Condition::all()
            .add(linked_account::Column::OwnerId.eq(member.as_uuid()))
            .add(linked_account::Column::Provider.eq(provider));
        remove_keeping_one::<linked_account::Entity>(self, member, Method::Link(provider), mine)
            .await
    }

    /// One transaction whose first statement is the update that takes the account only
    /// while its address is unconfirmed (a write first: SQLite locks before reading), then
    /// the removals and the new link.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn take_unconfirmed_account(
        &self,
        member: OwnerId,
        link: Link,
    ) -> Result<Option<Member>> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let rows = member::Entity::update_many()
            .col_expr(member::Column::PasswordHash, Expr::value(Option::<String>::None))
            .col_expr(member::Column::EmailVerifiedAt, Expr::value(now))
            .col_expr(
                member::Column::SessionVersion,
                Expr::col(member::Column::SessionVersion).add(1),
            )
            .col_expr(member::Column::UpdatedAt, Expr::value(now))
            .filter(member::Column::OwnerId.eq(member.as_uuid()))
            .filter(member::Column::EmailVerifiedAt.is_null())
            .exec_with_returning(&txn)
            .await?;
        let Some(row) = rows.into_iter().next() else { return Ok(None) };
        forget_unproven_ways_in(&txn, member).await?;
        insert_link(&txn, member, link, now).await?;
        txn.commit().await?;
        member_from(row).map(Some)
    }

    /// The member's links, oldest first.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn linked_accounts(&self, member: OwnerId) -> Result<Vec<LinkedAccount>> {
        let rows = linked_account::Entity::find()
            .filter(linked_account::Column::OwnerId.eq(member.as_uuid()))
            .order_by_asc(linked_account::Column::CreatedAt)
            .order_by_asc(linked_account::Column::Provider)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| LinkedAccount { provider: row.provider, linked_at: row.created_at })
            .collect())
    }
}

/// Inserts a link (inside the caller's transaction, when there is one); a taken identity
/// or provider is [`StoreError::LinkTaken`].
pub(crate) async fn insert_link(
    db: &impl ConnectionTrait,
    member: OwnerId,
    link: Link,
    now: DateTime<Utc>,
) -> Result<()> {
    linked_account::Entity::insert(linked_account::ActiveModel {
        issuer: Set(link.issuer),
        subject: Set(link.subject),
        provider: Set(link.provider),
        owner_id: Set(member.as_uuid()),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map_err(|error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::LinkTaken,
        _ => StoreError::Database(error),
    })?;
    Ok(())
}
