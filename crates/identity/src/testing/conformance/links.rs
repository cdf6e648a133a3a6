//! The rules of provider links (sign-in with OpenID Connect).

use super::{
    Subject,
    fixtures::{ROOMY, link, passkey},
    member, parse_email, refusal,
};
use crate::{
    AccountRefusal, AccountStore, LinkStore, OwnerId,
    account::{DisplayName, NewMember, PasswordHash},
    providers::Link,
};

fn linked_member(address: &str, link: Link) -> NewMember {
    NewMember {
        id: OwnerId::random(),
        email: parse_email(address),
        display_name: DisplayName::parse("Ada").expect("valid"),
        password_hash: None,
        link: Some(link),
        passkey: None,
    }
}

pub async fn a_member_made_from_a_provider_identity_is_found_by_it<S: AccountStore + LinkStore>(
    Subject { store, .. }: Subject<S>,
) {
    let guest = OwnerId::random();
    let new = linked_member("ada@example.com", link("keycloak", "ada-1"));
    let (ada, merge) = store.create_member_from_guest(new, guest).await.expect("sign up");
    assert!(!merge.already_merged);
    let issuer = "https://keycloak.example";
    let found = store.find_member_by_link(issuer, "ada-1").await.expect("find");
    assert_eq!(found.map(|m| m.id), Some(ada.id));
    let other_issuer = store.find_member_by_link("https://other.example", "ada-1").await;
    assert!(other_issuer.expect("find").is_none(), "a subject is unique per issuer only");
    assert!(store.find_member_by_link(issuer, "bob-2").await.expect("find").is_none());
    let links = store.linked_accounts(ada.id).await.expect("list");
    assert_eq!(links.iter().map(|l| l.provider.as_str()).collect::<Vec<_>>(), ["keycloak"]);
}

pub async fn a_provider_identity_links_to_one_member_once<S: AccountStore + LinkStore>(
    Subject { store, .. }: Subject<S>,
) {
    let ada = member(&store, "ada@example.com").await;
    let bob = member(&store, "bob@example.com").await;
    store.link_account(ada.id, link("keycloak", "ada-1")).await.expect("link");
    let to_bob = store.link_account(bob.id, link("keycloak", "ada-1")).await;
    assert_eq!(refusal(to_bob), Some(AccountRefusal::LinkTaken));
    let second_at_provider = store.link_account(ada.id, link("keycloak", "ada-2")).await;
    assert_eq!(refusal(second_at_provider), Some(AccountRefusal::LinkTaken));
    let stranger = store.link_account(OwnerId::random(), link("google", "x")).await;
    assert_eq!(refusal(stranger), Some(AccountRefusal::NotFound));
    // A new member from a taken identity is refused whole: the email stays free.
    let taken = linked_member("carol@example.com", link("keycloak", "ada-1"));
    assert_eq!(refusal(store.create_member(taken).await), Some(AccountRefusal::LinkTaken));
    assert!(
        store
            .find_member_by_email(&parse_email("carol@example.com"))
            .await
            .expect("find")
            .is_none()
    );
    assert_eq!(store.linked_accounts(bob.id).await.expect("list"), []);
}

pub async fn the_last_way_to_sign_in_is_never_unlinked<S: AccountStore + LinkStore>(
    Subject { store, .. }: Subject<S>,
) {
    let new = linked_member("ada@example.com", link("keycloak", "ada-1"));
    let ada = store.create_member(new).await.expect("create");
    let last = store.unlink_account(ada.id, "keycloak").await;
    assert_eq!(refusal(last), Some(AccountRefusal::LastSignInMethod));
    store.link_account(ada.id, link("google", "ada-g")).await.expect("link");
    store.unlink_account(ada.id, "keycloak").await.expect("another way remains");
    store.unlink_account(ada.id, "keycloak").await.expect("gone already: nothing to do");
    let providers = store.linked_accounts(ada.id).await.expect("list");
    assert_eq!(providers.iter().map(|l| l.provider.as_str()).collect::<Vec<_>>(), ["google"]);
    // With a password, the last link may go.
    let hash = PasswordHash::new("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA".into());
    store.set_password(ada.id, hash).await.expect("set");
    store.unlink_account(ada.id, "google").await.expect("the password remains");
    assert_eq!(store.linked_accounts(ada.id).await.expect("list"), []);
}

pub async fn deleting_a_member_frees_its_provider_identities<S: AccountStore + LinkStore>(
    Subject { store, .. }: Subject<S>,
) {
    let new = linked_member("ada@example.com", link("keycloak", "ada-1"));
    let ada = store.create_member(new).await.expect("create");
    store.delete_member(ada.id).await.expect("delete");
    let issuer = "https://keycloak.example";
    assert!(store.find_member_by_link(issuer, "ada-1").await.expect("find").is_none());
    let again = store.create_member(linked_member("ada@example.com", link("keycloak", "ada-1")));
    assert_ne!(again.await.expect("the identity is free").id, ada.id);
}

/// A provider vouches for an address a member holds unconfirmed: the account is taken
/// over, and its unproven holder keeps no way in.
pub async fn a_provider_takes_an_unconfirmed_account_and_its_holder_keeps_no_way_in<
    S: AccountStore + LinkStore + crate::PasskeyStore,
>(
    Subject { store, .. }: Subject<S>,
) {
    let squatted = store
        .create_member(NewMember {
            password_hash: Some(PasswordHash::new("$argon2id$squatter".into())),
            ..linked_member("ada@example.com", link("keycloak", "unused"))
        })
        .await;
    let made_from_link = squatted.expect("create");
    assert!(made_from_link.email_verified, "a provider vouched for a linked member's address");
    let taken = store.take_unconfirmed_account(made_from_link.id, link("google", "ada")).await;
    assert!(taken.expect("take").is_none(), "a confirmed address is its holder's");

    let squatted = super::member(&store, "bob@example.com").await;
    store
        .set_password(squatted.id, PasswordHash::new("$argon2id$squatter".into()))
        .await
        .expect("password");
    // At the very provider the owner comes with: the squatter's link must not stand in
    // the way of the owner's.
    store.link_account(squatted.id, link("google", "squatter")).await.expect("link");
    store.add_passkey(squatted.id, passkey(1, "Squatter's"), ROOMY).await.expect("passkey");
    let before = store.find_member(squatted.id).await.expect("find").expect("bob");
    let taken = store.take_unconfirmed_account(squatted.id, link("google", "bob")).await;
    let taken = taken.expect("take").expect("unconfirmed: taken");
    assert_eq!(taken.id, squatted.id, "the account and its data stay together");
    assert!(taken.email_verified && taken.password_hash.is_none());
    assert_eq!(taken.session_version, before.session_version + 1, "every session ended");
    let links = store.linked_accounts(squatted.id).await.expect("links");
    assert_eq!(links.iter().map(|l| l.provider.as_str()).collect::<Vec<_>>(), ["google"]);
    assert!(store.passkeys(squatted.id).await.expect("passkeys").is_empty());
    let found = store.find_member_by_link("https://google.example", "squatter").await;
    assert!(found.expect("find").is_none(), "the squatter's link is gone");
    let again = store.take_unconfirmed_account(squatted.id, link("other", "bob")).await;
    assert!(again.expect("take").is_none(), "taken once");
    let nobody = store.take_unconfirmed_account(OwnerId::random(), link("other", "x")).await;
    assert!(nobody.expect("take").is_none());
}
