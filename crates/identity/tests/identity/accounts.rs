//! The account rules (sign-up, sign-in, managing an account, attempt limits) on the
//! in-memory store.

use std::{net::IpAddr, sync::Arc, time::Duration};

use identity::{
    ManualClock, OwnerId,
    account::{AccountError, AccountField, AccountProblem, Accounts, Limits, PasswordHasher},
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
    let up =
        accounts.sign_up(guest, " Ada@Example.com ", PASSWORD, "", None).await.expect("sign up");
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
    let short = accounts.sign_up(guest, "ada@example.com", "short", "", None).await;
    assert_eq!(
        invalid(short.expect_err("refused")),
        (AccountField::Password, AccountProblem::TooShort { min: 10 })
    );
    let common = accounts.sign_up(guest, "ada@example.com", "Password123", "", None).await;
    assert_eq!(
        invalid(common.expect_err("refused")),
        (AccountField::Password, AccountProblem::Common)
    );
    let email = accounts.sign_up(guest, "ada", PASSWORD, "", None).await;
    assert_eq!(
        invalid(email.expect_err("refused")),
        (AccountField::Email, AccountProblem::Malformed)
    );
    // None of it made an account: the email is still free.
    accounts.sign_up(guest, "ada@example.com", PASSWORD, "Ada", None).await.expect("sign up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_email_is_refused_at_sign_up() {
    let accounts = accounts();
    accounts
        .sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None)
        .await
        .expect("first");
    let again = accounts.sign_up(OwnerId::random(), "ADA@example.com", PASSWORD, "", None).await;
    assert!(matches!(again, Err(AccountError::EmailTaken)), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_merges_the_guest_once_and_a_replay_merges_nothing() {
    let accounts = accounts();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("sign up").member;
    let guest = OwnerId::random();
    let first =
        accounts.sign_in(Some(guest), "ada@example.com", PASSWORD, None).await.expect("sign in");
    assert_eq!(first.member.id, ada.id);
    assert!(!first.merge.already_merged);
    let replay =
        accounts.sign_in(Some(guest), "ada@example.com", PASSWORD, None).await.expect("replay");
    assert!(replay.merge.already_merged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_and_a_wrong_password_are_the_same_refusal() {
    let accounts = accounts();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let guest = OwnerId::random();
    let wrong =
        accounts.sign_in(Some(guest), "ada@example.com", "staple battery horsE", None).await;
    let unknown = accounts.sign_in(Some(guest), "bob@example.com", PASSWORD, None).await;
    let huge = accounts.sign_in(Some(guest), "ada@example.com", &"x".repeat(10_000), None).await;
    for refused in [wrong, unknown, huge] {
        assert!(matches!(refused, Err(AccountError::WrongCredentials)), "{refused:?}");
    }
    // Nothing was merged by the failed attempts: the guest still can be.
    let signed_in =
        accounts.sign_in(Some(guest), "ada@example.com", PASSWORD, None).await.expect("in");
    assert!(!signed_in.merge.already_merged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retired_guest_token_still_signs_in_and_brings_nothing() {
    let accounts = accounts();
    let guest = OwnerId::random();
    accounts.sign_up(guest, "ada@example.com", PASSWORD, "", None).await.expect("sign up");
    accounts.sign_up(OwnerId::random(), "bob@example.com", PASSWORD, "", None).await.expect("bob");
    // The same (stale) guest token signs in as someone else: no roster to bring.
    let bob =
        accounts.sign_in(Some(guest), "bob@example.com", PASSWORD, None).await.expect("sign in");
    assert_eq!((bob.merge.moved_avatars, bob.merge.already_merged), (0, false));
    let carol = accounts.sign_up(guest, "carol@example.com", PASSWORD, "", None).await.expect("up");
    assert_eq!(carol.member.email.as_str(), "carol@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_switching_accounts_brings_nothing_along() {
    let store = MemoryStore::new(Arc::new(ManualClock::new(start())));
    let accounts = Accounts::new(store.clone(), PasswordHasher::new());
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("ada");
    let guest = OwnerId::random();
    store.give(guest, 3);
    let bob = accounts.sign_up(guest, "bob@example.com", PASSWORD, "", None).await.expect("bob");
    assert_eq!((bob.merge.moved_avatars, store.owned(bob.member.id)), (3, 3), "bob's guest came");

    // Signed in as Bob, the browser signs in to Ada: a member has no guest to bring.
    let ada = accounts.sign_in(None, "ada@example.com", PASSWORD, None).await.expect("sign in");
    assert_eq!((ada.merge.moved_avatars, ada.merge.already_merged), (0, false));
    assert_eq!((store.owned(ada.member.id), store.owned(bob.member.id)), (0, 3));
    // Nor can a caller that passes Bob's own id as the guest pour his rows into Ada's.
    let poured = accounts.sign_in(Some(bob.member.id), "ada@example.com", PASSWORD, None).await;
    assert!(poured.is_err(), "refused: {poured:?}");
    assert_eq!((store.owned(ada.member.id), store.owned(bob.member.id)), (0, 3));
}

/// Rules with small limits, and the clock to move past a window.
fn limited(limits: Limits) -> (Accounts<MemoryStore>, ManualClock) {
    let clock = ManualClock::new(start());
    let store = MemoryStore::new(Arc::new(clock.clone()));
    (Accounts::new(store, PasswordHasher::new()).with_limits(limits), clock)
}

const NEW_PASSWORD: &str = "correct horse battery";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_asks_for_the_current_one_and_ends_every_session() {
    let accounts = accounts();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("sign up").member;
    let wrong = accounts.change_password(ada.id, "not my password", NEW_PASSWORD, None).await;
    assert!(matches!(wrong, Err(AccountError::WrongCredentials)), "{wrong:?}");
    let weak = accounts.change_password(ada.id, PASSWORD, "short", None).await;
    assert_eq!(
        invalid(weak.expect_err("too short")),
        (AccountField::Password, AccountProblem::TooShort { min: 10 })
    );

    let changed = accounts.change_password(ada.id, PASSWORD, NEW_PASSWORD, None).await;
    assert_eq!(changed.expect("changed").session_version, ada.session_version + 1);
    let old = accounts.sign_in(None, "ada@example.com", PASSWORD, None).await;
    assert!(matches!(old, Err(AccountError::WrongCredentials)), "{old:?}");
    accounts.sign_in(None, "ada@example.com", NEW_PASSWORD, None).await.expect("new password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_account_asks_for_the_password_and_then_removes_it() {
    let accounts = accounts();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("sign up").member;
    let wrong = accounts.delete_account(ada.id, NEW_PASSWORD, None).await;
    assert!(matches!(wrong, Err(AccountError::WrongCredentials)), "{wrong:?}");
    accounts.sign_in(None, "ada@example.com", PASSWORD, None).await.expect("still there");

    accounts.delete_account(ada.id, PASSWORD, None).await.expect("deleted");
    let gone = accounts.sign_in(None, "ada@example.com", PASSWORD, None).await;
    assert!(matches!(gone, Err(AccountError::WrongCredentials)), "{gone:?}");
    let again = accounts.delete_account(ada.id, PASSWORD, None).await;
    assert!(matches!(again, Err(AccountError::NoSuchMember)), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_at_one_email_from_one_network_are_limited_until_the_window_ends() {
    let window = Duration::from_secs(60);
    let (accounts, clock) = limited(Limits { per_ip: 100, per_email_per_ip: 3, window });
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    for n in 0..3 {
        // Each from another address of one /64: one network, one budget.
        let ip = Some(IpAddr::from([0x2001, 0xdb8, 0, 7, 0, 0, 0, n]));
        let wrong = accounts.sign_in(None, "ADA@example.com", "guess guess guess", ip).await;
        assert!(matches!(wrong, Err(AccountError::WrongCredentials)), "{wrong:?}");
    }
    let guesser = Some(IpAddr::from([0x2001, 0xdb8, 0, 7, 0xffff, 0, 0, 9]));
    let refused = accounts.sign_in(None, "ada@example.com", PASSWORD, guesser).await;
    let Err(AccountError::TooManyAttempts { retry_after }) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    clock.advance(chrono::Duration::seconds(i64::try_from(retry_after).expect("small")));
    accounts.sign_in(None, "ada@example.com", PASSWORD, guesser).await.expect("a new window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_the_owner_out() {
    let window = Duration::from_secs(60);
    let (accounts, _) = limited(Limits { per_ip: 100, per_email_per_ip: 3, window });
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let stranger = Some(IpAddr::from([203, 0, 113, 5]));
    for _ in 0..5 {
        let guess = accounts.sign_in(None, "ada@example.com", "guess guess guess", stranger).await;
        assert!(guess.is_err(), "{guess:?}");
    }
    let spent = accounts.sign_in(None, "ada@example.com", PASSWORD, stranger).await;
    assert!(matches!(spent, Err(AccountError::TooManyAttempts { .. })), "{spent:?}");
    // The owner, from their own network, is not refused.
    let owner = Some(IpAddr::from([198, 51, 100, 20]));
    accounts.sign_in(None, "ada@example.com", PASSWORD, owner).await.expect("the owner signs in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_sign_in_costs_no_budget() {
    let window = Duration::from_secs(60);
    let (accounts, _) = limited(Limits { per_ip: 3, per_email_per_ip: 3, window });
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let owner = Some(IpAddr::from([198, 51, 100, 20]));
    for n in 0..6 {
        let signed_in = accounts.sign_in(None, "ada@example.com", PASSWORD, owner).await;
        assert!(signed_in.is_ok(), "sign-in {n}: {signed_in:?}");
    }
    // Wrong passwords still count: the budget is whole, then spent.
    for _ in 0..3 {
        let wrong = accounts.sign_in(None, "ada@example.com", "guess guess guess", owner).await;
        assert!(matches!(wrong, Err(AccountError::WrongCredentials)), "{wrong:?}");
    }
    let spent = accounts.sign_in(None, "ada@example.com", PASSWORD, owner).await;
    assert!(matches!(spent, Err(AccountError::TooManyAttempts { .. })), "{spent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_try_many_accounts() {
    let window = Duration::from_secs(60);
    let (accounts, _) = limited(Limits { per_ip: 2, per_email_per_ip: 10, window });
    let ip = Some(IpAddr::from([192, 0, 2, 7]));
    for email in ["a@example.com", "b@example.com"] {
        let wrong = accounts.sign_in(None, email, PASSWORD, ip).await;
        assert!(matches!(wrong, Err(AccountError::WrongCredentials)), "{wrong:?}");
    }
    // The same client through a dual-stack listener (IPv4-mapped) is the same budget.
    let mapped = Some(IpAddr::from(std::net::Ipv4Addr::new(192, 0, 2, 7).to_ipv6_mapped()));
    let third = accounts.sign_in(None, "c@example.com", PASSWORD, mapped).await;
    assert!(matches!(third, Err(AccountError::TooManyAttempts { .. })), "{third:?}");
    let elsewhere = accounts.sign_in(None, "c@example.com", PASSWORD, None).await;
    assert!(matches!(elsewhere, Err(AccountError::WrongCredentials)), "{elsewhere:?}");
    // Sign-ups have a budget of their own.
    accounts.sign_up(OwnerId::random(), "d@example.com", PASSWORD, "", ip).await.expect("up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_bumps_the_version_and_a_gone_account_says_so() {
    let accounts = accounts();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("sign up").member;
    assert_eq!(accounts.sign_out_everywhere(ada.id).await.expect("bumped"), 2);
    assert_eq!(accounts.sign_out_everywhere(ada.id).await.expect("bumped"), 3);
    accounts.delete_account(ada.id, PASSWORD, None).await.expect("deleted");
    let gone = accounts.sign_out_everywhere(ada.id).await;
    assert!(matches!(gone, Err(AccountError::NoSuchMember)), "{gone:?}");
    let gone = accounts.sign_out(ada.id, Some(identity::SessionId::random())).await;
    assert!(matches!(gone, Err(AccountError::NoSuchMember)), "{gone:?}");
}
