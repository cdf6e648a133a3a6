use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use identity::Clock;

use crate::inline::Inline;

/// How many avatars one owner may keep unless configured otherwise.
pub const DEFAULT_AVATAR_LIMIT: u64 = 100;

/// The owner-scoped store API. Every avatar call takes the [`crate::OwnerId`] of the
/// identity that is asking and touches only that owner's rows. Its operations are written
/// by subject: `roster` (avatars), `accounts` (members, merges, revocation), `owners`
/// (the rows every owned row hangs from).
///
/// Cheap to clone: the connection pool, the inline connections and the clock are shared.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// On a SQLite file, the roster read and update without the driver's thread hop.
    pub(crate) inline: Option<Arc<Inline>>,
    clock: Arc<dyn Clock>,
    pub(crate) avatar_limit: u64,
}

impl Store {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        let inline = Inline::for_database(&db).map(Arc::new);
        Self { db, inline, clock, avatar_limit: DEFAULT_AVATAR_LIMIT }
    }

    /// The same store without the inline path: every call through SeaORM.
    #[cfg(test)]
    pub(crate) fn without_inline(self) -> Self {
        Self { inline: None, ..self }
    }

    /// Overrides the per-owner avatar cap.
    pub fn with_avatar_limit(mut self, limit: u64) -> Self {
        self.avatar_limit = limit;
        self
    }

    pub fn avatar_limit(&self) -> u64 {
        self.avatar_limit
    }

    /// The underlying connection, for migrations and health checks.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
