//! The linking rules of provider sign-in, and what a member without a password may do,
//! on the in-memory store.

use std::sync::Arc;

use identity::{
    Clock, EmailTokenStore, IdentityStore, LinkStore, ManualClock, NewEmailToken, OwnerId,
    PasskeyStore,
    account::{AccountError, Accounts, DisplayName, Email, LinkProblem, Member, PasswordHasher},
    email::{EmailToken, TokenPurpose},
    passkeys::{CredentialId, NewPasskey, PasskeyName, StoredCredential},
    providers::{Link, ProviderIdentity},
    testing::MemoryStore,
};

use crate::helpers::start;

fn accounts() -> Accounts<MemoryStore> {
    setup().0
}

fn setup() -> (Accounts<MemoryStore>, MemoryStore) {
    let store = MemoryStore::new(Arc::new(ManualClock::new(start())));
    (Accounts::new(store.clone(), PasswordHasher::new()), store)
}

/// Confirms the member's address as following the mailed link does.
async fn confirm(store: &MemoryStore, member: &Member) {
    let token = EmailToken::random();
    let now = ManualClock::new(start()).now();
    store
        .issue_email_token(NewEmailToken {
            digest: token.digest(),
            purpose: TokenPurpose::VerifyEmail,
            member: member.id,
            email: member.email.clone(),
            asker: None,
            expires_at: now + chrono::Duration::hours(1),
        })
        .await
        .expect("issue");
    store.verify_email(&token.digest(), now).await.expect("verify").expect("confirmed");
}

fn person(subject: &str, email: Option<&str>) -> ProviderIdentity {
    ProviderIdentity {
        link: Link {
            provider: "keycloak".into(),
            issuer: "https://id.example".into(),
            subject: subject.into(),
        },
        email: email.map(|e| Email::parse(e).expect("valid")),
        name: Some(DisplayName::parse("Grace Hopper").expect("valid")),
    }
}

fn problem<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, AccountError<E>>,
) -> LinkProblem {
    match result {
        Err(AccountError::Link(problem)) => problem,
        other => panic!("expected a link refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_identity_makes_a_member_and_the_same_identity_finds_it_again() {
    let accounts = accounts();
    let first = accounts.sign_in_with_provider(
        OwnerId::random(),
        person("g-1", Some("grace@example.com")),
        None,
    );
    let grace = first.await.expect("created").member;
    assert_eq!(grace.display_name.as_str(), "Grace Hopper");
    assert!(grace.password_hash.is_none());
    let again = accounts.sign_in_with_provider(OwnerId::random(), person("g-1", None), None);
    let again = again.await.expect("signed in");
    assert_eq!(again.member.id, grace.id, "the link, not the email, finds the member");
    assert!(!again.merge.already_merged, "the second guest was merged too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_email_links_nothing_and_no_verified_email_makes_nothing() {
    let (accounts, store) = setup();
    let ada =
        accounts.sign_up(OwnerId::random(), "ada@example.com", "staple battery horse", "", None);
    let ada = ada.await.expect("sign up").member;
    confirm(&store, &ada).await;
    let taken = accounts.sign_in_with_provider(
        OwnerId::random(),
        person("a-1", Some("ADA@example.com")),
        None,
    );
    assert_eq!(problem(taken.await), LinkProblem::EmailHasAccount);
    assert_eq!(accounts.linked_accounts(ada.id).await.expect("list"), []);
    let nameless = accounts.sign_in_with_provider(OwnerId::random(), person("n-1", None), None);
    assert_eq!(problem(nameless.await), LinkProblem::NoVerifiedEmail);

    // Linked by the member, the identity signs in to the account.
    accounts.link_provider(ada.id, person("a-1", Some("ada@example.com"))).await.expect("linked");
    let signed_in = accounts.sign_in_with_provider(OwnerId::random(), person("a-1", None), None);
    assert_eq!(signed_in.await.expect("signed in").member.id, ada.id);
    let linked = accounts.linked_accounts(ada.id).await.expect("list");
    assert_eq!(linked.iter().map(|l| l.provider.as_str()).collect::<Vec<_>>(), ["keycloak"]);
    // Nobody else can link it now.
    let bob =
        accounts.sign_up(OwnerId::random(), "bob@example.com", "staple battery horse", "", None);
    let bob = bob.await.expect("sign up").member;
    assert_eq!(
        problem(accounts.link_provider(bob.id, person("a-1", None)).await),
        LinkProblem::Taken
    );
    // Ada has her password too, so the link may go.
    accounts.unlink_provider(ada.id, "keycloak").await.expect("unlinked");
}

/// The attack of issue 25: someone signs up with Ada's address and a password of their
/// own, and adds a provider link and a passkey. Ada then signs in with a provider that
/// vouches for her address: she gets the account (its avatars with it, her guest's too)
/// and the squatter's password, link, passkey and sessions all stop working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_verified_owner_takes_an_unconfirmed_account_from_its_squatter() {
    let (accounts, store) = setup();
    let squatters_guest = OwnerId::random();
    store.give(squatters_guest, 2);
    let squatted =
        accounts.sign_up(squatters_guest, "ada@example.com", "squatter's phrase", "", None);
    let squatted = squatted.await.expect("sign up").member;
    assert!(!squatted.email_verified);
    accounts.link_provider(squatted.id, person("squatter", None)).await.expect("linked");
    let key = NewPasskey {
        credential_id: CredentialId::from_bytes(&[7; 16]).expect("valid"),
        name: PasskeyName::parse("Squatter's").expect("valid"),
        credential: StoredCredential("{}".into()),
    };
    store.add_passkey(squatted.id, key, 10).await.expect("passkey");

    let adas_guest = OwnerId::random();
    store.give(adas_guest, 1);
    let ada =
        accounts.sign_in_with_provider(adas_guest, person("ada", Some("ada@example.com")), None);
    let ada = ada.await.expect("the owner is never locked out");
    assert_eq!(ada.member.id, squatted.id, "the account, with its data");
    assert_eq!(ada.merge.moved_avatars, 1);
    assert_eq!(store.owned(squatted.id), 3);
    assert!(ada.member.email_verified && ada.member.password_hash.is_none());

    // The squatter keeps no way in.
    let version = store.session_version(squatted.id, None).await.expect("version");
    assert_eq!(version, Some(squatted.session_version + 1), "every session ended");
    let password = accounts.sign_in(None, "ada@example.com", "squatter's phrase", None).await;
    assert!(matches!(password, Err(AccountError::WrongCredentials)), "{password:?}");
    let link = accounts.sign_in_with_provider(OwnerId::random(), person("squatter", None), None);
    assert_eq!(problem(link.await), LinkProblem::NoVerifiedEmail, "unlinked: a stranger now");
    assert!(store.passkeys(squatted.id).await.expect("passkeys").is_empty());
    // Ada's provider signs in again; the address is confirmed, so it is hers for good.
    let again = accounts.sign_in_with_provider(OwnerId::random(), person("ada", None), None);
    assert_eq!(again.await.expect("signed in").member.id, squatted.id);
    let found = store.find_member_by_link("https://id.example", "ada").await.expect("find");
    assert_eq!(found.map(|m| m.id), Some(squatted.id));
    let other = accounts.sign_in_with_provider(
        OwnerId::random(),
        person("b", Some("ada@example.com")),
        None,
    );
    assert_eq!(problem(other.await), LinkProblem::EmailHasAccount);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_without_a_password_deletes_with_their_email_and_cannot_change_a_password() {
    let accounts = accounts();
    let grace = accounts.sign_in_with_provider(
        OwnerId::random(),
        person("g-1", Some("grace@example.com")),
        None,
    );
    let grace = grace.await.expect("created").member;
    let last = accounts.unlink_provider(grace.id, "keycloak").await;
    assert_eq!(problem(last), LinkProblem::LastSignInMethod);
    // The email is not a password: it sets none.
    let set =
        accounts.change_password(grace.id, "grace@example.com", "a new long passphrase", None);
    assert!(matches!(set.await, Err(AccountError::WrongCredentials)));
    let wrong = accounts.delete_account(grace.id, "someone@example.com", None).await;
    assert!(matches!(wrong, Err(AccountError::WrongCredentials)), "{wrong:?}");
    accounts.delete_account(grace.id, " Grace@Example.com ", None).await.expect("deleted");
    let gone = accounts.sign_in_with_provider(OwnerId::random(), person("g-1", None), None);
    assert_eq!(problem(gone.await), LinkProblem::NoVerifiedEmail, "the link went with it");
}
