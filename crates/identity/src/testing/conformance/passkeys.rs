//! The rules of passkeys.

use super::{
    Subject,
    fixtures::{ROOMY, passkey},
    member, parse_email, refusal,
};
use crate::{
    AccountRefusal, AccountStore, LinkStore, OwnerId, PasskeyStore,
    account::{DisplayName, NewMember},
    passkeys::{CredentialId, NewPasskey, StoredCredential},
};

fn id(n: u8) -> CredentialId {
    CredentialId::from_bytes(&[n; 16]).expect("valid")
}

fn passkey_member(address: &str, key: NewPasskey) -> NewMember {
    NewMember {
        id: OwnerId::random(),
        email: parse_email(address),
        display_name: DisplayName::parse("Ada").expect("valid"),
        password_hash: None,
        link: None,
        passkey: Some(key),
    }
}

pub async fn a_passkey_is_added_listed_found_and_used<S: AccountStore + PasskeyStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let bob = member(&store, "bob@example.com").await;
    store.add_passkey(ada.id, passkey(1, "Laptop"), ROOMY).await.expect("add");
    store.add_passkey(ada.id, passkey(2, "Phone"), ROOMY).await.expect("add");
    let listed = store.passkeys(ada.id).await.expect("list");
    let names: Vec<_> = listed.iter().map(|key| key.name.as_str()).collect();
    assert_eq!(names, ["Laptop", "Phone"], "oldest first");
    assert!(listed.iter().all(|key| key.last_used_at.is_none()));
    assert_eq!(listed[0].credential_id, id(1));
    assert_eq!(store.passkeys(bob.id).await.expect("list"), []);
    // A credential is registered once, to anyone.
    let again = store.add_passkey(bob.id, passkey(1, "Stolen"), ROOMY).await;
    assert_eq!(refusal(again), Some(AccountRefusal::LinkTaken));
    let stranger = store.add_passkey(OwnerId::random(), passkey(3, "Nobody"), ROOMY).await;
    assert_eq!(refusal(stranger), Some(AccountRefusal::NotFound));
    // Found by its id with its owner; using it keeps its new state and the time.
    let found = store.find_passkey(&id(2)).await.expect("find").expect("there");
    assert_eq!((found.member, found.credential), (ada.id, passkey(2, "x").credential));
    let newer = StoredCredential("{\"key\":2,\"counter\":7}".into());
    store.passkey_used(&id(2), newer.clone()).await.expect("used");
    let found = store.find_passkey(&id(2)).await.expect("find").expect("there");
    assert_eq!(found.credential, newer);
    let listed = store.passkeys(ada.id).await.expect("list");
    assert!(listed[1].last_used_at.is_some() && listed[0].last_used_at.is_none());
    assert!(store.find_passkey(&id(3)).await.expect("find").is_none());
    let gone = store.passkey_used(&id(3), newer).await;
    assert_eq!(refusal(gone), Some(AccountRefusal::NotFound));
}

pub async fn a_member_made_with_a_passkey_has_its_chosen_id_and_the_passkey<
    S: AccountStore + LinkStore + PasskeyStore,
>(
    Subject { store, .. }: Subject<S>,
) {
    let new = passkey_member("ada@example.com", passkey(1, "Laptop"));
    let chosen = new.id;
    let (ada, merge) = store.create_member_from_guest(new, OwnerId::random()).await.expect("make");
    assert_eq!(ada.id, chosen, "the passkey's user handle is the member's id");
    assert!(!merge.already_merged);
    let found = store.find_passkey(&id(1)).await.expect("find").expect("there");
    assert_eq!(found.member, ada.id);
    // A taken credential refuses the whole new member: the email stays free.
    let taken = passkey_member("bob@example.com", passkey(1, "Copy"));
    assert_eq!(refusal(store.create_member(taken).await), Some(AccountRefusal::LinkTaken));
    assert!(
        store.find_member_by_email(&parse_email("bob@example.com")).await.expect("find").is_none()
    );
}

pub async fn the_last_way_to_sign_in_is_never_removed<
    S: AccountStore + LinkStore + PasskeyStore,
>(
    Subject { store, .. }: Subject<S>,
) {
    let new = passkey_member("ada@example.com", passkey(1, "Laptop"));
    let ada = store.create_member(new).await.expect("create");
    let last = store.remove_passkey(ada.id, &id(1)).await;
    assert_eq!(refusal(last), Some(AccountRefusal::LastSignInMethod));
    // Someone else cannot remove it, and their attempt is "nothing to remove".
    let bob = member(&store, "bob@example.com").await;
    store.remove_passkey(bob.id, &id(1)).await.expect("not bob's: nothing to do");
    assert!(store.find_passkey(&id(1)).await.expect("find").is_some());
    // A second passkey lets the first go; a link counts as a way to sign in too.
    store.add_passkey(ada.id, passkey(2, "Phone"), ROOMY).await.expect("add");
    store.remove_passkey(ada.id, &id(1)).await.expect("another passkey remains");
    store.remove_passkey(ada.id, &id(1)).await.expect("gone already: nothing to do");
    let link = crate::providers::Link {
        provider: "keycloak".into(),
        issuer: "https://keycloak.example".into(),
        subject: "ada-1".into(),
    };
    store.link_account(ada.id, link).await.expect("link");
    store.remove_passkey(ada.id, &id(2)).await.expect("the link remains");
    let last_link = store.unlink_account(ada.id, "keycloak").await;
    assert_eq!(refusal(last_link), Some(AccountRefusal::LastSignInMethod));
    assert_eq!(store.passkeys(ada.id).await.expect("list"), []);
}

pub async fn a_passkey_lets_the_last_link_go_and_goes_with_its_member<
    S: AccountStore + LinkStore + PasskeyStore,
>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let link = crate::providers::Link {
        provider: "keycloak".into(),
        issuer: "https://keycloak.example".into(),
        subject: "ada-1".into(),
    };
    store.link_account(ada.id, link).await.expect("link");
    store.add_passkey(ada.id, passkey(1, "Laptop"), ROOMY).await.expect("add");
    store.unlink_account(ada.id, "keycloak").await.expect("the passkey remains");
    store.delete_member(ada.id).await.expect("delete");
    assert!(store.find_passkey(&id(1)).await.expect("find").is_none());
    let bob = member(&store, "bob@example.com").await;
    store
        .add_passkey(bob.id, passkey(1, "Laptop"), ROOMY)
        .await
        .expect("the credential is free again");
}

pub async fn two_removals_at_once_leave_one_way_to_sign_in<S: AccountStore + PasskeyStore>(
    Subject { store, .. }: Subject<S>,
) {
    let new = passkey_member("ada@example.com", passkey(1, "Laptop"));
    let ada = store.create_member(new).await.expect("create");
    store.add_passkey(ada.id, passkey(2, "Phone"), ROOMY).await.expect("add");
    let remove = |n| {
        let store = store.clone();
        tokio::spawn(async move { store.remove_passkey(ada.id, &id(n)).await.is_ok() })
    };
    let (first, second) = (remove(1), remove(2));
    let removed = [first.await.expect("task"), second.await.expect("task")];
    assert_eq!(removed.iter().filter(|ok| **ok).count(), 1, "exactly one may go: {removed:?}");
    assert_eq!(store.passkeys(ada.id).await.expect("list").len(), 1);
}

pub async fn concurrent_ceremonies_add_no_passkey_past_the_cap<S: AccountStore + PasskeyStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let at_most = 10;
    let adds: Vec<_> = (1..=12)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move { store.add_passkey(ada.id, passkey(n, "Key"), at_most).await })
        })
        .collect();
    let mut refused = 0;
    for add in adds {
        match add.await.expect("task") {
            Ok(()) => {}
            refused_one => {
                assert_eq!(refusal(refused_one), Some(AccountRefusal::TooManyPasskeys));
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 2);
    assert_eq!(store.passkeys(ada.id).await.expect("list").len(), at_most);
}

pub async fn a_ceremony_is_spent_once_even_when_finished_twice_at_once<
    S: AccountStore + PasskeyStore,
>(
    Subject { store, .. }: Subject<S>,
) {
    let (first, second) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    assert!(store.spend_ceremony(first).await.expect("spend"));
    assert!(!store.spend_ceremony(first).await.expect("spent already"));
    let finishes: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.spend_ceremony(second).await.expect("spend") })
        })
        .collect();
    let mut spent = 0;
    for finish in finishes {
        spent += usize::from(finish.await.expect("task"));
    }
    assert_eq!(spent, 1, "exactly one of the concurrent finishes spends it");
}
