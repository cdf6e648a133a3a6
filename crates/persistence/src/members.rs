//! What every way to sign in shares: the member it belongs to, and the rule that a
//! member always keeps one (a password, a provider link or a passkey). Below `accounts`,
//! `providers` and `passkeys`, which all read it.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, Query},
};

use identity::{
    OwnerId,
    account::{DisplayName, Email, Member, PasswordHash},
};

use crate::{
    Store, StoreError,
    entity::{linked_account, member, passkey},
    owners::touch_owner,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// [`StoreError::NotFound`] unless `member` is a member: what adding to a member (a link,
/// a passkey) checks first.
pub(crate) async fn ensure_member(db: &impl ConnectionTrait, member: OwnerId) -> Result<()> {
    match member::Entity::find_by_id(member.as_uuid()).one(db).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound),
    }
}

/// A member row, re-validated on the way out like every row.
pub(crate) fn member_from(row: member::Model) -> Result<Member> {
    Ok(Member {
        id: OwnerId::from_uuid(row.owner_id),
        email: Email::parse(&row.email).map_err(StoreError::corrupt)?,
        display_name: DisplayName::from_stored(&row.display_name).map_err(StoreError::corrupt)?,
        password_hash: row.password_hash.map(PasswordHash::new),
        session_version: row.session_version,
        email_verified: row.email_verified_at.is_some(),
        created_at: row.created_at,
    })
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
