//! The account rules (sign-up, sign-in) on the in-memory store.

use std::sync::Arc;

use identity::{
    ManualClock, OwnerId,
    account::{AccountError, AccountField, AccountProblem, Accounts, PasswordHasher},
    testing::{MemoryStore, MemoryStoreError},
};

use crate::helpers::start;

const PASSWORD: &str = "staple battery horse";

fn accounts() -> Accounts<MemoryStore> {
    let store = MemoryStore::new(Arc::new(ManualClock::new(start())));
    Accounts::new(store, PasswordHasher::new())
}

fn invalid(error: AccountError<MemoryStoreError>) -> (AccountField, AccountProblem) {
    match error {
        AccountError::Invalid(invalid) => (invalid.field, invalid.problem),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_makes_a_new_member_and_brings_the_guest_along() {
    let accounts = accounts();
    let guest = OwnerId::random();
    let up = accounts.sign_up(guest, " Ada@Example.com ", PASSWORD, "").await.expect("sign up");
    assert_ne!(up.member.id, guest);
    assert_eq!(up.member.email.as_str(), "ada@example.com");
    assert_eq!(up.member.display_name.as_str(), "ada", "defaults to the local part");
    assert!(!up.merge.already_merged);
    let hash = up.member.password_hash.expect("a password account");
    assert!(hash.expose().starts_with("$argon2id$"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_refuses_weak_passwords_and_bad_emails_at_their_field() {
    let accounts = accounts();
    let guest = OwnerId::random();
    let short = accounts.sign_up(guest, "ada@example.com", "short", "").await;
    assert_eq!(
        invalid(short.expect_err("refused")),
        (AccountField::Password, AccountProblem::TooShort { min: 10 })
    );
    let common = accounts.sign_up(guest, "ada@example.com", "Password123", "").await;
    assert_eq!(
        invalid(common.expect_err("refused")),
        (AccountField::Password, AccountProblem::Common)
    );
    let email = accounts.sign_up(guest, "ada", PASSWORD, "").await;
    assert_eq!(
        invalid(email.expect_err("refused")),
        (AccountField::Email, AccountProblem::Malformed)
    );
    // None of it made an account: the email is still free.
    accounts.sign_up(guest, "ada@example.com", PASSWORD, "Ada").await.expect("sign up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_email_is_refused_at_sign_up() {
    let accounts = accounts();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "").await.expect("first");
    let again = accounts.sign_up(OwnerId::random(), "ADA@example.com", PASSWORD, "").await;
    assert!(matches!(again, Err(AccountError::EmailTaken)), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_merges_the_guest_once_and_a_replay_merges_nothing() {
    let accounts = accounts();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "").await;
    let ada = ada.expect("sign up").member;
    let guest = OwnerId::random();
    let first = accounts.sign_in(Some(guest), "ada@example.com", PASSWORD).await.expect("sign in");
    assert_eq!(first.member.id, ada.id);
    assert!(!first.merge.already_merged);
    let replay = accounts.sign_in(Some(guest), "ada@example.com", PASSWORD).await.expect("replay");
    assert!(replay.merge.already_merged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_and_a_wrong_password_are_the_same_refusal() {
    let accounts = accounts();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "").await.expect("up");
    let guest = OwnerId::random();
    let wrong = accounts.sign_in(Some(guest), "ada@example.com", "staple battery horsE").await;
    let unknown = accounts.sign_in(Some(guest), "bob@example.com", PASSWORD).await;
    let huge = accounts.sign_in(Some(guest), "ada@example.com", &"x".repeat(10_000)).await;
    for refused in [wrong, unknown, huge] {
        assert!(matches!(refused, Err(AccountError::WrongCredentials)), "{refused:?}");
    }
    // Nothing was merged by the failed attempts: the guest still can be.
    let signed_in = accounts.sign_in(Some(guest), "ada@example.com", PASSWORD).await.expect("in");
    assert!(!signed_in.merge.already_merged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retired_guest_token_still_signs_in_and_brings_nothing() {
    let accounts = accounts();
    let guest = OwnerId::random();
    accounts.sign_up(guest, "ada@example.com", PASSWORD, "").await.expect("sign up");
    accounts.sign_up(OwnerId::random(), "bob@example.com", PASSWORD, "").await.expect("bob");
    // The same (stale) guest token signs in as someone else: no roster to bring.
    let bob = accounts.sign_in(Some(guest), "bob@example.com", PASSWORD).await.expect("sign in");
    assert_eq!((bob.merge.moved_avatars, bob.merge.already_merged), (0, false));
    let carol = accounts.sign_up(guest, "carol@example.com", PASSWORD, "").await.expect("up");
    assert_eq!(carol.member.email.as_str(), "carol@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_switching_accounts_brings_nothing_along() {
    let accounts = accounts();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "").await.expect("up");
    let ada = accounts.sign_in(None, "ada@example.com", PASSWORD).await.expect("sign in");
    assert_eq!((ada.merge.moved_avatars, ada.merge.already_merged), (0, false));
}
