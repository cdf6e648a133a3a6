//! Attempt counting for the account rules' limits (`identity::account::Limits`).

use std::time::Duration;

use identity::{AttemptStore, account::AttemptCount};
use sea_orm::{
    ActiveValue::Set,
    EntityTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use crate::{Store, StoreError, entity::attempt};

impl AttemptStore for Store {
    /// Counts one attempt under `key` in the current window, in one upsert: a row from an
    /// earlier window starts over at 1. Atomic on both backends, so concurrent attempts
    /// (on several instances too) are each counted once.
    #[tracing::instrument(skip_all)]
    async fn count_attempt(&self, key: &str, window: Duration) -> Result<AttemptCount, StoreError> {
        let (start, retry_after) = AttemptCount::window(self.now(), window);
        let same_window = Expr::col((attempt::Entity, attempt::Column::WindowStart)).eq(start);
        let counted =
            Expr::case(same_window, Expr::col((attempt::Entity, attempt::Column::Count)).add(1))
                .finally(1);
        let row = attempt::Entity::insert(attempt::ActiveModel {
            key: Set(key.to_owned()),
            window_start: Set(start),
            count: Set(1),
        })
        .on_conflict(
            OnConflict::column(attempt::Column::Key)
                .value(attempt::Column::Count, counted)
                .value(attempt::Column::WindowStart, Expr::value(start))
                .to_owned(),
        )
        .exec_with_returning(&self.db)
        .await?;
        let count = u32::try_from(row.count).unwrap_or(u32::MAX);
        Ok(AttemptCount { count, retry_after })
    }
}
