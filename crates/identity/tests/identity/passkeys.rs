//! The account rules of passkeys, on the in-memory store: the ceremonies have verified
//! the credential by the time these run (`identity::passkey`; the browser tests make real
//! ones), so a made-up credential stands in here.

use std::{sync::Arc, time::Duration};

use identity::{
    ManualClock, OwnerId,
    account::{
        AccountError, Accounts, DisplayName, Email, Limits, LinkProblem, NewMember, PasswordHasher,
    },
    passkeys::{CredentialId, MAX_PASSKEYS, NewPasskey, PasskeyName, StoredCredential},
    testing::MemoryStore,
};

use crate::helpers::start;

fn accounts() -> Accounts<MemoryStore> {
    Accounts::new(MemoryStore::new(Arc::new(ManualClock::new(start()))), PasswordHasher::new())
}

fn id(n: u8) -> CredentialId {
    CredentialId::from_bytes(&[n; 16]).expect("valid")
}

fn passkey(n: u8) -> NewPasskey {
    NewPasskey {
        credential_id: id(n),
        name: PasskeyName::parse(&format!("Key {n}")).expect("valid"),
        credential: StoredCredential(format!("{{\"counter\":{n}}}")),
    }
}

fn passkey_member(address: &str, key: Option<NewPasskey>) -> NewMember {
    NewMember {
        id: OwnerId::random(),
        email: Email::parse(address).expect("valid"),
        display_name: DisplayName::parse("Pia").expect("valid"),
        password_hash: None,
        link: None,
        passkey: key,
    }
}

#[tokio::test]
async fn a_passkey_sign_up_makes_the_member_it_names_and_a_taken_email_makes_none() {
    let accounts = accounts();
    let new = passkey_member("pia@example.com", Some(passkey(1)));
    let chosen = new.id;
    let guest = OwnerId::random();
    let pia = accounts.sign_up_with_passkey(guest, new, None).await.expect("made");
    assert_eq!(pia.member.id, chosen);
    assert!(pia.member.password_hash.is_none());
    let keys = accounts.passkeys(chosen).await.expect("list");
    assert_eq!(keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["Key 1"]);

    let email = Email::parse("PIA@example.com").expect("valid");
    let refused = accounts.may_sign_up(&email, None).await;
    assert!(matches!(refused, Err(AccountError::EmailTaken)), "{refused:?}");
    let taken = passkey_member("pia@example.com", Some(passkey(2)));
    let again = accounts.sign_up_with_passkey(OwnerId::random(), taken, None).await;
    assert!(matches!(again, Err(AccountError::EmailTaken)), "{again:?}");
    assert!(accounts.find_passkey(&id(2)).await.expect("find").is_none(), "nothing stored");
}

#[tokio::test]
async fn signing_in_keeps_the_credentials_new_state_and_brings_the_guest_along_once() {
    let accounts = accounts();
    let new = passkey_member("pia@example.com", Some(passkey(1)));
    let pia = accounts.sign_up_with_passkey(OwnerId::random(), new, None).await.expect("made");
    let guest = OwnerId::random();
    let used = (id(1), StoredCredential("{\"counter\":9}".into()));
    let signed_in = accounts.sign_in_with_passkey(guest, pia.member.id, used.clone(), None).await;
    let signed_in = signed_in.expect("signed in");
    assert_eq!(signed_in.member.id, pia.member.id);
    assert!(!signed_in.merge.already_merged);
    let found = accounts.find_passkey(&id(1)).await.expect("find").expect("there");
    assert_eq!(found.credential, used.1);
    let listed = accounts.passkeys(pia.member.id).await.expect("list");
    assert!(listed[0].last_used_at.is_some());
    let replay = accounts.sign_in_with_passkey(guest, pia.member.id, used, None).await;
    assert!(replay.expect("signed in").merge.already_merged, "nothing comes along twice");
    // A passkey removed meanwhile signs in no one.
    let gone = (id(7), StoredCredential("{}".into()));
    let refused = accounts.sign_in_with_passkey(OwnerId::random(), pia.member.id, gone, None).await;
    assert!(matches!(refused, Err(AccountError::NoSuchMember)), "{refused:?}");
}

#[tokio::test]
async fn a_member_holds_at_most_ten_passkeys_and_always_one_way_to_sign_in() {
    let accounts = accounts();
    let new = passkey_member("pia@example.com", Some(passkey(0)));
    let pia = accounts.sign_up_with_passkey(OwnerId::random(), new, None).await.expect("made");
    let member = pia.member.id;
    let taken = accounts.add_passkey(member, passkey(0)).await;
    assert!(matches!(taken, Err(AccountError::Link(LinkProblem::Taken))), "{taken:?}");
    for n in 1..u8::try_from(MAX_PASSKEYS).expect("small") {
        accounts.add_passkey(member, passkey(n)).await.expect("added");
    }
    let eleventh = accounts.add_passkey(member, passkey(99)).await;
    assert!(matches!(eleventh, Err(AccountError::Link(LinkProblem::TooManyPasskeys))));
    for n in 1..u8::try_from(MAX_PASSKEYS).expect("small") {
        accounts.remove_passkey(member, &id(n)).await.expect("removed");
    }
    let last = accounts.remove_passkey(member, &id(0)).await;
    assert!(matches!(last, Err(AccountError::Link(LinkProblem::LastSignInMethod))));
    // A first password is another way: then the passkey may go.
    accounts.set_first_password(member, "staple battery horse", None).await.expect("set");
    accounts.remove_passkey(member, &id(0)).await.expect("the password remains");
    let second = accounts.set_first_password(member, "another long phrase", None).await;
    assert!(matches!(second, Err(AccountError::WrongCredentials)), "changed, not set again");
}

#[tokio::test]
async fn a_passkey_sign_up_counts_against_the_sign_up_limits() {
    let clock = ManualClock::new(start());
    let store = MemoryStore::new(Arc::new(clock));
    let limits = Limits { per_ip: 100, per_email_per_ip: 2, window: Duration::from_secs(900) };
    let accounts = Accounts::new(store, PasswordHasher::new()).with_limits(limits);
    let email = Email::parse("pia@example.com").expect("valid");
    for _ in 0..2 {
        accounts.may_sign_up(&email, None).await.expect("admitted");
    }
    let third = accounts.may_sign_up(&email, None).await;
    assert!(matches!(third, Err(AccountError::TooManyAttempts { .. })), "{third:?}");
}
