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

/// One grapheme cluster of eight code points, the most a name's rule allows per cluster
/// (`identity::text`): `q` and seven combining marks, which NFC leaves as they are.
const WIDEST_GRAPHEME: &str = "q\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}";

pub async fn every_text_column_holds_the_longest_value_its_rule_allows(db: TestDb) {
    use identity::{
        LinkStore, PasskeyStore,
        account::{DisplayName, Email, NewMember},
        passkeys::{CredentialId, NewPasskey, PasskeyName, StoredCredential},
        providers::Link,
    };
    let widest = |graphemes: usize| WIDEST_GRAPHEME.repeat(graphemes);
    // 254 bytes, RFC 5321's most.
    let email =
        format!("{}@{}.{}.{}", "a".repeat(64), "b".repeat(63), "c".repeat(63), "d".repeat(61));
    let email = Email::parse(&email).expect("the longest email");
    assert_eq!(email.as_str().len(), Email::MAX_LEN);
    let display_name = DisplayName::parse(&widest(DisplayName::MAX_GRAPHEMES)).expect("valid");
    // Twelve families: the case PostgreSQL's varchar(80) once refused.
    let families =
        DisplayName::parse(&"👨\u{200D}👩\u{200D}👧\u{200D}👦".repeat(12)).expect("valid");
    let link = Link {
        provider: "p".repeat(32),
        issuer: format!("https://{}", "i".repeat(247)),
        subject: "s".repeat(255),
    };
    let passkey = NewPasskey {
        credential_id: CredentialId::from_bytes(&[7; CredentialId::MAX_LEN]).expect("valid"),
        name: PasskeyName::parse(&widest(PasskeyName::MAX_GRAPHEMES)).expect("valid"),
        credential: StoredCredential("{}".into()),
    };
    let new = NewMember {
        id: OwnerId::random(),
        email: email.clone(),
        display_name: display_name.clone(),
        password_hash: None,
        link: Some(link.clone()),
        passkey: Some(passkey.clone()),
    };
    let member = db.store.create_member(new).await.expect("stored at every rule's maximum");
    let found = db.store.find_member(member.id).await.expect("find").expect("the member");
    assert_eq!((found.email, found.display_name), (email, display_name));
    let linked = db.store.find_member_by_link(&link.issuer, &link.subject).await.expect("find");
    assert_eq!(linked.map(|m| m.id), Some(member.id));
    let keys = db.store.passkeys(member.id).await.expect("list");
    assert_eq!(keys[0].name, passkey.name);
    assert_eq!(keys[0].credential_id, passkey.credential_id);
    let bob = NewMember {
        id: OwnerId::random(),
        email: Email::parse("bob@example.com").expect("valid"),
        display_name: families.clone(),
        password_hash: None,
        link: None,
        passkey: None,
    };
    let bob = db.store.create_member(bob).await.expect("twelve families are a name");
    let found = db.store.find_member(bob.id).await.expect("find").expect("the member");
    assert_eq!(found.display_name, families);

    // The roster's own: the longest name, and an emoji of ten code points.
    let kiss = "👩🏻\u{200D}❤\u{FE0F}\u{200D}💋\u{200D}👨🏼";
    let avatar = avatar(kiss, &widest(persistence::domain::AvatarName::MAX_GRAPHEMES));
    let guest = OwnerId::random();
    db.store.create_avatar(guest, avatar.clone()).await.expect("stored at the rules' maximum");
    let listed = db.store.list_avatars(guest).await.expect("list");
    assert_eq!((listed[0].emoji.as_str(), &listed[0].name), (kiss, &avatar.name));
}
