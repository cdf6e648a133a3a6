//! Owners and members: half-written rows, merges, cascades, migrations.

use identity::{
    MemberStore, OwnerId,
    account::{DisplayName, Email, NewMember},
    providers::Link,
};
use migration::{Migrator, MigratorTrait};
use persistence::StoreError;
use sea_orm::DbBackend;

use super::*;
use crate::support::TestDb;

/// The account rules themselves are `identity`'s conformance suite (run below on both
/// backends); this checks what only a database can get wrong: half-written rows.
pub async fn a_second_member_with_the_same_email_is_rejected(db: TestDb) {
    new_member(&db, "ada@example.com").await;
    let again = db
        .store
        .create_member(NewMember {
            id: OwnerId::random(),
            email: Email::parse("ADA@example.com").expect("valid"),
            display_name: DisplayName::parse("Impostor").expect("valid"),
            password_hash: None,
            link: None,
            passkey: None,
        })
        .await;
    assert!(matches!(again, Err(StoreError::EmailTaken)), "{again:?}");
    // Nothing half-written: one member, one owner.
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM members").await, 1);
    assert_eq!(owner_rows(&db).await, 1);
}

pub async fn merge_moves_every_avatar_to_the_end_of_the_members_roster(db: TestDb) {
    let member = new_member(&db, "ada@example.com").await;
    let guest = OwnerId::random();
    db.store.create_avatar(member.id, avatar("🦉", "Owl")).await.expect("create");
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    db.store.create_avatar(guest, avatar("🐶", "Dog")).await.expect("create");

    let report = db.store.merge_guest_into_member(guest, member.id).await.expect("merge");
    assert_eq!(report.moved_avatars, 2);
    assert!(!report.already_merged);
    assert_eq!(
        names(&db.store.list_avatars(member.id).await.expect("list")),
        ["Owl", "Cat", "Dog"]
    );
    assert!(db.store.list_avatars(guest).await.expect("list").is_empty());

    // The guest is retired: its (stale) token can no longer write.
    let late = db.store.create_avatar(guest, avatar("🐭", "Mouse")).await;
    assert!(matches!(late, Err(StoreError::GuestMerged)), "{late:?}");
    assert_eq!(avatar_rows(&db).await, 3);
}

pub async fn merge_is_idempotent(db: TestDb) {
    let member = new_member(&db, "ada@example.com").await;
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    db.store.merge_guest_into_member(guest, member.id).await.expect("merge");
    let before = db.store.list_avatars(member.id).await.expect("list");

    let replay = db.store.merge_guest_into_member(guest, member.id).await.expect("replay");
    assert_eq!(replay.moved_avatars, 0);
    assert!(replay.already_merged);
    assert_eq!(db.store.list_avatars(member.id).await.expect("list"), before);
}

pub async fn merging_a_guest_that_never_wrote_retires_its_id(db: TestDb) {
    let member = new_member(&db, "ada@example.com").await;
    let guest = OwnerId::random();
    let report = db.store.merge_guest_into_member(guest, member.id).await.expect("merge");
    assert_eq!(report.moved_avatars, 0);
    let late = db.store.create_avatar(guest, avatar("🐭", "Mouse")).await;
    assert!(matches!(late, Err(StoreError::GuestMerged)), "{late:?}");
}

pub async fn a_merged_guest_cannot_be_merged_into_another_member(db: TestDb) {
    let ada = new_member(&db, "ada@example.com").await;
    let bob = new_member(&db, "bob@example.com").await;
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    db.store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    let second = db.store.merge_guest_into_member(guest, bob.id).await;
    assert!(matches!(second, Err(StoreError::GuestMerged)), "{second:?}");
    assert_eq!(names(&db.store.list_avatars(ada.id).await.expect("list")), ["Cat"]);
    assert!(db.store.list_avatars(bob.id).await.expect("list").is_empty());
    // A member is not a guest: it cannot be merged into anyone.
    let member_as_guest = db.store.merge_guest_into_member(ada.id, bob.id).await;
    assert!(matches!(member_as_guest, Err(StoreError::NotFound)), "{member_as_guest:?}");
    assert_eq!(names(&db.store.list_avatars(ada.id).await.expect("list")), ["Cat"]);
}

pub async fn merge_into_an_unknown_member_changes_nothing(db: TestDb) {
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    let result = db.store.merge_guest_into_member(guest, OwnerId::random()).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    assert_eq!(names(&db.store.list_avatars(guest).await.expect("list")), ["Cat"]);
    db.store.create_avatar(guest, avatar("🐶", "Dog")).await.expect("guest still writes");
}

pub async fn merge_that_fails_midway_leaves_both_sides_unchanged(db: TestDb) {
    let member = new_member(&db, "ada@example.com").await;
    let guest = OwnerId::random();
    db.store.create_avatar(member.id, avatar("🦉", "Owl")).await.expect("create");
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    db.store.create_avatar(guest, avatar("🐶", "Dog")).await.expect("create");

    // A real database failure after the avatars have moved: marking the guest merged is
    // the merge's last statement, and this trigger makes it fail.
    match db.backend() {
        DbBackend::Sqlite => {
            db.execute(
                "CREATE TRIGGER fail_merge BEFORE UPDATE OF merged_into ON owners \
                 BEGIN SELECT RAISE(ABORT, 'forced failure'); END",
            )
            .await
        }
        _ => {
            db.execute(
                "CREATE FUNCTION fail_merge() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$",
            )
            .await;
            db.execute(
                "CREATE TRIGGER fail_merge BEFORE UPDATE OF merged_into ON owners \
                 FOR EACH ROW EXECUTE FUNCTION fail_merge()",
            )
            .await
        }
    }
    let failed = db.store.merge_guest_into_member(guest, member.id).await;
    assert!(matches!(failed, Err(StoreError::Database(_))), "{failed:?}");
    assert_eq!(names(&db.store.list_avatars(guest).await.expect("list")), ["Cat", "Dog"]);
    assert_eq!(names(&db.store.list_avatars(member.id).await.expect("list")), ["Owl"]);

    match db.backend() {
        DbBackend::Sqlite => db.execute("DROP TRIGGER fail_merge").await,
        _ => db.execute("DROP TRIGGER fail_merge ON owners").await,
    }
    let retried = db.store.merge_guest_into_member(guest, member.id).await.expect("merge");
    assert_eq!(retried.moved_avatars, 2);
    assert_eq!(
        names(&db.store.list_avatars(member.id).await.expect("list")),
        ["Owl", "Cat", "Dog"]
    );
}

pub async fn deleting_an_owner_cascades_to_its_avatars(db: TestDb) {
    let (gone, kept) = (OwnerId::random(), OwnerId::random());
    db.store.create_avatar(gone, avatar("🐱", "Cat")).await.expect("create");
    db.store.create_avatar(gone, avatar("🐶", "Dog")).await.expect("create");
    db.store.create_avatar(kept, avatar("🦉", "Owl")).await.expect("create");
    db.execute(&format!("DELETE FROM owners WHERE id = {}", uuid_literal(&db, gone))).await;
    assert_eq!(avatar_rows(&db).await, 1);
    assert_eq!(names(&db.store.list_avatars(kept).await.expect("list")), ["Owl"]);
}

pub async fn deleting_a_member_removes_everything_of_its_own_and_nothing_else(db: TestDb) {
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    let new = NewMember {
        id: OwnerId::random(),
        email: Email::parse("ada@example.com").expect("valid"),
        display_name: DisplayName::parse("Ada").expect("valid"),
        password_hash: None,
        link: Some(Link {
            provider: "keycloak".into(),
            issuer: "https://keycloak.example".into(),
            subject: "ada-1".into(),
        }),
        passkey: None,
    };
    let (ada, _) = db.store.create_member_from_guest(new, guest).await.expect("sign up");
    db.store.create_avatar(ada.id, avatar("🐶", "Dog")).await.expect("create");
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM linked_accounts").await, 1);
    let bob = new_member(&db, "bob@example.com").await;
    db.store.create_avatar(bob.id, avatar("🦉", "Owl")).await.expect("create");

    db.store.delete_member(ada.id).await.expect("delete");
    assert_eq!(avatar_rows(&db).await, 1);
    assert_eq!(owner_rows(&db).await, 2, "the member is gone, its merged guest retired");
    // A copy of the old guest's token writes nothing, then or later.
    let reused = db.store.create_avatar(guest, avatar("🐍", "Intruder")).await;
    assert!(matches!(reused, Err(StoreError::GuestMerged)), "{reused:?}");
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM members").await, 1);
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM linked_accounts").await, 0);
    assert_eq!(names(&db.store.list_avatars(bob.id).await.expect("list")), ["Owl"]);
    let again = db.store.delete_member(ada.id).await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
}

pub async fn migrations_go_up_down_and_up_again(db: TestDb) {
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    Migrator::down(db.db(), None).await.expect("down");
    assert!(Migrator::get_applied_migrations(db.db()).await.expect("status").is_empty());
    assert!(db.store.list_avatars(guest).await.is_err(), "tables are gone");
    Migrator::up(db.db(), None).await.expect("up again");
    assert!(Migrator::get_pending_migrations(db.db()).await.expect("status").is_empty());
    assert!(db.store.list_avatars(guest).await.expect("list").is_empty());
    db.store.create_avatar(guest, avatar("🐶", "Dog")).await.expect("create after up");
}

pub async fn a_sign_up_moves_the_guests_avatars_to_the_new_member_in_order(db: TestDb) {
    let guest = OwnerId::random();
    roster_of(&db, guest, &["Cat", "Dog", "Owl"]).await;
    let new = NewMember {
        id: OwnerId::random(),
        email: Email::parse("ada@example.com").expect("valid"),
        display_name: DisplayName::parse("Ada").expect("valid"),
        password_hash: None,
        link: None,
        passkey: None,
    };
    let (ada, merge) = db.store.create_member_from_guest(new, guest).await.expect("sign up");
    assert_eq!(merge.moved_avatars, 3);
    assert_eq!(roster(&db, ada.id).await, places(&["Cat", "Dog", "Owl"]));
    assert!(db.store.list_avatars(guest).await.expect("list").is_empty());
}

/// A guest is retired once its avatars went to a member, and only then: not before it
/// wrote, not while it keeps its avatars, and a member never is.
pub async fn a_guest_is_retired_once_merged_and_only_then(db: TestDb) {
    let retired = |owner: OwnerId| {
        let store = db.store.clone();
        async move { store.guest_retired(owner).await.expect("read") }
    };
    let guest = OwnerId::random();
    assert!(!retired(guest).await, "a guest that never wrote");
    roster_of(&db, guest, &["Cat"]).await;
    assert!(!retired(guest).await, "a guest with its avatars");
    let ada = new_member(&db, "ada@example.com").await;
    db.store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    assert!(retired(guest).await, "merged into a member");
    assert!(!retired(ada.id).await, "a member");
}

pub async fn a_refused_sign_up_leaves_the_guests_avatars_where_they_were(db: TestDb) {
    new_member(&db, "ada@example.com").await;
    let guest = OwnerId::random();
    roster_of(&db, guest, &["Cat", "Dog"]).await;
    let new = NewMember {
        id: OwnerId::random(),
        email: Email::parse("ada@example.com").expect("valid"),
        display_name: DisplayName::parse("Impostor").expect("valid"),
        password_hash: None,
        link: None,
        passkey: None,
    };
    let refused = db.store.create_member_from_guest(new, guest).await;
    assert!(matches!(refused, Err(StoreError::EmailTaken)), "{refused:?}");
    assert_eq!(roster(&db, guest).await, places(&["Cat", "Dog"]));
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM members").await, 1);
    db.store.create_avatar(guest, avatar("🐭", "Mouse")).await.expect("the guest still writes");
}

pub async fn two_concurrent_merges_of_one_guest_move_its_avatars_once(db: TestDb) {
    let ada = new_member(&db, "ada@example.com").await;
    let guest = OwnerId::random();
    roster_of(&db, guest, &["Cat", "Dog"]).await;
    let merges = (0..2).map(|_| {
        let store = db.store.clone();
        tokio::spawn(async move { store.merge_guest_into_member(guest, ada.id).await })
    });
    let mut moved = Vec::new();
    for merge in merges {
        moved.push(merge.await.expect("task").expect("merge").moved_avatars);
    }
    moved.sort_unstable();
    assert_eq!(moved, [0, 2], "one merge moved both, the other found them moved");
    assert_eq!(roster(&db, ada.id).await, places(&["Cat", "Dog"]));
}
