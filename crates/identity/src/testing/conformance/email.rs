//! The rules of tokens that links in mail carry.

use chrono::Duration;

use super::{
    Subject,
    fixtures::{ROOMY, link, mailed, passkey},
    member, parse_email,
};
use crate::{
    AccountStore, EmailTokenStore, LinkStore, NewEmailToken, OwnerId, PasskeyStore,
    account::PasswordHash,
    email::{EmailToken, TokenDigest, TokenPurpose},
};

fn reset_token(
    member: OwnerId,
    token: &EmailToken,
    subject_now: chrono::DateTime<chrono::Utc>,
) -> NewEmailToken {
    NewEmailToken {
        digest: token.digest(),
        purpose: TokenPurpose::ResetPassword,
        member,
        email: parse_email("ada@example.com"),
        asker: Some(EmailToken::random().digest()),
        expires_at: subject_now + Duration::minutes(30),
    }
}

fn verify_token(
    member: OwnerId,
    address: &str,
    token: &EmailToken,
    subject_now: chrono::DateTime<chrono::Utc>,
) -> NewEmailToken {
    mailed(TokenPurpose::VerifyEmail, member, address, token, subject_now)
}

fn hash(text: &str) -> PasswordHash {
    PasswordHash::new(format!("$argon2id$v=19$m=19456,t=2,p=1${text}"))
}

pub async fn a_reset_token_sets_the_password_verifies_and_ends_sessions_once<
    S: AccountStore + EmailTokenStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    let token = EmailToken::random();
    let new = reset_token(ada.id, &token, clock.now());
    let asker = new.asker;
    store.issue_email_token(new).await.expect("issue");
    let purpose = TokenPurpose::ResetPassword;
    let found = store.find_email_token(&token.digest(), purpose, clock.now()).await.expect("find");
    assert_eq!(found.map(|f| (f.member, f.asker)), Some((ada.id, asker)));
    let reset = store.reset_password(&token.digest(), hash("new"), clock.now()).await;
    let reset = reset.expect("reset").expect("a live token");
    assert_eq!(reset.password_hash, Some(hash("new")));
    assert!(reset.email_verified && !ada.email_verified);
    assert_eq!(reset.session_version, ada.session_version + 1);
    let stored = store.find_member(ada.id).await.expect("find").expect("the member");
    assert_eq!((stored.password_hash, stored.email_verified), (Some(hash("new")), true));
    // Spent: neither found nor usable again, and nothing changes.
    assert_eq!(
        store.find_email_token(&token.digest(), purpose, clock.now()).await.expect("find"),
        None
    );
    let again = store.reset_password(&token.digest(), hash("other"), clock.now()).await;
    assert!(again.expect("reset").is_none());
    let stored = store.find_member(ada.id).await.expect("find").expect("the member");
    assert_eq!(
        (stored.password_hash, stored.session_version),
        (Some(hash("new")), reset.session_version)
    );
}

pub async fn a_reset_token_dies_when_it_expires_or_a_newer_one_is_issued<
    S: AccountStore + EmailTokenStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    let bob = member(&store, "bob@example.com").await;
    let (first, second, bobs) = (EmailToken::random(), EmailToken::random(), EmailToken::random());
    store.issue_email_token(reset_token(ada.id, &first, clock.now())).await.expect("issue");
    store.issue_email_token(reset_token(bob.id, &bobs, clock.now())).await.expect("issue");
    store.issue_email_token(reset_token(ada.id, &second, clock.now())).await.expect("issue");
    let purpose = TokenPurpose::ResetPassword;
    let live = |digest: TokenDigest| {
        let store = store.clone();
        let now = clock.now();
        async move { store.find_email_token(&digest, purpose, now).await.expect("find").is_some() }
    };
    assert!(!live(first.digest()).await, "a newer token replaces the older one");
    assert!(live(second.digest()).await && live(bobs.digest()).await, "another member's stays");
    assert!(
        store
            .reset_password(&first.digest(), hash("x"), clock.now())
            .await
            .expect("reset")
            .is_none()
    );
    clock.advance(Duration::minutes(30));
    assert!(!live(second.digest()).await, "expired at its time");
    assert!(
        store
            .reset_password(&second.digest(), hash("x"), clock.now())
            .await
            .expect("reset")
            .is_none()
    );
    let stored = store.find_member(ada.id).await.expect("find").expect("the member");
    assert_eq!((stored.password_hash, stored.email_verified), (None, false), "nothing changed");
}

pub async fn a_members_tokens_go_with_it<S: AccountStore + EmailTokenStore>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    let token = EmailToken::random();
    store.issue_email_token(reset_token(ada.id, &token, clock.now())).await.expect("issue");
    store.delete_member(ada.id).await.expect("delete");
    let purpose = TokenPurpose::ResetPassword;
    assert_eq!(
        store.find_email_token(&token.digest(), purpose, clock.now()).await.expect("find"),
        None
    );
}

pub async fn two_resets_with_one_token_at_once_set_one_password<
    S: AccountStore + EmailTokenStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    let token = EmailToken::random();
    store.issue_email_token(reset_token(ada.id, &token, clock.now())).await.expect("issue");
    let resets: Vec<_> = (0..4)
        .map(|n| {
            let (store, digest, now) = (store.clone(), token.digest(), clock.now());
            tokio::spawn(
                async move { store.reset_password(&digest, hash(&n.to_string()), now).await },
            )
        })
        .collect();
    let mut winners = Vec::new();
    for reset in resets {
        winners.extend(reset.await.expect("task").expect("no failure"));
    }
    assert_eq!(winners.len(), 1, "exactly one of the concurrent resets spends the token");
    let stored = store.find_member(ada.id).await.expect("find").expect("the member");
    assert_eq!(stored.password_hash, winners[0].password_hash);
    assert_eq!(stored.session_version, ada.session_version + 1, "bumped once");
}

pub async fn a_verify_token_confirms_the_address_it_was_mailed_to_once<
    S: AccountStore + EmailTokenStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    let token = EmailToken::random();
    store
        .issue_email_token(verify_token(ada.id, "ada@example.com", &token, clock.now()))
        .await
        .expect("issue");
    let as_reset = store.reset_password(&token.digest(), hash("x"), clock.now()).await;
    assert!(as_reset.expect("reset").is_none(), "a token works for its purpose only");
    let purpose = TokenPurpose::VerifyEmail;
    let found = store.find_email_token(&token.digest(), purpose, clock.now()).await.expect("find");
    assert_eq!(found.map(|f| (f.member, f.asker)), Some((ada.id, None)));
    let verified = store.verify_email(&token.digest(), clock.now()).await.expect("verify");
    let verified = verified.expect("a live token");
    assert!(verified.email_verified && !ada.email_verified);
    assert_eq!(
        (verified.session_version, verified.password_hash),
        (ada.session_version, None),
        "confirming changes nothing else"
    );
    let again = store.verify_email(&token.digest(), clock.now()).await.expect("verify");
    assert!(again.is_none(), "spent");

    // A token mailed to an address the member no longer has confirms nothing.
    let bob = member(&store, "bob@example.com").await;
    let old = EmailToken::random();
    store
        .issue_email_token(verify_token(bob.id, "bobby@example.com", &old, clock.now()))
        .await
        .expect("issue");
    assert!(store.verify_email(&old.digest(), clock.now()).await.expect("verify").is_none());
    let stored = store.find_member(bob.id).await.expect("find").expect("bob");
    assert!(!stored.email_verified);
    // An expired one neither.
    let late = EmailToken::random();
    store
        .issue_email_token(verify_token(bob.id, "bob@example.com", &late, clock.now()))
        .await
        .expect("issue");
    clock.advance(Duration::hours(24));
    assert!(store.verify_email(&late.digest(), clock.now()).await.expect("verify").is_none());
    let stored = store.find_member(bob.id).await.expect("find").expect("bob");
    assert!(!stored.email_verified);
}

/// Whoever made an account with someone else's address may have added passkeys and
/// links; a reset by the address's owner removes them, and only then.
pub async fn a_reset_of_an_unconfirmed_address_removes_its_passkeys_and_links<
    S: AccountStore + EmailTokenStore + LinkStore + PasskeyStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    store.link_account(ada.id, link("keycloak", "squatter")).await.expect("link");
    store.add_passkey(ada.id, passkey(1, "Squatter's"), ROOMY).await.expect("add");
    let token = EmailToken::random();
    store.issue_email_token(reset_token(ada.id, &token, clock.now())).await.expect("issue");
    store
        .reset_password(&token.digest(), hash("new"), clock.now())
        .await
        .expect("reset")
        .expect("live");
    assert!(store.linked_accounts(ada.id).await.expect("links").is_empty());
    assert!(store.passkeys(ada.id).await.expect("passkeys").is_empty());

    // Confirmed now: the next reset keeps what the owner adds.
    store.link_account(ada.id, link("keycloak", "ada")).await.expect("link");
    store.add_passkey(ada.id, passkey(2, "Ada's"), ROOMY).await.expect("add");
    let token = EmailToken::random();
    store.issue_email_token(reset_token(ada.id, &token, clock.now())).await.expect("issue");
    store
        .reset_password(&token.digest(), hash("newer"), clock.now())
        .await
        .expect("reset")
        .expect("live");
    assert_eq!(store.linked_accounts(ada.id).await.expect("links").len(), 1);
    assert_eq!(store.passkeys(ada.id).await.expect("passkeys").len(), 1);
}

/// A sign-in token is found by the browser that asked for it, and spent once; spending it
/// proves the address, and for an address unconfirmed until then leaves whoever made the
/// account no way in.
pub async fn a_sign_in_token_is_found_by_its_asker_and_spent_once_proving_the_address<
    S: AccountStore + EmailTokenStore + PasskeyStore,
>(
    Subject { store, clock }: Subject<S>,
) {
    use crate::Clock;
    let ada = member(&store, "ada@example.com").await;
    store.set_password(ada.id, hash("squatter")).await.expect("password");
    store.add_passkey(ada.id, passkey(1, "Squatter's"), ROOMY).await.expect("add");
    let before = store.find_member(ada.id).await.expect("find").expect("ada");
    let (token, here, elsewhere) =
        (EmailToken::random(), EmailToken::random().digest(), EmailToken::random().digest());
    let sign_in = |member: OwnerId, token: &EmailToken, address: &str| NewEmailToken {
        digest: token.digest(),
        purpose: TokenPurpose::SignIn,
        member,
        email: parse_email(address),
        asker: Some(here),
        expires_at: clock.now() + Duration::minutes(15),
    };
    store.issue_email_token(sign_in(ada.id, &token, "ada@example.com")).await.expect("issue");
    let asked = |asker: TokenDigest, purpose: TokenPurpose| {
        let (store, now) = (store.clone(), clock.now());
        async move { store.tokens_asked_by(&asker, purpose, now).await.expect("asked") }
    };
    assert_eq!(asked(here, TokenPurpose::SignIn).await, [token.digest()]);
    assert!(asked(elsewhere, TokenPurpose::SignIn).await.is_empty());
    assert!(asked(here, TokenPurpose::ResetPassword).await.is_empty());

    let signed_in = store.sign_in_with_token(&token.digest(), clock.now()).await.expect("spend");
    let signed_in = signed_in.expect("a live token");
    assert!(signed_in.email_verified && signed_in.password_hash.is_none());
    assert_eq!(signed_in.session_version, before.session_version + 1, "every session ended");
    assert!(store.passkeys(ada.id).await.expect("passkeys").is_empty());
    assert!(store.sign_in_with_token(&token.digest(), clock.now()).await.expect("spend").is_none());
    assert!(asked(here, TokenPurpose::SignIn).await.is_empty(), "spent");

    // Confirmed now: the next link signs in and changes nothing else.
    store.set_password(ada.id, hash("ada's")).await.expect("password");
    let before = store.find_member(ada.id).await.expect("find").expect("ada");
    let next = EmailToken::random();
    store.issue_email_token(sign_in(ada.id, &next, "ada@example.com")).await.expect("issue");
    let signed_in = store.sign_in_with_token(&next.digest(), clock.now()).await.expect("spend");
    let signed_in = signed_in.expect("a live token");
    assert_eq!(
        (signed_in.password_hash, signed_in.session_version),
        (Some(hash("ada's")), before.session_version)
    );
    // An expired one does nothing.
    let late = EmailToken::random();
    store.issue_email_token(sign_in(ada.id, &late, "ada@example.com")).await.expect("issue");
    clock.advance(Duration::minutes(15));
    assert!(store.sign_in_with_token(&late.digest(), clock.now()).await.expect("spend").is_none());
    assert!(asked(here, TokenPurpose::SignIn).await.is_empty(), "expired");
}
