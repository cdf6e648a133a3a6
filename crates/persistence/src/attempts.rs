//! Attempt counting for the account rules' limits (`identity::account::Limits`).

use std::time::Duration;

use identity::{AttemptStore, account::AttemptCount};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter,
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

    /// One statement: the count of this window only, never below 0.
    #[tracing::instrument(skip_all)]
    async fn take_back_attempt(&self, key: &str, window: Duration) -> Result<(), StoreError> {
        let (start, _) = AttemptCount::window(self.now(), window);
        let count = Expr::col(attempt::Column::Count);
        attempt::Entity::update_many()
            .col_expr(attempt::Column::Count, count.clone().sub(1))
            .filter(attempt::Column::Key.eq(key))
            .filter(attempt::Column::WindowStart.eq(start))
            .filter(count.gt(0))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
