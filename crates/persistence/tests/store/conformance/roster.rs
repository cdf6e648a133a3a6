//! Avatars: owner scope, order and positions, updates, deletes and undo, validation, the cap.

use chrono::Duration;
use identity::{MemberStore, OwnerId};
use persistence::{
    AvatarId, StoreError,
    domain::{AvatarName, AvatarPatch, Direction, Emoji, NewAvatar},
};

use super::*;
use crate::support::TestDb;

pub async fn a_guest_without_writes_has_no_owner_row(db: TestDb) {
    let guest = OwnerId::random();
    assert!(db.store.list_avatars(guest).await.expect("list").is_empty());
    assert_eq!(db.store.count_avatars(guest).await.expect("count"), 0);
    db.store.touch_last_seen(guest).await.expect("touch");
    assert_eq!(owner_rows(&db).await, 0);
}

pub async fn the_first_write_creates_the_guest_owner_row(db: TestDb) {
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Tom")).await.expect("create");
    db.store.create_avatar(guest, avatar("🐶", "Rex")).await.expect("create");
    assert_eq!(owner_rows(&db).await, 1);
    let kind = format!(
        "SELECT COUNT(*) AS n FROM owners WHERE kind = 'guest' AND id = {}",
        uuid_literal(&db, guest)
    );
    assert_eq!(db.scalar(&kind).await, 1);
}

pub async fn another_owner_cannot_see_update_or_delete_an_avatar(db: TestDb) {
    let (alice, mallory) = (OwnerId::random(), OwnerId::random());
    let kept = db.store.create_avatar(alice, avatar("🦊", "Fox")).await.expect("create");
    db.store.create_avatar(mallory, avatar("🐍", "Snake")).await.expect("create");

    assert_eq!(names(&db.store.list_avatars(mallory).await.expect("list")), ["Snake"]);
    let rename = AvatarPatch {
        name: Some(AvatarName::parse("Stolen").expect("valid")),
        ..AvatarPatch::default()
    };
    let update = db.store.update_avatar(mallory, kept.id, rename).await;
    assert!(matches!(update, Err(StoreError::NotFound)), "{update:?}");
    let delete = db.store.delete_avatar(mallory, kept.id).await;
    assert!(matches!(delete, Err(StoreError::NotFound)), "{delete:?}");

    assert_eq!(db.store.list_avatars(alice).await.expect("list"), vec![kept]);
}

pub async fn avatars_are_listed_in_creation_order(db: TestDb) {
    let guest = OwnerId::random();
    for (emoji, name) in [("🐱", "One"), ("🐶", "Two"), ("🐭", "Three")] {
        db.store.create_avatar(guest, avatar(emoji, name)).await.expect("create");
    }
    let listed = db.store.list_avatars(guest).await.expect("list");
    assert_eq!(names(&listed), ["One", "Two", "Three"]);
    assert_eq!(listed.iter().map(|a| a.position).collect::<Vec<_>>(), [0, 1, 2]);
}

pub async fn a_partial_update_changes_only_the_given_fields(db: TestDb) {
    let guest = OwnerId::random();
    let created = db.store.create_avatar(guest, avatar("🐱", "Tom")).await.expect("create");
    db.clock.advance(Duration::minutes(5));

    let renamed = db
        .store
        .update_avatar(
            guest,
            created.id,
            AvatarPatch {
                name: Some(AvatarName::parse("Thomas").expect("valid")),
                ..Default::default()
            },
        )
        .await
        .expect("rename");
    assert_eq!(renamed.name.as_str(), "Thomas");
    assert_eq!(renamed.emoji, created.emoji);
    assert!(renamed.is_active);
    assert_eq!(renamed.updated_at, created.updated_at + Duration::minutes(5));

    let toggled = db
        .store
        .update_avatar(
            guest,
            created.id,
            AvatarPatch { is_active: Some(false), ..Default::default() },
        )
        .await
        .expect("toggle");
    assert!(!toggled.is_active);
    assert_eq!(toggled.name.as_str(), "Thomas");

    let re_emojied = db
        .store
        .update_avatar(
            guest,
            created.id,
            AvatarPatch { emoji: Some(Emoji::parse("🦁").expect("valid")), ..Default::default() },
        )
        .await
        .expect("new emoji");
    assert_eq!(
        (re_emojied.emoji.as_str(), re_emojied.name.as_str(), re_emojied.is_active),
        ("🦁", "Thomas", false)
    );
    assert_eq!(db.store.list_avatars(guest).await.expect("list"), vec![re_emojied]);
}

pub async fn delete_removes_only_that_avatar(db: TestDb) {
    let guest = OwnerId::random();
    let a = db.store.create_avatar(guest, avatar("🐱", "A")).await.expect("create");
    db.store.create_avatar(guest, avatar("🐶", "B")).await.expect("create");
    db.store.delete_avatar(guest, a.id).await.expect("delete");
    assert_eq!(names(&db.store.list_avatars(guest).await.expect("list")), ["B"]);
    let again = db.store.delete_avatar(guest, a.id).await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
}

pub async fn delete_returns_the_avatar_it_removed_and_closes_the_gap(db: TestDb) {
    let guest = OwnerId::random();
    let ids = roster_of(&db, guest, &["A", "B", "C"]).await;
    let before = db.store.list_avatars(guest).await.expect("list");
    let deleted = db.store.delete_avatar(guest, ids[1]).await.expect("delete");
    assert_eq!(deleted, before[1], "the row as it was, with its place");
    assert_eq!(roster(&db, guest).await, places(&["A", "C"]));
}

pub async fn a_restored_avatar_returns_to_its_place(db: TestDb) {
    let guest = OwnerId::random();
    roster_of(&db, guest, &["A", "B", "C"]).await;
    let listed = db.store.list_avatars(guest).await.expect("list");
    let b = db.store.delete_avatar(guest, listed[1].id).await.expect("delete");
    let restored = db
        .store
        .restore_avatar(
            guest,
            NewAvatar { emoji: b.emoji, name: b.name, is_active: false },
            b.position,
        )
        .await
        .expect("restore");
    assert_ne!(restored.id, b.id);
    assert!(!restored.is_active);
    assert_eq!(roster(&db, guest).await, places(&["A", "B", "C"]));
}

pub async fn a_restore_position_is_clamped_to_the_roster(db: TestDb) {
    let guest = OwnerId::random();
    roster_of(&db, guest, &["A", "B"]).await;
    let far = db.store.restore_avatar(guest, avatar("🐭", "Far"), i32::MAX).await.expect("restore");
    assert_eq!(far.position, 2);
    let before =
        db.store.restore_avatar(guest, avatar("🐭", "Before"), i32::MIN).await.expect("restore");
    assert_eq!(before.position, 0);
    // Nothing overflows on the next add, which goes to the end.
    let last = db.store.create_avatar(guest, avatar("🐶", "Last")).await.expect("create");
    assert_eq!(last.position, 4);
    assert_eq!(roster(&db, guest).await, places(&["Before", "A", "B", "Far", "Last"]));
}

pub async fn a_move_swaps_with_the_neighbour_and_stays_put_at_the_ends(db: TestDb) {
    let guest = OwnerId::random();
    let ids = roster_of(&db, guest, &["A", "B", "C"]).await;
    let moved = db.store.move_avatar(guest, ids[2], Direction::Up).await.expect("move");
    assert_eq!(names(&moved), ["A", "C", "B"]);
    db.store.move_avatar(guest, ids[0], Direction::Up).await.expect("top stays");
    db.store.move_avatar(guest, ids[1], Direction::Down).await.expect("bottom stays");
    db.store.move_avatar(guest, ids[0], Direction::Down).await.expect("move");
    assert_eq!(roster(&db, guest).await, places(&["C", "A", "B"]));
    let stranger = db.store.move_avatar(OwnerId::random(), ids[0], Direction::Down).await;
    assert!(matches!(stranger, Err(StoreError::NotFound)), "{stranger:?}");
}

pub async fn a_move_after_another_tab_added_an_avatar_succeeds(db: TestDb) {
    let guest = OwnerId::random();
    let ids = roster_of(&db, guest, &["A", "B"]).await;
    // Another tab adds while this one still shows [A, B].
    db.store.create_avatar(guest, avatar("🐶", "C")).await.expect("create");
    let moved = db.store.move_avatar(guest, ids[1], Direction::Down).await.expect("move");
    assert_eq!(names(&moved), ["A", "C", "B"]);
}

pub async fn positions_stay_gapless_through_deletes_moves_and_merges(db: TestDb) {
    let member = new_member(&db, "ada@example.com").await;
    let ids = roster_of(&db, member.id, &["A", "B", "C", "D"]).await;
    db.store.delete_avatar(member.id, ids[0]).await.expect("delete");
    db.store.delete_avatar(member.id, ids[2]).await.expect("delete");
    db.store.move_avatar(member.id, ids[3], Direction::Up).await.expect("move");
    let guest = OwnerId::random();
    roster_of(&db, guest, &["G1", "G2"]).await;
    db.store.merge_guest_into_member(guest, member.id).await.expect("merge");
    assert_eq!(roster(&db, member.id).await, places(&["D", "B", "G1", "G2"]));
}

pub async fn positions_written_before_the_gapless_rule_are_renumbered_by_the_next_change(
    db: TestDb,
) {
    let guest = OwnerId::random();
    let ids = roster_of(&db, guest, &["A", "B", "C"]).await;
    // What an older version could store: gaps, and a client's i32::MAX from an undo.
    db.execute("UPDATE avatars SET position = 7 WHERE name = 'B'").await;
    db.execute("UPDATE avatars SET position = 2147483647 WHERE name = 'C'").await;
    let added = db.store.create_avatar(guest, avatar("🐶", "D")).await.expect("no overflow");
    assert_eq!(added.position, 3);
    assert_eq!(roster(&db, guest).await, places(&["A", "B", "C", "D"]));
    db.store.move_avatar(guest, ids[2], Direction::Up).await.expect("move");
    assert_eq!(roster(&db, guest).await, places(&["A", "C", "B", "D"]));
}

/// Every write the store itself refuses, one after another, and then every stored row as
/// it was, to the field: nothing half-written, no position shifted, no `updated_at`
/// touched. (Text the rules refuse never becomes a `NewAvatar` or an `AvatarPatch`: the
/// domain crate's tests hold the rules, the server's tests the field errors.)
pub async fn refused_writes_change_nothing_stored(db: TestDb) {
    let (guest, other) = (OwnerId::random(), OwnerId::random());
    db.store.create_avatar(guest, avatar("🐱", "A")).await.expect("create");
    db.store.create_avatar(guest, avatar("🐶", "B")).await.expect("create");
    let foreign = db.store.create_avatar(other, avatar("🐍", "X")).await.expect("create");
    let rosters = || async {
        let guests = db.store.list_avatars(guest).await.expect("list");
        (guests, db.store.list_avatars(other).await.expect("list"))
    };
    let before = rosters().await;
    db.clock.advance(Duration::minutes(5));

    let rename = || AvatarPatch {
        name: Some(AvatarName::parse("Renamed").expect("valid")),
        is_active: Some(false),
        ..AvatarPatch::default()
    };
    let store = db.store.clone().with_avatar_limit(2);
    for (what, refused) in [
        ("update of another's", store.update_avatar(guest, foreign.id, rename()).await.err()),
        (
            "update of no one's",
            store.update_avatar(guest, AvatarId::random(), rename()).await.err(),
        ),
        ("delete of another's", store.delete_avatar(guest, foreign.id).await.err()),
        ("move of another's", store.move_avatar(guest, foreign.id, Direction::Up).await.err()),
        ("create past the cap", store.create_avatar(guest, avatar("🐭", "C")).await.err()),
        ("restore past the cap", store.restore_avatar(guest, avatar("🐭", "C"), 0).await.err()),
    ] {
        assert!(
            matches!(refused, Some(StoreError::NotFound | StoreError::AvatarLimitReached { .. })),
            "{what}: {refused:?}"
        );
    }
    assert_eq!(rosters().await, before);
    assert_eq!(avatar_rows(&db).await, 3);
}

pub async fn the_avatar_cap_is_enforced_and_stores_nothing_more(db: TestDb) {
    let store = db.store.clone().with_avatar_limit(3);
    let guest = OwnerId::random();
    for name in ["A", "B", "C"] {
        store.create_avatar(guest, avatar("🐱", name)).await.expect("create");
    }
    let over = store.create_avatar(guest, avatar("🐶", "D")).await;
    assert!(matches!(over, Err(StoreError::AvatarLimitReached { limit: 3 })), "{over:?}");
    assert_eq!(names(&store.list_avatars(guest).await.expect("list")), ["A", "B", "C"]);
    // The cap is per owner.
    store.create_avatar(OwnerId::random(), avatar("🐶", "D")).await.expect("other owner");
}

pub async fn the_avatar_cap_holds_under_concurrent_creates(db: TestDb) {
    let store = db.store.clone().with_avatar_limit(5);
    let guest = OwnerId::random();
    let attempts = (0..12).map(|i| {
        let store = store.clone();
        tokio::spawn(
            async move { store.create_avatar(guest, avatar("🐱", &format!("N{i}"))).await },
        )
    });
    let mut created = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(_) => created += 1,
            Err(StoreError::AvatarLimitReached { .. }) => {}
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!(created, 5);
    assert_eq!(store.count_avatars(guest).await.expect("count"), 5);
}
