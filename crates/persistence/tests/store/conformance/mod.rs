//! What every store backend must do. Each function receives a fresh, migrated database.
//! `roster`: avatars, order, the cap; `owners`: members, merges, sweeps, migrations;
//! `rows`: rows written under older rules; `sweep`: what a sweep deletes and keeps;
//! `waiting`: a merge past the cap, and the member's choice; `devices`: device codes;
//! `once`: idempotency keys.

mod devices;
mod once;
mod owners;
mod roster;
mod rows;
mod sweep;
mod waiting;

use identity::{
    MemberStore, OwnerId,
    account::{DisplayName, Email, Member, NewMember},
};
use persistence::{AvatarId, domain::NewAvatar};
use sea_orm::DbBackend;

pub use devices::*;
pub use once::*;
pub use owners::*;
pub use roster::*;
pub use rows::*;
pub use sweep::*;
pub use waiting::*;

use crate::support::TestDb;

pub(crate) fn avatar(emoji: &str, name: &str) -> NewAvatar {
    NewAvatar::parse(emoji, name, true).expect("valid test avatar")
}

pub(crate) fn names(avatars: &[persistence::domain::Avatar]) -> Vec<&str> {
    avatars.iter().map(|a| a.name.as_str()).collect()
}

/// The roster's names and stored positions, read back from the store.
pub(crate) async fn roster(db: &TestDb, owner: OwnerId) -> Vec<(String, i32)> {
    let listed = db.store.list_avatars(owner).await.expect("list");
    listed.into_iter().map(|a| (a.name.as_str().to_owned(), a.position)).collect()
}

pub(crate) fn places(names: &[&str]) -> Vec<(String, i32)> {
    names.iter().zip(0..).map(|(name, at)| ((*name).to_owned(), at)).collect()
}

/// A roster of `names`, created in that order.
pub(crate) async fn roster_of(db: &TestDb, owner: OwnerId, names: &[&str]) -> Vec<AvatarId> {
    let mut ids = Vec::new();
    for name in names {
        ids.push(db.store.create_avatar(owner, avatar("🐱", name)).await.expect("create").id);
    }
    ids
}

pub(crate) async fn new_member(db: &TestDb, email: &str) -> Member {
    db.store
        .create_member(NewMember {
            id: OwnerId::random(),
            email: Email::parse(email).expect("valid email"),
            display_name: DisplayName::parse("Ada").expect("valid name"),
            password_hash: None,
            link: None,
            passkey: None,
        })
        .await
        .expect("create member")
}

pub(crate) async fn owner_rows(db: &TestDb) -> i64 {
    db.scalar("SELECT COUNT(*) AS n FROM owners").await
}

pub(crate) async fn avatar_rows(db: &TestDb) -> i64 {
    db.scalar("SELECT COUNT(*) AS n FROM avatars").await
}

/// A uuid as a literal of the backend's column type (SQLite stores uuids as blobs).
pub(crate) fn uuid_literal(db: &TestDb, id: OwnerId) -> String {
    match db.backend() {
        DbBackend::Sqlite => format!("X'{}'", id.as_uuid().simple()),
        _ => format!("'{}'", id.as_uuid()),
    }
}
