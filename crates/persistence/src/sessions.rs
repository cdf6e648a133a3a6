//! Revocation: the session version (bumped to end every session of a member) and the
//! sessions signed out one by one. Every check is one query.

use identity::{IdentityStore, OwnerId, SessionId, SessionStore, account::Member};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, SqlErr, UpdateMany,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};

use crate::{
    Store, StoreError,
    entity::{ended_session, member},
    members::member_from,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The identity middleware's questions: whether a session is current, and that a guest
/// came back.
impl IdentityStore for Store {
    type Error = StoreError;

    async fn guest_seen(&self, guest: OwnerId) -> Result<()> {
        self.touch_last_seen(guest).await
    }

    /// The member's current `session_version`, or `None` when there is no such member or
    /// `session` was signed out.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn session_version(
        &self,
        member: OwnerId,
        session: Option<SessionId>,
    ) -> Result<Option<i32>> {
        Ok(member::Entity::find_by_id(member.as_uuid())
            .filter(not_signed_out(session))
            .select_only()
            .column(member::Column::SessionVersion)
            .into_tuple::<i32>()
            .one(&self.db)
            .await?)
    }
}

impl Store {
    /// The member whose page this is, unless `session` was signed out (`None` then, as
    /// for a member that no longer exists). The caller compares the version.
    #[tracing::instrument(skip_all, fields(%member))]
    pub async fn find_member_in_session(
        &self,
        member: OwnerId,
        session: Option<SessionId>,
    ) -> Result<Option<Member>> {
        member::Entity::find_by_id(member.as_uuid())
            .filter(not_signed_out(session))
            .one(&self.db)
            .await?
            .map(member_from)
            .transpose()
    }

    /// [`Store::bump_session_version`] with more of the member's columns set by `also`,
    /// in the same statement (a password change: the new hash).
    pub(crate) async fn bump_session_version_and(
        &self,
        member: OwnerId,
        also: impl FnOnce(UpdateMany<member::Entity>) -> UpdateMany<member::Entity>,
    ) -> Result<i32> {
        let update = member::Entity::update_many()
            .col_expr(
                member::Column::SessionVersion,
                Expr::col(member::Column::SessionVersion).add(1),
            )
            .col_expr(member::Column::UpdatedAt, Expr::value(self.now()))
            .filter(member::Column::OwnerId.eq(member.as_uuid()));
        let rows = also(update).exec_with_returning(&self.db).await?;
        rows.first().map(|row| row.session_version).ok_or(StoreError::NotFound)
    }
}

impl SessionStore for Store {
    /// Records that `session` was signed out; a second time changes nothing.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn end_session(&self, member: OwnerId, session: SessionId) -> Result<()> {
        let row = ended_session::ActiveModel {
            id: Set(session.as_uuid()),
            owner_id: Set(member.as_uuid()),
            ended_at: Set(self.now()),
        };
        ended_session::Entity::insert(row)
            .on_conflict(OnConflict::column(ended_session::Column::Id).do_nothing().to_owned())
            .exec_without_returning(&self.db)
            .await
            .map_err(|error| match error.sql_err() {
                Some(SqlErr::ForeignKeyConstraintViolation(_)) => StoreError::NotFound,
                _ => StoreError::Database(error),
            })?;
        Ok(())
    }

    /// Ends every session the member holds ("sign out everywhere", password change):
    /// sessions carry the version they were issued with, and older ones are refused.
    /// Returns the new version.
    #[tracing::instrument(skip_all, fields(%member))]
    async fn bump_session_version(&self, member: OwnerId) -> Result<i32> {
        self.bump_session_version_and(member, |update| update).await
    }
}

/// No row in `ended_sessions` for `session` (always true for a session without an id).
fn not_signed_out(session: Option<SessionId>) -> Condition {
    let mut condition = Condition::all();
    if let Some(session) = session {
        let ended = Query::select()
            .expr(Expr::value(1))
            .from(ended_session::Entity)
            .and_where(Expr::col(ended_session::Column::Id).eq(session.as_uuid()))
            .to_owned();
        condition = condition.add(Expr::exists(ended).not());
    }
    condition
}
