//! What the crate's own unit tests share: a store on a SQLite file with avatars in it.

use std::sync::Arc;

use identity::{OwnerId, SystemClock};

use crate::{Store, db, domain::NewAvatar};

/// A store on a SQLite file in `dir`, and three avatars of `owner`'s in it.
pub(crate) async fn store_with_avatars(dir: &tempfile::TempDir, owner: OwnerId) -> Store {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("store.db").display());
    db::migrate_before_connecting(&url).await.expect("migrate");
    let connection = db::connect(&url).await.expect("open");
    let store = Store::new(connection, Arc::new(SystemClock));
    for name in ["Ada", "Grace", "Edsger"] {
        let new = NewAvatar::parse("🦊", name, true).expect("valid");
        store.create_avatar(owner, new).await.expect("created");
    }
    store
}
