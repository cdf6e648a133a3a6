//! The linking rules of provider sign-in, and what a member without a password may do,
//! on the in-memory store.

use std::sync::Arc;

use identity::{
    ManualClock, OwnerId,
    account::{AccountError, Accounts, DisplayName, Email, LinkProblem, PasswordHasher},
    providers::{Link, ProviderIdentity},
    testing::MemoryStore,
};

use crate::helpers::start;

fn accounts() -> Accounts<MemoryStore> {
    Accounts::new(MemoryStore::new(Arc::new(ManualClock::new(start()))), PasswordHasher::new())
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
async fn an_email_that_has_an_account_links_nothing_and_no_verified_email_makes_nothing() {
    let accounts = accounts();
    let ada =
        accounts.sign_up(OwnerId::random(), "ada@example.com", "staple battery horse", "", None);
    let ada = ada.await.expect("sign up").member;
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
