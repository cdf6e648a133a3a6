//! Tokens of links in mail, and what following one does, on the database.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait, Func, SimpleExpr},
};

use identity::{
    ChangedEmail, EmailTokenStore, FoundEmailToken, NewEmailToken, OwnerId,
    account::{Email, Member, PasswordHash},
    email::{TokenDigest, TokenPurpose},
};

use crate::{
    Store, StoreError,
    entity::{email_token, linked_account, member, passkey},
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
            email: Set(token.email.as_str().to_owned()),
            asker: Set(token.asker.map(TokenDigest::to_hex)),
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
            let asker = row.asker.as_deref().map(|hex| {
                TokenDigest::from_hex(hex)
                    .ok_or_else(|| StoreError::corrupt("an email token's asker is not a digest"))
            });
            Ok(FoundEmailToken {
                member: OwnerId::from_uuid(row.member_id),
                asker: asker.transpose()?,
            })
        })
        .transpose()
    }

    /// Deletes the token only if it is live, returning it, and in the same transaction
    /// removes the passkeys and links of an unconfirmed address's holder and sets the
    /// hash, the verification time (kept if there was one) and the next session version.
    /// The delete is the transaction's first statement, a write: SQLite takes its write
    /// lock before anything is read, and of two resets at once only one finds the token
    /// to delete.
    #[tracing::instrument(skip_all)]
    async fn reset_password(
        &self,
        digest: &TokenDigest,
        hash: PasswordHash,
        now: DateTime<Utc>,
    ) -> Result<Option<Member>> {
        let txn = self.db.begin().await?;
        let Some(token) = spend(&txn, digest, TokenPurpose::ResetPassword, now).await? else {
            return Ok(None);
        };
        forget_if_unconfirmed(&txn, OwnerId::from_uuid(token.member_id)).await?;
        let rows = member::Entity::update_many()
            .col_expr(member::Column::PasswordHash, Expr::value(hash.expose()))
            .col_expr(member::Column::EmailVerifiedAt, confirmed(now))
            .col_expr(
                member::Column::SessionVersion,
                Expr::col(member::Column::SessionVersion).add(1),
            )
            .col_expr(member::Column::UpdatedAt, Expr::value(now))
            .filter(member::Column::OwnerId.eq(token.member_id))
            .filter(member::Column::Email.eq(token.email))
            .exec_with_returning(&txn)
            .await?;
        // No member with the address (deleted, or moved to another address, meanwhile):
        // the transaction is dropped, nothing changes.
        let Some(row) = rows.into_iter().next() else { return Ok(None) };
        txn.commit().await?;
        member_from(row).map(Some)
    }

    #[tracing::instrument(skip_all)]
    async fn tokens_asked_by(
        &self,
        asker: &TokenDigest,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> Result<Vec<TokenDigest>> {
        let rows = email_token::Entity::find()
            .filter(email_token::Column::Asker.eq(asker.to_hex()))
            .filter(email_token::Column::Purpose.eq(purpose.as_str()))
            .filter(email_token::Column::ExpiresAt.gt(now))
            .all(&self.db)
            .await?;
        rows.iter()
            .map(|row| {
                TokenDigest::from_hex(&row.digest)
                    .ok_or_else(|| StoreError::corrupt("an email token's digest is not a digest"))
            })
            .collect()
    }

    /// Spends the token and, in the same transaction, confirms the address; for an
    /// address unconfirmed until now, also removes the password, the passkeys and links,
    /// and ends every session.
    #[tracing::instrument(skip_all)]
    async fn sign_in_with_token(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> Result<Option<Member>> {
        let txn = self.db.begin().await?;
        let Some(token) = spend(&txn, digest, TokenPurpose::SignIn, now).await? else {
            return Ok(None);
        };
        let unconfirmed = forget_if_unconfirmed(&txn, OwnerId::from_uuid(token.member_id)).await?;
        let mut update = member::Entity::update_many()
            .col_expr(member::Column::EmailVerifiedAt, confirmed(now))
            .col_expr(member::Column::UpdatedAt, Expr::value(now));
        if unconfirmed {
            update = update
                .col_expr(member::Column::PasswordHash, Expr::value(Option::<String>::None))
                .col_expr(
                    member::Column::SessionVersion,
                    Expr::col(member::Column::SessionVersion).add(1),
                );
        }
        let rows = update
            .filter(member::Column::OwnerId.eq(token.member_id))
            .filter(member::Column::Email.eq(token.email))
            .exec_with_returning(&txn)
            .await?;
        // No member with the address (deleted, or moved to another address, meanwhile):
        // the transaction is dropped, nothing changes.
        let Some(row) = rows.into_iter().next() else { return Ok(None) };
        txn.commit().await?;
        member_from(row).map(Some)
    }

    /// Spends the token and, in the same transaction, stamps the address confirmed if the
    /// member still has the address it was mailed to.
    #[tracing::instrument(skip_all)]
    async fn verify_email(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> Result<Option<Member>> {
        let txn = self.db.begin().await?;
        let Some(token) = spend(&txn, digest, TokenPurpose::VerifyEmail, now).await? else {
            return Ok(None);
        };
        let rows = member::Entity::update_many()
            .col_expr(member::Column::EmailVerifiedAt, confirmed(now))
            .col_expr(member::Column::UpdatedAt, Expr::value(now))
            .filter(member::Column::OwnerId.eq(token.member_id))
            .filter(member::Column::Email.eq(token.email))
            .exec_with_returning(&txn)
            .await?;
        // The token is spent even when the address changed since.
        txn.commit().await?;
        rows.into_iter().next().map(member_from).transpose()
    }

    /// Spends the token and, in the same transaction, moves the member to the address
    /// (the unique index refuses one that another account holds: the transaction is
    /// dropped), ends every session and drops the member's other tokens.
    #[tracing::instrument(skip_all)]
    async fn change_email(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> Result<Option<ChangedEmail>> {
        let txn = self.db.begin().await?;
        let Some(token) = spend(&txn, digest, TokenPurpose::ChangeEmail, now).await? else {
            return Ok(None);
        };
        let Some(before) = member::Entity::find_by_id(token.member_id).one(&txn).await? else {
            return Ok(None);
        };
        let rows = member::Entity::update_many()
            .col_expr(member::Column::Email, Expr::value(token.email))
            .col_expr(member::Column::EmailVerifiedAt, Expr::value(now))
            .col_expr(
                member::Column::SessionVersion,
                Expr::col(member::Column::SessionVersion).add(1),
            )
            .col_expr(member::Column::UpdatedAt, Expr::value(now))
            .filter(member::Column::OwnerId.eq(token.member_id))
            .exec_with_returning(&txn)
            .await
            .map_err(StoreError::from_address_write)?;
        let Some(row) = rows.into_iter().next() else { return Ok(None) };
        email_token::Entity::delete_many()
            .filter(email_token::Column::MemberId.eq(token.member_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        let old = Email::parse(&before.email).map_err(StoreError::corrupt)?;
        Ok(Some(ChangedEmail { member: member_from(row)?, old }))
    }
}

/// The address's confirmation time: kept if there was one, else `now`.
fn confirmed(now: DateTime<Utc>) -> SimpleExpr {
    Func::coalesce([Expr::col(member::Column::EmailVerifiedAt), Expr::value(now)]).into()
}

/// Deletes a live token of `purpose`, returning it: the first statement of a transaction
/// that acts on it, so that of two at once only one finds it.
async fn spend(
    txn: &DatabaseTransaction,
    digest: &TokenDigest,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<email_token::Model>> {
    let spent = email_token::Entity::delete_many()
        .filter(email_token::Column::Digest.eq(digest.to_hex()))
        .filter(email_token::Column::Purpose.eq(purpose.as_str()))
        .filter(email_token::Column::ExpiresAt.gt(now))
        .exec_with_returning(txn)
        .await?;
    Ok(spent.into_iter().next())
}

/// When the member's address is unconfirmed, removes its passkeys and links (inside the
/// caller's transaction, which goes on to confirm it); returns whether it was.
async fn forget_if_unconfirmed(txn: &DatabaseTransaction, member: OwnerId) -> Result<bool> {
    let unconfirmed = member::Entity::find_by_id(member.as_uuid())
        .filter(member::Column::EmailVerifiedAt.is_null())
        .one(txn)
        .await?
        .is_some();
    if unconfirmed {
        forget_unproven_ways_in(txn, member).await?;
    }
    Ok(unconfirmed)
}

/// Removes every passkey and provider link of a member whose address was unconfirmed
/// until now (inside the caller's transaction): the address's owner takes the account,
/// and whoever made it with their address keeps no way in.
pub(crate) async fn forget_unproven_ways_in(
    db: &impl ConnectionTrait,
    member: OwnerId,
) -> Result<()> {
    passkey::Entity::delete_many()
        .filter(passkey::Column::OwnerId.eq(member.as_uuid()))
        .exec(db)
        .await?;
    linked_account::Entity::delete_many()
        .filter(linked_account::Column::OwnerId.eq(member.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}
