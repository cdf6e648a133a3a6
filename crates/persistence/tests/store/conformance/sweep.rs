//! The sweep: stale guests with their avatars, old attempt counts, expired ended
//! sessions, finished ceremonies, expired mail links; never a member, never a guest still
//! coming back.

use chrono::Duration;
use identity::{
    AttemptStore, Clock, EmailTokenStore, MemberStore, NewEmailToken, OwnerId, PasskeyStore,
    SessionId, SessionStore,
    email::{EmailToken, TokenPurpose},
};

use super::*;
use crate::support::TestDb;

/// A sweep keeping guests 30 days and sessions 30 days.
async fn sweep(db: &TestDb) -> persistence::SweepReport {
    db.store.sweep(Duration::days(30), Duration::days(30)).await.expect("sweep")
}

pub async fn stale_guests_are_deleted_with_their_avatars(db: TestDb) {
    let stale = OwnerId::random();
    db.store.create_avatar(stale, avatar("🐱", "Cat")).await.expect("create");
    let old_member = new_member(&db, "ada@example.com").await;
    db.store.create_avatar(old_member.id, avatar("🦉", "Owl")).await.expect("create");
    db.clock.advance(Duration::days(31));
    let fresh = OwnerId::random();
    db.store.create_avatar(fresh, avatar("🐶", "Dog")).await.expect("create");

    assert_eq!(sweep(&db).await.guests, 1);
    assert!(db.store.list_avatars(stale).await.expect("list").is_empty());
    assert_eq!(names(&db.store.list_avatars(fresh).await.expect("list")), ["Dog"]);
    assert_eq!(names(&db.store.list_avatars(old_member.id).await.expect("list")), ["Owl"]);
    assert_eq!(avatar_rows(&db).await, 2);
}

pub async fn touch_last_seen_updates_an_existing_owner_only(db: TestDb) {
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Cat")).await.expect("create");
    db.clock.advance(Duration::days(29));
    db.store.touch_last_seen(guest).await.expect("touch");
    db.clock.advance(Duration::days(2));
    // Seen 2 days ago, created 31 days ago: not stale.
    assert_eq!(sweep(&db).await.guests, 0);
    db.store.touch_last_seen(OwnerId::random()).await.expect("touch unknown");
    assert_eq!(owner_rows(&db).await, 1);
}

pub async fn old_attempt_counts_expired_ended_sessions_ceremonies_and_links_are_swept(db: TestDb) {
    let ada = new_member(&db, "ada@example.com").await;
    let bob = new_member(&db, "bob@example.com").await;
    let window = std::time::Duration::from_secs(900);
    let reset_link = |member: OwnerId| NewEmailToken {
        digest: EmailToken::random().digest(),
        purpose: TokenPurpose::ResetPassword,
        member,
        email: identity::account::Email::parse("ada@example.com").expect("valid"),
        asker: Some(EmailToken::random().digest()),
        expires_at: db.clock.now() + Duration::minutes(30),
    };
    db.store.count_attempt("old", window).await.expect("count");
    db.store.end_session(ada.id, SessionId::random()).await.expect("sign out");
    db.store.spend_ceremony(uuid::Uuid::new_v4()).await.expect("spend");
    db.store.issue_email_token(reset_link(ada.id)).await.expect("issue");
    db.clock.advance(Duration::days(31));
    db.store.count_attempt("new", window).await.expect("count");
    db.store.end_session(ada.id, SessionId::random()).await.expect("sign out");
    db.store.spend_ceremony(uuid::Uuid::new_v4()).await.expect("spend");
    db.store.issue_email_token(reset_link(bob.id)).await.expect("issue");

    let report = sweep(&db).await;
    assert_eq!(
        (report.attempts, report.ended_sessions, report.ceremonies, report.email_tokens),
        (1, 1, 1, 1)
    );
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM attempts").await, 1);
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM ended_sessions").await, 1);
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM spent_ceremonies").await, 1);
    assert_eq!(db.scalar("SELECT COUNT(*) AS n FROM email_tokens").await, 1);
    assert!(db.store.find_member(ada.id).await.expect("find").is_some(), "members stay");
}
