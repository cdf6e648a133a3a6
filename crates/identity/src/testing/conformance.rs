//! The rules every account store follows (`AccountStore`, `LinkStore`, `PasskeyStore`).
//! Each test takes a [`Subject`]: a fresh, empty store and the clock it reads;
//! `account_store_conformance!` lists them.

/// A change of address.
mod change;
/// Codes that carry a guest to another device.
mod devices;
/// Tokens of links in mail.
mod email;
/// The provider links and passkeys the rules' tests make.
mod fixtures;
/// Provider links.
mod links;
/// Passkeys.
mod passkeys;

pub use change::*;
pub use devices::*;
pub use email::*;
pub use links::*;
pub use passkeys::*;

use std::time::Duration;

use crate::{
    AccountRefusal, AccountStore, ManualClock, OwnerId, SessionId, StoreFailure,
    account::{DisplayName, Email, Member, NewMember, PasswordHash},
};

/// What a rule is tried on: a fresh, empty store, and the clock that store reads, for
/// the rules about time.
#[derive(Debug)]
pub struct Subject<S> {
    pub store: S,
    pub clock: ManualClock,
}

pub(super) fn parse_email(text: &str) -> Email {
    Email::parse(text).expect("a valid test email")
}

pub(super) async fn member<S: AccountStore>(store: &S, address: &str) -> Member {
    store
        .create_member(NewMember {
            id: OwnerId::random(),
            email: parse_email(address),
            display_name: DisplayName::parse("Ada").expect("a valid test name"),
            password_hash: None,
            link: None,
            passkey: None,
        })
        .await
        .expect("create member")
}

pub(super) fn refusal<T: std::fmt::Debug, E: StoreFailure>(
    result: Result<T, E>,
) -> Option<AccountRefusal> {
    result.expect_err("the store should refuse").refusal()
}

pub async fn a_member_is_found_by_normalised_email<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "Ada@Example.COM").await;
    assert_eq!(ada.session_version, 1);
    let found = store.find_member_by_email(&parse_email("  ada@example.com")).await.expect("find");
    let found = found.expect("the member exists");
    assert_eq!((found.id, found.email.as_str()), (ada.id, "ada@example.com"));
    let nobody = store.find_member_by_email(&parse_email("bob@example.com")).await.expect("find");
    assert!(nobody.is_none());
}

pub async fn a_taken_email_is_refused_and_nothing_is_stored<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let again = store
        .create_member(NewMember {
            id: OwnerId::random(),
            email: parse_email("ADA@example.com"),
            display_name: DisplayName::parse("Impostor").expect("valid"),
            password_hash: None,
            link: None,
            passkey: None,
        })
        .await;
    assert_eq!(refusal(again), Some(AccountRefusal::EmailTaken));
    let found = store.find_member_by_email(&parse_email("ada@example.com")).await.expect("find");
    assert_eq!(found.map(|m| (m.id, m.display_name)), Some((ada.id, ada.display_name)));
}

pub async fn bumping_the_session_version_revokes_older_sessions<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    assert_eq!(store.session_version(ada.id, None).await.expect("read"), Some(1));
    assert_eq!(store.bump_session_version(ada.id).await.expect("bump"), 2);
    assert_eq!(store.session_version(ada.id, None).await.expect("read"), Some(2));
    let stranger = OwnerId::random();
    assert_eq!(store.session_version(stranger, None).await.expect("read"), None);
    assert_eq!(refusal(store.bump_session_version(stranger).await), Some(AccountRefusal::NotFound));
}

pub async fn a_signed_out_session_ends_and_the_members_others_go_on<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let (here, there) = (SessionId::random(), SessionId::random());
    store.end_session(ada.id, here).await.expect("sign out");
    store.end_session(ada.id, here).await.expect("again: nothing more");
    assert_eq!(store.session_version(ada.id, Some(here)).await.expect("read"), None);
    assert_eq!(store.session_version(ada.id, Some(there)).await.expect("read"), Some(1));
    let stranger = store.end_session(OwnerId::random(), there).await;
    assert_eq!(refusal(stranger), Some(AccountRefusal::NotFound));
}

pub async fn a_merge_is_idempotent<S: AccountStore>(Subject { store, .. }: Subject<S>) {
    let ada = member(&store, "ada@example.com").await;
    let guest = OwnerId::random();
    let first = store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    assert!(!first.already_merged);
    let replay = store.merge_guest_into_member(guest, ada.id).await.expect("replay");
    assert!(replay.already_merged);
    assert_eq!(replay.moved_avatars, 0);
}

pub async fn a_merged_guest_cannot_be_merged_into_another_member<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let bob = member(&store, "bob@example.com").await;
    let guest = OwnerId::random();
    store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    let second = store.merge_guest_into_member(guest, bob.id).await;
    assert_eq!(refusal(second), Some(AccountRefusal::GuestMerged));
}

pub async fn a_member_cannot_be_merged_as_a_guest<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let bob = member(&store, "bob@example.com").await;
    let merged = store.merge_guest_into_member(ada.id, bob.id).await;
    assert_eq!(refusal(merged), Some(AccountRefusal::NotFound));
}

pub async fn a_merge_into_an_unknown_member_is_refused<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let guest = OwnerId::random();
    let merged = store.merge_guest_into_member(guest, OwnerId::random()).await;
    assert_eq!(refusal(merged), Some(AccountRefusal::NotFound));
    // Nothing was retired: the guest can still be merged into a real member.
    let ada = member(&store, "ada@example.com").await;
    let merge = store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    assert!(!merge.already_merged);
}

pub async fn a_sign_up_creates_the_member_and_merges_the_guest_in_one_step<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let guest = OwnerId::random();
    let new = NewMember {
        id: OwnerId::random(),
        email: parse_email("ada@example.com"),
        display_name: DisplayName::parse("Ada").expect("valid"),
        password_hash: None,
        link: None,
        passkey: None,
    };
    let (ada, merge) = store.create_member_from_guest(new, guest).await.expect("sign up");
    assert_ne!(ada.id, guest, "a member's id is never the guest's");
    assert!(!merge.already_merged);
    let replay = store.merge_guest_into_member(guest, ada.id).await.expect("replay");
    assert!(replay.already_merged, "the guest was merged by the sign-up itself");
}

pub async fn a_sign_up_with_a_taken_email_creates_nothing_and_merges_nothing<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let guest = OwnerId::random();
    let new = NewMember {
        id: OwnerId::random(),
        email: parse_email("ADA@example.com"),
        display_name: DisplayName::parse("Impostor").expect("valid"),
        password_hash: None,
        link: None,
        passkey: None,
    };
    let refused = store.create_member_from_guest(new, guest).await;
    assert_eq!(refusal(refused), Some(AccountRefusal::EmailTaken));
    // The guest was not retired: it can still be merged (into the real account, say).
    let merge = store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    assert!(!merge.already_merged);
}

pub async fn a_sign_up_by_a_retired_guest_is_refused_and_creates_nothing<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let guest = OwnerId::random();
    store.merge_guest_into_member(guest, ada.id).await.expect("merge");
    let new = NewMember {
        id: OwnerId::random(),
        email: parse_email("bob@example.com"),
        display_name: DisplayName::parse("Bob").expect("valid"),
        password_hash: None,
        link: None,
        passkey: None,
    };
    let refused = store.create_member_from_guest(new, guest).await;
    assert_eq!(refusal(refused), Some(AccountRefusal::GuestMerged));
    let bob = store.find_member_by_email(&parse_email("bob@example.com")).await.expect("find");
    assert!(bob.is_none(), "nothing half-made");
}

pub async fn a_password_change_replaces_the_hash_and_ends_every_session<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let hash = PasswordHash::new("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA".into());
    assert_eq!(store.set_password(ada.id, hash.clone()).await.expect("set"), 2);
    let found = store.find_member(ada.id).await.expect("find").expect("still there");
    assert_eq!((found.password_hash, found.session_version), (Some(hash.clone()), 2));
    let stranger = store.set_password(OwnerId::random(), hash).await;
    assert_eq!(refusal(stranger), Some(AccountRefusal::NotFound));
}

pub async fn deleting_a_member_removes_it_with_its_merged_guests_and_frees_the_email<
    S: AccountStore,
>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let bob = member(&store, "bob@example.com").await;
    let (adas_guest, bobs_guest) = (OwnerId::random(), OwnerId::random());
    store.merge_guest_into_member(adas_guest, ada.id).await.expect("merge");
    store.merge_guest_into_member(bobs_guest, bob.id).await.expect("merge");
    store.delete_member(ada.id).await.expect("delete");
    assert!(store.find_member(ada.id).await.expect("find").is_none());
    // Ada's old guest stays retired: its token brings nothing to anyone, ever.
    let reused = store.merge_guest_into_member(adas_guest, bob.id).await;
    assert_eq!(refusal(reused), Some(AccountRefusal::GuestMerged));
    assert_eq!(store.session_version(ada.id, None).await.expect("read"), None);
    assert_eq!(refusal(store.delete_member(ada.id).await), Some(AccountRefusal::NotFound));
    // Bob and what was merged into him are untouched.
    assert!(store.find_member(bob.id).await.expect("find").is_some());
    let replay = store.merge_guest_into_member(bobs_guest, bob.id).await.expect("replay");
    assert!(replay.already_merged);
    // The email is free again, and a new account with it is a new member.
    let again = member(&store, "ada@example.com").await;
    assert_ne!(again.id, ada.id);
}

pub async fn attempts_are_counted_per_key_within_a_window<S: AccountStore>(
    Subject { store, clock }: Subject<S>,
) {
    let window = Duration::from_secs(900);
    let mut retry_after = 0;
    for expected in 1..=3 {
        let counted = store.count_attempt("a", window).await.expect("count");
        assert_eq!(counted.count, expected);
        assert!((1..=900).contains(&counted.retry_after), "{counted:?}");
        retry_after = counted.retry_after;
    }
    assert_eq!(store.count_attempt("b", window).await.expect("count").count, 1);
    // Within the window the count goes on; from the second it ends, it starts again.
    let left = i64::try_from(retry_after).expect("seconds");
    clock.advance(chrono::Duration::seconds(left - 1));
    assert_eq!(store.count_attempt("a", window).await.expect("count").count, 4);
    clock.advance(chrono::Duration::seconds(1));
    let next = store.count_attempt("a", window).await.expect("count");
    assert_eq!((next.count, next.retry_after), (1, 900));
    assert_eq!(store.count_attempt("b", window).await.expect("count").count, 1);
}

pub async fn an_attempt_taken_back_counts_no_more<S: AccountStore>(
    Subject { store, clock }: Subject<S>,
) {
    let window = Duration::from_secs(900);
    store.count_attempt("a", window).await.expect("count");
    store.count_attempt("a", window).await.expect("count");
    store.take_back_attempt("a", window).await.expect("taken back");
    assert_eq!(store.count_attempt("a", window).await.expect("count").count, 2);
    // Never below nothing, and never a key that was not counted.
    for _ in 0..3 {
        store.take_back_attempt("a", window).await.expect("taken back");
    }
    store.take_back_attempt("never", window).await.expect("nothing to take back");
    assert_eq!(store.count_attempt("a", window).await.expect("count").count, 1);
    assert_eq!(store.count_attempt("never", window).await.expect("count").count, 1);
    // A window that ended is not this one's to change.
    clock.advance(chrono::Duration::seconds(900));
    store.take_back_attempt("a", window).await.expect("taken back");
    assert_eq!(store.count_attempt("a", window).await.expect("count").count, 1);
}

pub async fn concurrent_attempts_are_each_counted_once<S: AccountStore>(
    Subject { store, .. }: Subject<S>,
) {
    let window = Duration::from_secs(900);
    let attempts = (0..16).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.count_attempt("burst", window).await.expect("count") })
    });
    let mut counts = Vec::new();
    for attempt in attempts.collect::<Vec<_>>() {
        counts.push(attempt.await.expect("task").count);
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=16).collect::<Vec<_>>());
}
