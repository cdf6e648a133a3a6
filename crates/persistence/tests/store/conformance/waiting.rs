//! A merge past the avatar cap: nothing moves until the member chooses what to keep, and
//! the choice completes the merge once, or changes nothing.

use identity::{MemberStore, OwnerId};
use persistence::{Kept, StoreError};

use super::*;
use crate::support::TestDb;

/// A store capped at 4, Ada's roster of three and a guest's of two.
async fn full(db: &TestDb) -> (persistence::Store, OwnerId, Vec<AvatarId>, OwnerId, Vec<AvatarId>) {
    let store = db.store.clone().with_avatar_limit(4);
    let ada = new_member(db, "ada@example.com").await.id;
    let guest = OwnerId::random();
    let mine = roster_of(db, ada, &["A", "B", "C"]).await;
    let theirs = roster_of(db, guest, &["D", "E"]).await;
    (store, ada, mine, guest, theirs)
}

pub async fn a_merge_past_the_cap_moves_nothing_and_the_guest_keeps_its_avatars(db: TestDb) {
    let (store, ada, _, guest, _) = full(&db).await;
    for _ in 0..2 {
        let merge = store.merge_guest_into_member(guest, ada).await.expect("merge");
        assert_eq!((merge.moved_avatars, merge.held_back, merge.already_merged), (0, 2, false));
        assert_eq!(roster(&db, ada).await, places(&["A", "B", "C"]));
        assert_eq!(roster(&db, guest).await, places(&["D", "E"]));
    }
    // Still the guest's: it is not retired, and its avatars wait.
    assert!(!store.guest_retired(guest).await.expect("read"));
    let waiting = store.waiting_avatars(guest).await.expect("read").expect("waiting");
    assert_eq!(names(&waiting), ["D", "E"]);
    // A sign-up has room: its roster starts empty.
    let (bob, merge) = store
        .create_member_from_guest(
            identity::account::NewMember {
                id: OwnerId::random(),
                email: identity::account::Email::parse("bob@example.com").expect("valid"),
                display_name: identity::account::DisplayName::parse("Bob").expect("valid"),
                password_hash: None,
                link: None,
                passkey: None,
            },
            guest,
        )
        .await
        .expect("sign up");
    assert_eq!((merge.moved_avatars, merge.held_back), (2, 0));
    assert_eq!(roster(&db, bob.id).await, places(&["D", "E"]));
    assert_eq!(store.waiting_avatars(guest).await.expect("read"), None, "merged now");
}

pub async fn keeping_some_of_both_completes_the_merge_once(db: TestDb) {
    let (store, ada, mine, guest, theirs) = full(&db).await;
    store.merge_guest_into_member(guest, ada).await.expect("held back");
    let remove = [mine[1], theirs[0]];
    let kept = store.keep_waiting(guest, ada, &remove).await.expect("keep");
    assert_eq!(kept, Kept { moved: 1, removed: 2 });
    assert_eq!(roster(&db, ada).await, places(&["A", "C", "E"]));
    assert!(store.guest_retired(guest).await.expect("read"));
    assert_eq!(store.waiting_avatars(guest).await.expect("read"), None);
    // The same choice again (a double click) changes nothing.
    let again = store.keep_waiting(guest, ada, &remove).await.expect("again");
    assert_eq!(again, Kept::default());
    assert_eq!(roster(&db, ada).await, places(&["A", "C", "E"]));
    assert_eq!(avatar_rows(&db).await, 3);
}

pub async fn a_choice_past_the_cap_or_of_unknown_avatars_changes_nothing(db: TestDb) {
    let (store, ada, mine, guest, theirs) = full(&db).await;
    let over = store.keep_waiting(guest, ada, &[]).await;
    assert!(matches!(over, Err(StoreError::AvatarLimitReached { limit: 4 })), "{over:?}");
    let strangers = roster_of(&db, OwnerId::random(), &["X"]).await;
    let unknown = store.keep_waiting(guest, ada, &[mine[0], strangers[0]]).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    assert_eq!(roster(&db, ada).await, places(&["A", "B", "C"]));
    assert_eq!(roster(&db, guest).await, places(&["D", "E"]));
    assert_eq!(avatar_rows(&db).await, 6, "the stranger's too");
    // A guest merged elsewhere meanwhile waits no more.
    let bob = new_member(&db, "bob@example.com").await.id;
    db.store.merge_guest_into_member(guest, bob).await.expect("merged into Bob");
    let gone = store.keep_waiting(guest, ada, &[theirs[0]]).await;
    assert!(matches!(gone, Err(StoreError::GuestMerged)), "{gone:?}");
    assert_eq!(roster(&db, ada).await, places(&["A", "B", "C"]));
}
