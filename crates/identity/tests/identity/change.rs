//! A change of address, on the in-memory store and mailer: what asking needs and
//! answers, which inbox hears what, and what following the link does.

use identity::{
    MemberStore, OwnerId,
    account::{AccountError, AccountField, AccountProblem},
    email::MailLimits,
};

use crate::email::{PASSWORD, Setup, client, setup, token_in};

#[tokio::test]
async fn a_change_asks_the_password_and_its_link_moves_the_account_and_tells_the_old_inbox() {
    let Setup { email, accounts, mailer, .. } = setup();
    let up = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = up.expect("up").member;
    let wrong = email.request_email_change(ada.id, "not it", "ada@new.example", client()).await;
    assert!(matches!(wrong, Err(AccountError::WrongCredentials)), "{wrong:?}");
    let same = email.request_email_change(ada.id, PASSWORD, "ADA@example.com", client()).await;
    assert!(
        matches!(same, Err(AccountError::Invalid(invalid))
            if invalid.field == AccountField::Email && invalid.problem == AccountProblem::Unchanged),
        "{same:?}"
    );
    let malformed = email.request_email_change(ada.id, PASSWORD, "ada at new", client()).await;
    assert!(matches!(malformed, Err(AccountError::Invalid(_))), "{malformed:?}");
    assert!(mailer.mails().is_empty(), "nothing refused sends mail");

    email.request_email_change(ada.id, PASSWORD, "Ada@New.example", client()).await.expect("ask");
    let mails = mailer.wait_for(1).await;
    assert_eq!(
        (mails[0].to.as_str(), mails[0].subject.as_str()),
        ("ada@new.example", "Confirm your new email")
    );
    let unchanged = accounts.member(ada.id).await.expect("ada");
    assert_eq!(unchanged.email.as_str(), "ada@example.com", "nothing moves before the link");

    let changed = email.change_email(&token_in(&mails[0].text), client()).await.expect("changed");
    assert_eq!(
        (changed.old.as_str(), changed.member.email.as_str()),
        ("ada@example.com", "ada@new.example")
    );
    assert_eq!(changed.member.session_version, ada.session_version + 1, "every session ended");
    let told = mailer.wait_for(2).await;
    assert_eq!(told[1].to, "ada@example.com");
    assert!(told[1].text.contains("now ada@new.example"), "{}", told[1].text);
    let again = email.change_email(&token_in(&mails[0].text), client()).await;
    assert!(matches!(again, Err(AccountError::BadLink)), "{again:?}");
    let signed_in =
        accounts.sign_in(Some(OwnerId::random()), "ada@new.example", PASSWORD, None).await;
    assert_eq!(signed_in.expect("the new address signs in").member.id, ada.id);
}

/// The one who asks hears the same for a taken address as for a free one; the taken
/// address's owner is told, with no link, and nothing changes.
#[tokio::test]
async fn a_change_to_a_members_address_answers_alike_and_tells_only_that_inbox() {
    let Setup { email, accounts, mailer, store, .. } = setup();
    let up = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = up.expect("up").member;
    accounts.sign_up(OwnerId::random(), "bob@example.com", PASSWORD, "", None).await.expect("up");
    let answer = email.request_email_change(ada.id, PASSWORD, "bob@example.com", client()).await;
    assert!(answer.is_ok(), "{answer:?}");
    let mails = mailer.wait_for(1).await;
    assert_eq!(
        (mails[0].to.as_str(), mails[0].subject.as_str()),
        ("bob@example.com", "Your address already has an account")
    );
    assert!(!mails[0].text.contains("token="), "nothing to follow");
    let after = store.find_member(ada.id).await.expect("find").expect("ada");
    assert_eq!((after.email, after.session_version), (ada.email, ada.session_version));
}

#[tokio::test]
async fn changes_to_one_address_are_limited_alike_whether_or_not_it_has_an_account() {
    let Setup { email, accounts, .. } = setup();
    let email = email.with_limits(MailLimits { per_email: 1, ..MailLimits::default() });
    let up = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = up.expect("up").member;
    accounts.sign_up(OwnerId::random(), "bob@example.com", PASSWORD, "", None).await.expect("up");
    for address in ["bob@example.com", "cy@example.com"] {
        email.request_email_change(ada.id, PASSWORD, address, client()).await.expect("first");
        let second = email.request_email_change(ada.id, PASSWORD, address, client()).await;
        assert!(matches!(second, Err(AccountError::TooManyAttempts { .. })), "{second:?}");
    }
}

/// An address taken between the asking and the following: the link is refused, and
/// nothing changes.
#[tokio::test]
async fn an_address_taken_before_the_link_is_followed_changes_nothing() {
    let Setup { email, accounts, mailer, store, .. } = setup();
    let up = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = up.expect("up").member;
    email.request_email_change(ada.id, PASSWORD, "cy@example.com", client()).await.expect("ask");
    let link = token_in(&mailer.wait_for(1).await[0].text);
    accounts.sign_up(OwnerId::random(), "cy@example.com", PASSWORD, "", None).await.expect("up");
    let refused = email.change_email(&link, client()).await;
    assert!(matches!(refused, Err(AccountError::EmailTaken)), "{refused:?}");
    let after = store.find_member(ada.id).await.expect("find").expect("ada");
    assert_eq!((after.email, after.session_version), (ada.email, ada.session_version));
}
