//! The rules of a change of address.

use chrono::Duration;

use super::{Subject, fixtures::mailed, member, parse_email, refusal};
use crate::{
    AccountRefusal, AccountStore, EmailTokenStore,
    account::PasswordHash,
    email::{EmailToken, TokenPurpose},
};

/// Following a change link moves the account to the address it was mailed to, confirmed,
/// once; every session ends; the links mailed to the old address die with the change, and
/// one mailed there after it (a request that crossed the change) does nothing.
pub async fn a_change_token_moves_the_account_once_ends_sessions_and_kills_old_links<
    S: AccountStore + EmailTokenStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    let (reset, change) = (EmailToken::random(), EmailToken::random());
    let now = clock.now();
    let to_old = mailed(TokenPurpose::ResetPassword, ada.id, "ada@example.com", &reset, now);
    store.issue_email_token(to_old).await.expect("issue");
    let to_new = mailed(TokenPurpose::ChangeEmail, ada.id, "ada@new.example", &change, now);
    store.issue_email_token(to_new).await.expect("issue");

    let changed = store.change_email(&change.digest(), now).await.expect("change");
    let changed = changed.expect("a live token");
    assert_eq!(changed.old, parse_email("ada@example.com"));
    assert_eq!(changed.member.email, parse_email("ada@new.example"));
    assert!(changed.member.email_verified, "the link proved the new address");
    assert_eq!(changed.member.session_version, ada.session_version + 1, "every session ended");
    let found = store.find_member_by_email(&parse_email("ada@new.example")).await.expect("find");
    assert_eq!(found.map(|m| m.id), Some(ada.id));
    let old = store.find_member_by_email(&parse_email("ada@example.com")).await.expect("find");
    assert!(old.is_none(), "the old address is free");
    assert!(store.change_email(&change.digest(), now).await.expect("again").is_none(), "spent");

    let hash = PasswordHash::new("$argon2id$v=19$m=19456,t=2,p=1$new".to_owned());
    let dead = store.reset_password(&reset.digest(), hash.clone(), now).await.expect("reset");
    assert!(dead.is_none(), "a link mailed to the old address died with the change");
    let crossed = EmailToken::random();
    let late = mailed(TokenPurpose::ResetPassword, ada.id, "ada@example.com", &crossed, now);
    store.issue_email_token(late).await.expect("issue");
    let dead = store.reset_password(&crossed.digest(), hash, now).await.expect("reset");
    assert!(dead.is_none(), "a link to an address the account no longer has does nothing");
    let sign_in = EmailToken::random();
    let late = mailed(TokenPurpose::SignIn, ada.id, "ada@example.com", &sign_in, now);
    store.issue_email_token(late).await.expect("issue");
    let dead = store.sign_in_with_token(&sign_in.digest(), now).await.expect("sign in");
    assert!(dead.is_none(), "nor does a sign-in link");
    let after = store.find_member(ada.id).await.expect("find").expect("ada");
    assert_eq!(
        (after.password_hash, after.session_version),
        (None, changed.member.session_version)
    );

    let expired = EmailToken::random();
    let to_new = mailed(TokenPurpose::ChangeEmail, ada.id, "ada@later.example", &expired, now);
    store.issue_email_token(to_new).await.expect("issue");
    clock.advance(Duration::hours(24));
    let late = store.change_email(&expired.digest(), clock.now()).await.expect("late");
    assert!(late.is_none(), "expired");
}

/// A change to an address another account holds is refused and changes nothing: neither
/// account, nor the link (it works once the address is free).
pub async fn a_change_to_a_taken_address_changes_nothing<S: AccountStore + EmailTokenStore>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    let bob = member(&store, "bob@example.com").await;
    let change = EmailToken::random();
    let to_bobs =
        mailed(TokenPurpose::ChangeEmail, ada.id, "bob@example.com", &change, clock.now());
    store.issue_email_token(to_bobs).await.expect("issue");

    let refused = store.change_email(&change.digest(), clock.now()).await;
    assert_eq!(refusal(refused), Some(AccountRefusal::EmailTaken));
    let after = store.find_member(ada.id).await.expect("find").expect("ada");
    assert_eq!((after.email, after.session_version), (ada.email, ada.session_version));
    let bobs = store.find_member_by_email(&parse_email("bob@example.com")).await.expect("find");
    assert_eq!(bobs.map(|m| m.id), Some(bob.id));

    store.delete_member(bob.id).await.expect("bob leaves");
    let changed = store.change_email(&change.digest(), clock.now()).await.expect("change");
    assert_eq!(changed.expect("still live").member.email, parse_email("bob@example.com"));
}
