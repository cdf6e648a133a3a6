//! Deleting what nobody will ask for again: guests not seen for the retention period
//! (with their avatars), attempt counts of windows long over, signed-out sessions that
//! would have expired anyway, finished passkey ceremonies whose cookies expired, and
//! tokens of links in mail and device codes that expired, idempotency keys a day old.
//! Members are never swept.

use chrono::Duration;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::{
    Store, StoreError,
    entity::{
        attempt, change_key, device_code, email_token, ended_session,
        owner::{self, OwnerKind},
        spent_ceremony,
    },
};

/// Guests deleted per statement: each batch is its own short statement, so writers (on
/// SQLite, one at a time) get the database between batches.
const BATCH: u64 = 500;

/// No attempt window is longer than a day.
const ATTEMPTS_KEPT: Duration = Duration::days(1);

/// A ceremony's cookie lives five minutes; its spent mark is kept an hour.
const CEREMONIES_KEPT: Duration = Duration::hours(1);

/// What one sweep deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub guests: u64,
    pub attempts: u64,
    pub ended_sessions: u64,
    pub ceremonies: u64,
    pub email_tokens: u64,
    pub device_codes: u64,
    pub change_keys: u64,
}

impl Store {
    /// Deletes guests not seen for `guest_retention` (their avatars go by cascade), in
    /// batches; attempt counts older than a day; ended sessions older than
    /// `session_lifetime` (the longest a session lives, so none of them could be used).
    #[tracing::instrument(skip_all)]
    pub async fn sweep(
        &self,
        guest_retention: Duration,
        session_lifetime: Duration,
    ) -> Result<SweepReport, StoreError> {
        let now = self.now();
        let mut report = SweepReport::default();
        loop {
            let stale = Query::select()
                .column(owner::Column::Id)
                .from(owner::Entity)
                .and_where(Expr::col(owner::Column::Kind).eq(OwnerKind::Guest))
                .and_where(Expr::col(owner::Column::LastSeenAt).lt(now - guest_retention))
                .limit(BATCH)
                .to_owned();
            let deleted = owner::Entity::delete_many()
                .filter(owner::Column::Id.in_subquery(stale))
                .exec(&self.db)
                .await?
                .rows_affected;
            report.guests += deleted;
            if deleted < BATCH {
                break;
            }
        }
        report.attempts = attempt::Entity::delete_many()
            .filter(attempt::Column::WindowStart.lt((now - ATTEMPTS_KEPT).timestamp()))
            .exec(&self.db)
            .await?
            .rows_affected;
        report.ended_sessions = ended_session::Entity::delete_many()
            .filter(ended_session::Column::EndedAt.lt(now - session_lifetime))
            .exec(&self.db)
            .await?
            .rows_affected;
        report.ceremonies = spent_ceremony::Entity::delete_many()
            .filter(spent_ceremony::Column::SpentAt.lt(now - CEREMONIES_KEPT))
            .exec(&self.db)
            .await?
            .rows_affected;
        report.email_tokens = email_token::Entity::delete_many()
            .filter(email_token::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?
            .rows_affected;
        report.device_codes = device_code::Entity::delete_many()
            .filter(device_code::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?
            .rows_affected;
        report.change_keys = change_key::Entity::delete_many()
            .filter(change_key::Column::CreatedAt.lt(now - crate::once::KEPT))
            .exec(&self.db)
            .await?
            .rows_affected;
        Ok(report)
    }
}
