//! Tokens of links in mail, and what following a reset link does, on the database.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait, Func},
};

use identity::{
    EmailTokenStore, FoundEmailToken, NewEmailToken, OwnerId,
    account::{Member, PasswordHash},
    email::{TokenDigest, TokenPurpose},
};

use crate::{
    Store, StoreError,
    entity::{email_token, member},
    members::member_from,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl EmailTokenStore for Store {
    /// Replaces the member's token of this purpose, in one transaction.
    #[tracing::instrument(skip_all, fields(member = %token.member))]
    async fn issue_email_token(&self, token: NewEmailToken) -> Result<()> {
        let txn = self.db.begin().await?;
        email_token::Entity::delete_many()
            .filter(email_token::Column::MemberId.eq(token.member.as_uuid()))
            .filter(email_token::Column::Purpose.eq(token.purpose.as_str()))
            .exec(&txn)
            .await?;
        email_token::Entity::insert(email_token::ActiveModel {
            digest: Set(token.digest.to_hex()),
            purpose: Set(token.purpose.as_str().to_owned()),
            member_id: Set(token.member.as_uuid()),
            asker: Set(token.asker.to_hex()),
            expires_at: Set(token.expires_at),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn find_email_token(
        &self,
        digest: &TokenDigest,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<FoundEmailToken>> {
        let row = email_token::Entity::find_by_id(digest.to_hex())
            .filter(email_token::Column::Purpose.eq(purpose.as_str()))
            .filter(email_token::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await?;
        row.map(|row| {
            Ok(FoundEmailToken {
                member: OwnerId::from_uuid(row.member_id),
                asker: TokenDigest::from_hex(&row.asker)
                    .ok_or_else(|| StoreError::corrupt("an email token's asker is not a digest"))?,
            })
        })
        .transpose()
    }

    /// Deletes the token only if it is live, returning it, and in the same transaction
    /// sets the hash, the verification time (kept if there was one) and the next session
    /// version. The delete is the transaction's first statement, a write: SQLite takes
    /// its write lock before anything is read, and of two resets at once only one finds
    /// the token to delete.
    #[tracing::instrument(skip_all)]
    async fn reset_password(
        &self,
        digest: &TokenDigest,
        hash: PasswordHash,
        now: DateTime<Utc>,
    ) -> Result<Option<Member>> {
        let txn = self.db.begin().await?;
        let spent = email_token::Entity::delete_many()
            .filter(email_token::Column::Digest.eq(digest.to_hex()))
            .filter(email_token::Column::Purpose.eq(TokenPurpose::ResetPassword.as_str()))
            .filter(email_token::Column::ExpiresAt.gt(now))
            .exec_with_returning(&txn)
            .await?;
        let Some(token) = spent.into_iter().next() else { return Ok(None) };
        let rows = member::Entity::update_many()
            .col_expr(member::Column::PasswordHash, Expr::value(hash.expose()))
            .col_expr(
                member::Column::EmailVerifiedAt,
                Func::coalesce([Expr::col(member::Column::EmailVerifiedAt), Expr::value(now)])
                    .into(),
            )
            .col_expr(
                member::Column::SessionVersion,
                Expr::col(member::Column::SessionVersion).add(1),
            )
            .col_expr(member::Column::UpdatedAt, Expr::value(now))
            .filter(member::Column::OwnerId.eq(token.member_id))
            .exec_with_returning(&txn)
            .await?;
        // No member (deleted meanwhile): the transaction is dropped, nothing changes.
        let Some(row) = rows.into_iter().next() else { return Ok(None) };
        txn.commit().await?;
        member_from(row).map(Some)
    }
}
