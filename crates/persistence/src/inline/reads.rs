//! The roster read. In WAL mode a reader never waits for a writer; only a WAL recovery
//! or a checkpoint's restart takes a lock that readers wait for.

use std::{path::Path, time::Duration};

use rusqlite::Connection;

use identity::OwnerId;

use super::{Aside, Inline, columns, model, open};
use crate::entity::avatar;

/// How long a read waits on a lock before stepping aside.
const BUSY_TIMEOUT: Duration = Duration::from_millis(20);

/// The owner's avatars in roster order (as `roster::in_roster_order` sorts them).
const LIST: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM avatars WHERE owner_id = ?1 ORDER BY position, created_at, id"
);

/// Readers kept for reuse; reads never await, so at most one per thread runs at once.
const IDLE_READERS: usize = 8;

impl Inline {
    /// The owner's rows in roster order, or `None` when this path cannot answer (the
    /// caller then asks SeaORM).
    pub(crate) fn list(&self, owner: OwnerId) -> Option<Vec<avatar::Model>> {
        let connection = self.reader()?;
        let rows = list(&connection, owner);
        if rows.as_ref().err().is_none_or(Aside::keeps_connection)
            && let Ok(mut idle) = self.readers.lock()
            && idle.len() < IDLE_READERS
        {
            idle.push(connection);
        }
        rows.inspect_err(|error| tracing::debug!(%error, "inline read stepped aside")).ok()
    }

    fn reader(&self) -> Option<Connection> {
        let reused = self.readers.lock().ok().and_then(|mut idle| idle.pop());
        reused.or_else(|| {
            open_reader(&self.path)
                .inspect_err(|error| tracing::debug!(%error, "inline reader: cannot open"))
                .ok()
        })
    }
}

/// A read-only connection to the SQLite file at `path`.
pub(crate) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let connection = open(path, BUSY_TIMEOUT)?;
    // Read-only by promise, not by file mode: a reader on a WAL database may need to
    // write the shared-memory index.
    connection.pragma_update(None, "query_only", true)?;
    Ok(connection)
}

fn list(connection: &Connection, owner: OwnerId) -> Result<Vec<avatar::Model>, Aside> {
    let mut statement = connection.prepare_cached(LIST)?;
    let mut rows = statement.query([owner.as_uuid().as_bytes().as_slice()])?;
    let mut models = Vec::new();
    while let Some(row) = rows.next()? {
        models.push(model(row)?);
    }
    Ok(models)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use identity::{OwnerId, SystemClock};
    use sea_orm::ConnectionTrait;

    use crate::testing::store_with_avatars;
    use crate::{Store, db};

    #[tokio::test]
    async fn reads_what_the_store_wrote_as_seaorm_does() {
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        let inline = store.inline.as_ref().expect("the inline path on a SQLite file");
        let rows = inline.list(owner).expect("answered on the calling thread");
        assert_eq!(rows, crate::roster::models(&store.db, owner).await.expect("read"));
        assert_eq!(
            rows.iter().map(|row| row.name.as_str()).collect::<Vec<_>>(),
            ["Ada", "Grace", "Edsger"]
        );
        assert_eq!(inline.list(OwnerId::random()), Some(Vec::new()), "another owner's rows");
    }

    #[tokio::test]
    async fn steps_aside_for_a_time_it_does_not_read_and_seaorm_answers() {
        let (dir, owner) = (tempfile::tempdir().expect("folder"), OwnerId::random());
        let store = store_with_avatars(&dir, owner).await;
        // A time as SQLite's own functions write it (not what sqlx writes).
        store
            .db
            .execute_unprepared("UPDATE avatars SET created_at = '2026-11-28 10:00:00'")
            .await
            .expect("updated");
        let inline = store.inline.as_ref().expect("the inline path");
        assert_eq!(inline.list(owner), None);
        let avatars = store.list_avatars(owner).await.expect("read through SeaORM");
        assert_eq!(avatars.len(), 3);
    }

    #[tokio::test]
    async fn none_for_a_database_in_memory() {
        let connection = db::connect("sqlite::memory:").await.expect("open");
        assert!(Store::new(connection, Arc::new(SystemClock)).inline.is_none());
    }
}
