//! Passkeys (sign-in with WebAuthn): which member a credential signs in to, its stored
//! state, and — shared with provider links — the rule that a member always keeps a way
//! to sign in.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr,
    TransactionTrait,
    sea_query::{Expr, Query},
};

use identity::{
    OwnerId, PasskeyStore,
    passkeys::{CredentialId, NewPasskey, Passkey, PasskeyName, PasskeyOwner, StoredCredential},
};

use crate::{
    Store, StoreError,
    accounts::ensure_member,
    entity::{linked_account, member, passkey},
    owners::touch_owner,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

impl PasskeyStore for Store {
    /// Adds a passkey to the member: [`StoreError::LinkTaken`] when the credential is
    /// registered already (to anyone), [`StoreError::NotFound`] when there is no such
    /// member.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn add_passkey(&self, member: OwnerId, new: NewPasskey) -> Result<()> {
        ensure_member(&self.db, member).await?;
        insert_passkey(&self.db, member, new, self.now()).await
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
}

/// Removes the rows of `E` that `mine` selects — one of the member's ways to sign in,
/// `going` — unless it is the last one ([`StoreError::LastSignInMethod`]; nothing there
/// is done already). The member's owner row is locked first ([`touch_owner`]), so two
/// removals at once cannot each count on the other's method.
pub(crate) async fn remove_keeping_one<E: EntityTrait>(
    store: &Store,
    member: OwnerId,
    going: Method<'_>,
    mine: Condition,
) -> Result<()> {
    let txn = store.db.begin().await?;
    touch_owner(&txn, member, store.now()).await?;
    let removed = E::delete_many()
        .filter(mine.clone())
        .filter(another_way_to_sign_in(member, going))
        .exec(&txn)
        .await?;
    let kept = removed.rows_affected == 0 && E::find().filter(mine).one(&txn).await?.is_some();
    txn.commit().await?;
    if kept { Err(StoreError::LastSignInMethod) } else { Ok(()) }
}

/// A way to sign in that is about to go.
pub(crate) enum Method<'a> {
    /// The link at this provider.
    Link(&'a str),
    /// The passkey with this (base64url) credential id.
    Passkey(&'a str),
}

/// True where `member` has a way to sign in besides `going`: a password, another link,
/// another passkey.
pub(crate) fn another_way_to_sign_in(member: OwnerId, going: Method<'_>) -> Condition {
    let mut links = Query::select()
        .expr(Expr::val(1))
        .from(linked_account::Entity)
        .and_where(linked_account::Column::OwnerId.eq(member.as_uuid()))
        .to_owned();
    let mut passkeys = Query::select()
        .expr(Expr::val(1))
        .from(passkey::Entity)
        .and_where(passkey::Column::OwnerId.eq(member.as_uuid()))
        .to_owned();
    match going {
        Method::Link(provider) => links.and_where(linked_account::Column::Provider.ne(provider)),
        Method::Passkey(id) => passkeys.and_where(passkey::Column::CredentialId.ne(id)),
    };
    let password = Query::select()
        .expr(Expr::val(1))
        .from(member::Entity)
        .and_where(member::Column::OwnerId.eq(member.as_uuid()))
        .and_where(member::Column::PasswordHash.is_not_null())
        .to_owned();
    Condition::any()
        .add(Expr::exists(password))
        .add(Expr::exists(links))
        .add(Expr::exists(passkeys))
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
