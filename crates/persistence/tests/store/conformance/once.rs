//! Idempotency keys on the database: a change sent again with its key is made once and
//! answered the same, on every kind of change; a key with another request is refused; a
//! key outlives the store that recorded it and holds across instances on one database;
//! keys are their owner's, follow a guest into its member, and are swept after a day.

use std::sync::Arc;

use chrono::Duration;
use identity::OwnerId;
use persistence::{
    Change, Changed, Key, Once, Store, StoreError, db,
    domain::{AvatarPatch, Direction},
};

use super::*;
use crate::support::TestDb;

/// What the tests record as a change's answer: the names it returned.
fn answer(changed: &Changed) -> String {
    match changed {
        Changed::Avatar(avatar) => avatar.name.as_str().to_owned(),
        Changed::Roster(avatars) => names(avatars).join(","),
    }
}

fn key<'a>(key: &'a str, fingerprint: &'a str) -> Key<'a> {
    Key { key, fingerprint }
}

async fn once(store: &Store, owner: OwnerId, name: &str, change: Change) -> Once {
    store.change_once(owner, key(name, name), change, answer).await.expect("change")
}

/// A second store on the same database: another instance, or the first after a restart.
async fn another_instance(db: &TestDb) -> Store {
    let connection = db::connect(&db.url).await.expect("connect");
    Store::new(connection, Arc::new(db.clock.clone()))
}

pub async fn a_change_sent_again_with_its_key_is_made_once_and_answered_the_same(db: TestDb) {
    let owner = OwnerId::random();
    let [first, second] = roster_of(&db, owner, &["A", "B"]).await[..] else { unreachable!() };
    let changes = [
        ("create", Change::Create(avatar("🐶", "C")), "C"),
        (
            "update",
            Change::Update {
                id: first,
                patch: AvatarPatch { is_active: Some(false), ..AvatarPatch::default() },
            },
            "A",
        ),
        ("move", Change::Move { id: second, direction: Direction::Up }, "B,A,C"),
        ("delete", Change::Delete(first), "A"),
        ("restore", Change::Restore { avatar: avatar("🐱", "A"), position: 0 }, "A"),
    ];
    for (name, change, answered) in changes {
        let made = once(&db.store, owner, name, change.clone()).await;
        assert!(matches!(&made, Once::Made(changed) if answer(changed) == answered), "{made:?}");
        let rows = avatar_rows(&db).await;
        let again = once(&db.store, owner, name, change).await;
        assert_eq!(again, Once::Before(answered.to_owned()), "{name}");
        assert_eq!(avatar_rows(&db).await, rows, "{name} made once");
    }
    // Each made once: A deleted once and put back once, at the top.
    assert_eq!(roster(&db, owner).await, places(&["A", "B", "C"]));
}

pub async fn a_key_sent_with_another_request_is_refused_and_changes_nothing(db: TestDb) {
    let owner = OwnerId::random();
    let made =
        db.store.change_once(owner, key("k", "one"), Change::Create(avatar("🐱", "A")), answer);
    assert!(matches!(made.await, Ok(Once::Made(_))));
    let other = Change::Create(avatar("🐶", "B"));
    let refused = db.store.change_once(owner, key("k", "two"), other, answer).await;
    assert!(matches!(refused, Err(StoreError::KeyReused)), "{refused:?}");
    assert_eq!(roster(&db, owner).await, places(&["A"]));
}

pub async fn a_key_outlives_its_store_and_holds_across_instances(db: TestDb) {
    let owner = OwnerId::random();
    once(&db.store, owner, "k", Change::Create(avatar("🐱", "A"))).await;
    // Another instance on the same database (or this one, restarted) knows the key.
    let other = another_instance(&db).await;
    let again = once(&other, owner, "k", Change::Create(avatar("🐱", "A"))).await;
    assert_eq!(again, Once::Before("A".to_owned()));
    // One key sent to two instances at once: made by one, answered by the other.
    let send = |store: Store| {
        tokio::spawn(async move {
            store
                .change_once(owner, key("both", "both"), Change::Create(avatar("🐶", "B")), answer)
                .await
        })
    };
    let (one, two) = (send(db.store.clone()), send(other));
    let outcomes = [one.await.expect("task"), two.await.expect("task")];
    let made = outcomes.iter().filter(|o| matches!(o, Ok(Once::Made(_)))).count();
    let before = outcomes.iter().filter(|o| matches!(o, Ok(Once::Before(b)) if b == "B")).count();
    assert_eq!((made, before), (1, 1), "{outcomes:?}");
    assert_eq!(roster(&db, owner).await, places(&["A", "B"]));
}

pub async fn keys_are_their_owners_and_follow_a_guest_into_its_member(db: TestDb) {
    let (guest, stranger) = (OwnerId::random(), OwnerId::random());
    once(&db.store, guest, "k", Change::Create(avatar("🐱", "A"))).await;
    // The same key from another owner is that owner's own change.
    let theirs = once(&db.store, stranger, "k", Change::Create(avatar("🐱", "A"))).await;
    assert!(matches!(theirs, Once::Made(_)), "{theirs:?}");
    let member = new_member(&db, "keys@example.com").await;
    db.store.merge_guest_into_member(guest, member.id).await.expect("merge");
    // The guest's change, sent again after its upgrade, is not made twice.
    let again = once(&db.store, member.id, "k", Change::Create(avatar("🐱", "A"))).await;
    assert_eq!(again, Once::Before("A".to_owned()));
    assert_eq!(roster(&db, member.id).await, places(&["A"]));
}

pub async fn a_key_is_kept_a_day(db: TestDb) {
    let owner = OwnerId::random();
    once(&db.store, owner, "k", Change::Create(avatar("🐱", "A"))).await;
    db.clock.advance(Duration::hours(23));
    assert_eq!(
        db.store.sweep(Duration::days(30), Duration::days(30)).await.expect("sweep").change_keys,
        0
    );
    db.clock.advance(Duration::hours(2));
    assert_eq!(
        db.store.sweep(Duration::days(30), Duration::days(30)).await.expect("sweep").change_keys,
        1
    );
    // Past its day, the key names a new change.
    let later = once(&db.store, owner, "k", Change::Create(avatar("🐱", "A"))).await;
    assert!(matches!(later, Once::Made(_)), "{later:?}");
}
