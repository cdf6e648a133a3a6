//! Passkeys (sign-in with WebAuthn): which member a credential signs in to, and its
//! stored state.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    SqlErr, TransactionTrait,
    prelude::Uuid,
    sea_query::{Expr, OnConflict},
};

use identity::{
    OwnerId, PasskeyStore,
    passkeys::{CredentialId, NewPasskey, Passkey, PasskeyName, PasskeyOwner, StoredCredential},
};

use crate::{
    Store, StoreError,
    entity::{passkey, spent_ceremony},
    members::{Method, ensure_member, remove_keeping_one},
    owners::touch_owner,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl PasskeyStore for Store {
    /// Adds a passkey to the member: [`StoreError::LinkTaken`] when the credential is
    /// registered already (to anyone), [`StoreError::NotFound`] when there is no such
    /// member, [`StoreError::TooManyPasskeys`] when they hold `at_most` already. One
    /// transaction that first locks the member's owner row ([`touch_owner`]): concurrent
    /// ceremonies count one after another, never each the same free place.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn add_passkey(&self, member: OwnerId, new: NewPasskey, at_most: usize) -> Result<()> {
        let txn = self.db.begin().await?;
        touch_owner(&txn, member, self.now()).await?;
        ensure_member(&txn, member).await?;
        let held = passkey::Entity::find()
            .filter(passkey::Column::OwnerId.eq(member.as_uuid()))
            .count(&txn)
            .await?;
        if usize::try_from(held).unwrap_or(usize::MAX) >= at_most {
            return Err(StoreError::TooManyPasskeys);
        }
        insert_passkey(&txn, member, new, self.now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The member's passkeys, oldest first.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn passkeys(&self, member: OwnerId) -> Result<Vec<Passkey>> {
        let rows = passkey::Entity::find()
            .filter(passkey::Column::OwnerId.eq(member.as_uuid()))
            .order_by_asc(passkey::Column::CreatedAt)
            .order_by_asc(passkey::Column::CredentialId)
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|row| {
                let credential_id = CredentialId::parse(&row.credential_id)
                    .ok_or_else(|| StoreError::corrupt("a passkey's credential id"))?;
                Ok(Passkey {
                    credential_id,
                    name: PasskeyName::from_stored(&row.name),
                    created_at: row.created_at,
                    last_used_at: row.last_used_at,
                })
            })
            .collect()
    }

    /// The passkey with this credential id, and whose it is.
    #[tracing::instrument(skip_all)]
    async fn find_passkey(&self, id: &CredentialId) -> Result<Option<PasskeyOwner>> {
        let row = passkey::Entity::find_by_id(id.to_string()).one(&self.db).await?;
        Ok(row.map(|row| PasskeyOwner {
            member: OwnerId::from_uuid(row.owner_id),
            credential: StoredCredential(row.credential),
        }))
    }

    /// Keeps a passkey's state after a sign-in, and when it was used.
    #[tracing::instrument(skip_all)]
    async fn passkey_used(&self, id: &CredentialId, credential: StoredCredential) -> Result<()> {
        let updated = passkey::Entity::update_many()
            .col_expr(passkey::Column::Credential, Expr::value(credential.0))
            .col_expr(passkey::Column::LastUsedAt, Expr::value(self.now()))
            .filter(passkey::Column::CredentialId.eq(id.to_string()))
            .exec(&self.db)
            .await?;
        if updated.rows_affected == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// Removes one of the member's passkeys unless it is their last way to sign in
    /// ([`StoreError::LastSignInMethod`]).
    #[tracing::instrument(skip_all, fields(%member))]
    async fn remove_passkey(&self, member: OwnerId, id: &CredentialId) -> Result<()> {
        let id = id.to_string();
        let mine = Condition::all()
            .add(passkey::Column::OwnerId.eq(member.as_uuid()))
            .add(passkey::Column::CredentialId.eq(id.as_str()));
        remove_keeping_one::<passkey::Entity>(self, member, Method::Passkey(&id), mine).await
    }

    /// One insert that does nothing when the row is there: the primary key decides, so
    /// of concurrent finishes (on any instance) exactly one inserts.
    #[tracing::instrument(skip_all)]
    async fn spend_ceremony(&self, id: Uuid) -> Result<bool> {
        let spent = spent_ceremony::Entity::insert(spent_ceremony::ActiveModel {
            id: Set(id),
            spent_at: Set(self.now()),
        })
        .on_conflict(OnConflict::column(spent_ceremony::Column::Id).do_nothing().to_owned())
        .exec_without_returning(&self.db)
        .await?;
        Ok(spent == 1)
    }
}

/// Inserts a passkey (inside the caller's transaction, when there is one); a credential
/// registered already is [`StoreError::LinkTaken`].
pub(crate) async fn insert_passkey(
    db: &impl ConnectionTrait,
    member: OwnerId,
    new: NewPasskey,
    now: DateTime<Utc>,
) -> Result<()> {
    passkey::Entity::insert(passkey::ActiveModel {
        credential_id: Set(new.credential_id.to_string()),
        owner_id: Set(member.as_uuid()),
        name: Set(new.name.as_str().to_owned()),
        credential: Set(new.credential.0),
        created_at: Set(now),
        last_used_at: Set(None),
    })
    .exec_without_returning(db)
    .await
    .map_err(|error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::LinkTaken,
        _ => StoreError::Database(error),
    })?;
    Ok(())
}
