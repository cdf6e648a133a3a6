//! Rows written under older rules: a rule added later refuses new input, never the rows
//! already stored.

use identity::{MemberStore, OwnerId};

use super::*;
use crate::support::TestDb;

pub async fn names_stored_before_the_invisible_character_rule_still_load(db: TestDb) {
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar("🐱", "Tom")).await.expect("create");
    let ada = new_member(&db, "ada@example.com").await;
    // As an older version of the app could have written them.
    db.execute("UPDATE avatars SET name = 'To\u{200B}m'").await;
    db.execute("UPDATE members SET display_name = 'Ad\u{200B}a'").await;

    assert_eq!(names(&db.store.list_avatars(guest).await.expect("list")), ["To\u{200B}m"]);
    let found = db.store.find_member(ada.id).await.expect("find").expect("the member");
    assert_eq!(found.display_name.as_str(), "Ad\u{200B}a");
}
