//! Password reset and address confirmation by mail, on the in-memory store and mailer:
//! what a request answers, what the link does, and when it stops working.

use std::{net::IpAddr, sync::Arc, time::Duration};

use chrono::Duration as Span;
use identity::{
    IdentityStore, ManualClock, MemberStore, OwnerId,
    account::{AccountError, AccountField, Accounts, PasswordHasher},
    email::{EmailAccounts, EmailToken, LinkSignIn, Links, MailLimits, Reset, TokenDigest},
    testing::{MemoryMailer, MemoryStore, MemoryStoreError},
};

use crate::helpers::start;

pub(crate) const PASSWORD: &str = "staple battery horse";
const NEW_PASSWORD: &str = "correct horse battery";

pub(crate) struct Setup {
    pub email: EmailAccounts<MemoryStore>,
    pub accounts: Accounts<MemoryStore>,
    pub store: MemoryStore,
    pub mailer: MemoryMailer,
    pub clock: ManualClock,
}

pub(crate) fn setup() -> Setup {
    let clock = ManualClock::new(start());
    let store = MemoryStore::new(Arc::new(clock.clone()));
    let accounts = Accounts::new(store.clone(), PasswordHasher::new());
    let mailer = MemoryMailer::default();
    let links = Links {
        origin: "http://localhost:3000".to_owned(),
        reset_path: "/reset".to_owned(),
        forgot_path: "/forgot".to_owned(),
        verify_path: "/verify".to_owned(),
        sign_in_path: "/signin-link".to_owned(),
        change_email_path: "/change-email".to_owned(),
    };
    let email = EmailAccounts::new(
        accounts.clone(),
        Arc::new(mailer.clone()),
        links,
        Arc::new(clock.clone()),
    );
    Setup { email, accounts, store, mailer, clock }
}

/// The token a mail's link carries.
pub(crate) fn token_in(text: &str) -> String {
    let line = text.lines().find(|line| line.contains("token=")).expect("a link");
    line.split("token=").nth(1).expect("a token").to_owned()
}

/// A browser's asking secret and its digest.
fn asker() -> (EmailToken, TokenDigest) {
    let secret = EmailToken::random();
    let digest = secret.digest();
    (secret, digest)
}

pub(crate) fn client() -> Option<IpAddr> {
    Some("198.51.100.7".parse().expect("an address"))
}

#[tokio::test]
async fn asking_answers_alike_for_every_address_and_mails_only_a_member() {
    let Setup { email, accounts, mailer, .. } = setup();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let (_, digest) = asker();
    let unknown = email.request_reset("nobody@example.com", client(), digest).await;
    let known = email.request_reset("Ada@Example.com", client(), digest).await;
    assert!(unknown.is_ok() && known.is_ok(), "{unknown:?} {known:?}");
    // On this test's one thread the two lookups run in the order asked: the unknown
    // address's is done when the member's mail arrives.
    let mails = mailer.wait_for(1).await;
    assert_eq!(mails.len(), 1, "no mail to an address without an account");
    assert_eq!(mails[0].to, "ada@example.com");
    assert!(mails[0].html.contains(&token_in(&mails[0].text)));
    let malformed = email.request_reset("not an address", client(), digest).await;
    assert!(matches!(malformed, Err(AccountError::Invalid(i)) if i.field == AccountField::Email));
}

#[tokio::test]
async fn the_link_in_the_asking_browser_sets_the_password_signs_in_and_brings_the_guest() {
    let Setup { email, accounts, store, mailer, .. } = setup();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("up").member;
    let (_, digest) = asker();
    email.request_reset("ada@example.com", client(), digest).await.expect("asked");
    let token = token_in(&mailer.wait_for(1).await[0].text);
    let guest = OwnerId::random();
    store.give(guest, 3);
    let reset = email.reset_password(&token, NEW_PASSWORD, client(), Some(digest), Some(guest));
    let Reset::SignedIn(upgrade) = reset.await.expect("reset") else { panic!("signed in here") };
    assert_eq!(upgrade.member.id, ada.id);
    assert_eq!(upgrade.merge.moved_avatars, 3);
    assert!(upgrade.member.email_verified, "the mail reached its owner");
    assert_eq!(upgrade.member.session_version, ada.session_version + 1, "other sessions end");
    assert_eq!(store.owned(ada.id), 3);
    // The new password signs in; the old one does not.
    assert!(accounts.sign_in(None, "ada@example.com", NEW_PASSWORD, None).await.is_ok());
    let old = accounts.sign_in(None, "ada@example.com", PASSWORD, None).await;
    assert!(matches!(old, Err(AccountError::WrongCredentials)));
    // Once only.
    let again = email.reset_password(&token, "another good phrase", client(), Some(digest), None);
    assert!(matches!(again.await, Err(AccountError::BadLink)));
}

#[tokio::test]
async fn in_another_browser_the_link_sets_the_password_and_nothing_else() {
    let Setup { email, accounts, store, mailer, .. } = setup();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("up").member;
    let (_, asked_here) = asker();
    email.request_reset("ada@example.com", client(), asked_here).await.expect("asked");
    let token = token_in(&mailer.wait_for(1).await[0].text);
    let (_, elsewhere) = asker();
    let guest_elsewhere = OwnerId::random();
    store.give(guest_elsewhere, 2);
    let reset = email
        .reset_password(&token, NEW_PASSWORD, client(), Some(elsewhere), Some(guest_elsewhere))
        .await;
    let Reset::PasswordSet(member) = reset.expect("reset") else { panic!("not signed in there") };
    assert_eq!(member.id, ada.id);
    assert_eq!(store.owned(guest_elsewhere), 2, "the guest there keeps its avatars");
    assert_eq!(store.owned(ada.id), 0);
    assert!(accounts.sign_in(None, "ada@example.com", NEW_PASSWORD, None).await.is_ok());
}

#[tokio::test]
async fn a_link_dies_when_a_newer_one_is_asked_for_and_after_thirty_minutes() {
    let Setup { email, accounts, mailer, clock, .. } = setup();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let (_, digest) = asker();
    email.request_reset("ada@example.com", client(), digest).await.expect("asked");
    let first = token_in(&mailer.wait_for(1).await[0].text);
    email.request_reset("ada@example.com", client(), digest).await.expect("asked again");
    let second = token_in(&mailer.wait_for(2).await[1].text);
    let replaced = email.reset_password(&first, NEW_PASSWORD, client(), Some(digest), None);
    assert!(matches!(replaced.await, Err(AccountError::BadLink)));
    clock.advance(Span::minutes(30));
    let expired = email.reset_password(&second, NEW_PASSWORD, client(), Some(digest), None);
    assert!(matches!(expired.await, Err(AccountError::BadLink)));
    assert!(accounts.sign_in(None, "ada@example.com", PASSWORD, None).await.is_ok(), "unchanged");
}

#[tokio::test]
async fn a_weak_new_password_is_refused_at_its_field_and_the_link_still_works() {
    let Setup { email, accounts, mailer, .. } = setup();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let (_, digest) = asker();
    email.request_reset("ada@example.com", client(), digest).await.expect("asked");
    let token = token_in(&mailer.wait_for(1).await[0].text);
    let weak = email.reset_password(&token, "short", client(), Some(digest), None).await;
    assert!(matches!(weak, Err(AccountError::Invalid(i)) if i.field == AccountField::Password));
    let made_up = EmailToken::random();
    let made_up =
        email.reset_password(made_up.expose(), NEW_PASSWORD, client(), Some(digest), None).await;
    assert!(matches!(made_up, Err(AccountError::BadLink)));
    let garbage =
        email.reset_password("../../etc/passwd", NEW_PASSWORD, client(), Some(digest), None);
    assert!(matches!(garbage.await, Err(AccountError::BadLink)));
    let reset = email.reset_password(&token, NEW_PASSWORD, client(), Some(digest), None).await;
    assert!(matches!(reset, Ok(Reset::SignedIn(_))));
}

#[tokio::test]
async fn mails_are_limited_per_address_and_per_network_alike_for_unknown_addresses() {
    let Setup { email, accounts, mailer, .. } = setup();
    let limits = MailLimits { per_email: 2, per_ip: 3, window: Duration::from_secs(3600) };
    let email = email.with_limits(limits);
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let (_, digest) = asker();
    // Per address, from networks of their own each time.
    let mut networks = (1..=u8::MAX).map(|i| Some(IpAddr::from([203, 0, 113, i])));
    for address in ["ada@example.com", "nobody@example.com"] {
        for _ in 0..2 {
            let asked = email.request_reset(address, networks.next().flatten(), digest).await;
            asked.expect("within the budget");
        }
        let third = email.request_reset(address, networks.next().flatten(), digest).await;
        assert!(
            matches!(third, Err(AccountError::<MemoryStoreError>::TooManyAttempts { retry_after }) if retry_after > 0),
            "{address}: {third:?}"
        );
    }
    // Per network: a third address from the same client after three mails.
    let from = client();
    for address in ["a@example.com", "b@example.com", "c@example.com"] {
        email.request_reset(address, from, digest).await.expect("within the network's budget");
    }
    let fourth = email.request_reset("d@example.com", from, digest).await;
    assert!(matches!(fourth, Err(AccountError::TooManyAttempts { .. })), "{fourth:?}");
    assert_eq!(mailer.wait_for(2).await.len(), 2, "only ada's two");
}

#[tokio::test]
async fn a_reset_ends_every_session_of_the_member() {
    let Setup { email, accounts, store, mailer, .. } = setup();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("up").member;
    let before = store.session_version(ada.id, None).await.expect("read");
    let (_, digest) = asker();
    email.request_reset("ada@example.com", client(), digest).await.expect("asked");
    let token = token_in(&mailer.wait_for(1).await[0].text);
    email.reset_password(&token, NEW_PASSWORD, client(), None, None).await.expect("reset");
    let after = store.find_member(ada.id).await.expect("read").expect("member").session_version;
    assert_eq!(Some(after), before.map(|v| v + 1));
}

#[tokio::test]
async fn a_refused_sign_up_tells_the_owner_within_the_mail_limits() {
    let Setup { email, accounts, mailer, .. } = setup();
    let limits = MailLimits { per_email: 1, per_ip: 10, window: Duration::from_secs(3600) };
    let email = email.with_limits(limits);
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    email.tell_owner_of_sign_up("Ada@Example.com", client()).await;
    let mails = mailer.wait_for(1).await;
    assert_eq!(mails[0].to, "ada@example.com");
    assert_eq!(mails[0].subject, "Someone tried to sign up with your address");
    // Past the address's budget: no second mail, and nothing to tell the caller.
    email.tell_owner_of_sign_up("ada@example.com", client()).await;
    email.tell_owner_of_sign_up("not an address", client()).await;
    assert_eq!(mailer.mails().len(), 1);
}

mod delivery {
    use std::{sync::atomic::Ordering, time::Duration};

    use identity::email::{Mail, Mailer, Outbox, OutboxOptions, Transport};

    fn mail(to: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Set a new password".to_owned(),
            text: "Open this link:\n\nhttp://localhost:3000/reset?token=abc\n".to_owned(),
            html: "<p><a href=\"http://localhost:3000/reset?token=abc\">Set</a></p>".to_owned(),
            link: "http://localhost:3000/reset?token=abc".to_owned(),
        }
    }

    /// Waits (up to 10 s) until `condition` holds.
    async fn until(what: &str, condition: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !condition() {
            assert!(std::time::Instant::now() < deadline, "waited 10 s for {what}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// An outbox over an SMTP server that is not there: nothing listens on this machine's
    /// discard port, so every try is refused at once.
    fn outbox_to_nowhere(capacity: usize, attempts: u32) -> Outbox {
        let transport = Transport::smtp(
            "smtp://127.0.0.1:9",
            "Guestroom <g@localhost>",
            Duration::from_secs(2),
        )
        .expect("a valid URL");
        Outbox::start(
            transport,
            OutboxOptions { capacity, attempts, first_pause: Duration::from_millis(1) },
        )
    }

    #[tokio::test]
    async fn a_mail_the_server_never_takes_is_tried_again_then_counted_dead() {
        let outbox = outbox_to_nowhere(4, 3);
        outbox.send(mail("ada@example.com")).expect("queued");
        until("the mail to be given up", || outbox.counts().dead.load(Ordering::Relaxed) == 1)
            .await;
        let counts = outbox.counts();
        assert_eq!(counts.retried.load(Ordering::Relaxed), 2, "3 tries: 2 retries");
        assert_eq!(counts.sent.load(Ordering::Relaxed), 0);
    }

    /// No try can deliver a mail the message builder refuses: it is not tried again.
    #[tokio::test]
    async fn a_mail_that_cannot_be_delivered_is_given_up_at_once() {
        let outbox = outbox_to_nowhere(4, 3);
        outbox.send(mail("ada..lovelace@example.com")).expect("queued");
        until("the mail to be given up", || outbox.counts().dead.load(Ordering::Relaxed) == 1)
            .await;
        assert_eq!(outbox.counts().retried.load(Ordering::Relaxed), 0, "no second try");
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once() {
        let outbox = outbox_to_nowhere(1, 1);
        // This test's one thread runs no other task until it awaits: the queue holds one.
        let sent: Vec<_> = (0..3).map(|_| outbox.send(mail("ada@example.com"))).collect();
        assert_eq!(sent.iter().filter(|sent| sent.is_err()).count(), 2, "{sent:?}");
        assert_eq!(outbox.counts().refused.load(Ordering::Relaxed), 2);
        assert_eq!(outbox.unsettled(), 1, "a refused mail is not waited for");
    }

    /// What a stopping server waits for: each mail taken, sent or given up.
    #[tokio::test]
    async fn settled_waits_for_each_mail_taken_to_be_sent_or_given_up() {
        let folder = tempfile::tempdir().expect("a folder");
        let transport = Transport::files(folder.path().join("outbox"), "Guestroom <g@localhost>")
            .expect("a valid sender");
        let outbox = Outbox::start(transport, OutboxOptions::default());
        outbox.settled().await;
        for to in ["ada@example.com", "bob@example.com"] {
            outbox.send(mail(to)).expect("queued");
        }
        assert_eq!(outbox.unsettled(), 2);
        outbox.settled().await;
        assert_eq!(outbox.counts().sent.load(Ordering::Relaxed), 2, "written, not waiting");
        assert_eq!(outbox.unsettled(), 0);

        let nowhere = outbox_to_nowhere(4, 3);
        nowhere.send(mail("ada@example.com")).expect("queued");
        nowhere.settled().await;
        assert_eq!(nowhere.counts().dead.load(Ordering::Relaxed), 1, "given up after its tries");
    }

    #[tokio::test]
    async fn without_a_server_mail_is_written_as_eml_files_with_both_bodies() {
        let folder = tempfile::tempdir().expect("a folder");
        let outbox_folder = folder.path().join("outbox");
        let transport = Transport::files(outbox_folder.clone(), "Guestroom <g@localhost>")
            .expect("a valid sender");
        let outbox = Outbox::start(transport, OutboxOptions::default());
        outbox.send(mail("ada@example.com")).expect("queued");
        until("the file", || outbox.counts().sent.load(Ordering::Relaxed) == 1).await;
        let files: Vec<_> = std::fs::read_dir(&outbox_folder)
            .expect("the folder")
            .map(|f| f.expect("a file").path())
            .collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
        let eml = std::fs::read_to_string(&files[0]).expect("readable");
        assert!(eml.contains("To: ada@example.com"), "{eml}");
        assert!(eml.contains("Subject: Set a new password"), "{eml}");
        assert!(eml.contains("text/plain") && eml.contains("text/html"), "{eml}");
    }
}

#[tokio::test]
async fn a_confirmation_link_confirms_the_address_once_in_any_browser_and_nothing_more() {
    let Setup { email, accounts, mailer, .. } = setup();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("up").member;
    email.request_verification(ada.id, client()).await.expect("asked");
    let mail = &mailer.wait_for(1).await[0];
    assert_eq!(
        (mail.to.as_str(), mail.subject.as_str()),
        ("ada@example.com", "Confirm your email")
    );
    assert!(mail.link.starts_with("http://localhost:3000/verify?token="), "{}", mail.link);
    let token = token_in(&mail.text);
    let verified = email.verify_email(&token, client()).await.expect("verified");
    assert!(verified.email_verified);
    assert_eq!(verified.session_version, ada.session_version, "no session ends, none starts");
    assert!(matches!(email.verify_email(&token, client()).await, Err(AccountError::BadLink)));
    assert!(matches!(email.verify_email("made up", client()).await, Err(AccountError::BadLink)));
    // Confirmed: asking again mails nothing.
    email.request_verification(ada.id, client()).await.expect("asked");
    tokio::task::yield_now().await;
    assert_eq!(mailer.mails().len(), 1);
    let nobody = email.request_verification(OwnerId::random(), client()).await;
    assert!(matches!(nobody, Err(AccountError::NoSuchMember)), "{nobody:?}");
}

/// The reset side of issue 25's attack: a squatter made an account with Ada's address
/// and added a passkey; Ada's reset takes the account and the passkey goes.
#[tokio::test]
async fn a_reset_of_an_unconfirmed_account_leaves_its_squatter_no_way_in() {
    use identity::{
        PasskeyStore,
        passkeys::{CredentialId, NewPasskey, PasskeyName, StoredCredential},
    };
    let Setup { email, accounts, store, mailer, .. } = setup();
    let squatted = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None);
    let squatted = squatted.await.expect("up").member;
    let key = NewPasskey {
        credential_id: CredentialId::from_bytes(&[9; 16]).expect("valid"),
        name: PasskeyName::parse("Squatter's").expect("valid"),
        credential: StoredCredential("{}".into()),
    };
    store.add_passkey(squatted.id, key, 10).await.expect("passkey");
    let (_, digest) = asker();
    email.request_reset("ada@example.com", client(), digest).await.expect("asked");
    let token = token_in(&mailer.wait_for(1).await[0].text);
    let reset = email.reset_password(&token, NEW_PASSWORD, client(), Some(digest), None).await;
    assert!(matches!(reset, Ok(Reset::SignedIn(_))), "{reset:?}");
    assert!(store.passkeys(squatted.id).await.expect("passkeys").is_empty());
    let old = accounts.sign_in(None, "ada@example.com", PASSWORD, None).await;
    assert!(matches!(old, Err(AccountError::WrongCredentials)));
}

#[tokio::test]
async fn a_sign_in_link_signs_in_only_where_it_was_asked_for_and_once() {
    let Setup { email, accounts, store, mailer, .. } = setup();
    let ada = accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await;
    let ada = ada.expect("up").member;
    let (_, here) = asker();
    email.request_sign_in_link("nobody@example.com", client(), here).await.expect("asked");
    email.request_sign_in_link("ada@example.com", client(), here).await.expect("asked");
    let mails = mailer.wait_for(1).await;
    assert_eq!(mails.len(), 1, "no mail to an address without an account");
    assert_eq!(mails[0].subject, "Sign in to Guestroom");
    let token = token_in(&mails[0].text);

    // Opened in another browser: nothing happens there; the mail's code is shown.
    let (_, elsewhere) = asker();
    let other = email.sign_in_with_link(&token, client(), Some(elsewhere), None).await;
    let Ok(LinkSignIn::AskedElsewhere(code)) = other else { panic!("{other:?}") };
    assert!(mails[0].text.contains(&code.to_string()), "the mail carries the same code");
    let nowhere = email.sign_in_with_link(&token, client(), None, None).await;
    assert!(matches!(nowhere, Ok(LinkSignIn::AskedElsewhere(_))), "{nowhere:?}");

    // In the browser that asked: signed in, the guest along, the address proven.
    let guest = OwnerId::random();
    store.give(guest, 2);
    let signed_in = email.sign_in_with_link(&token, client(), Some(here), Some(guest)).await;
    let Ok(LinkSignIn::SignedIn(upgrade)) = signed_in else { panic!("{signed_in:?}") };
    assert_eq!((upgrade.member.id, upgrade.merge.moved_avatars), (ada.id, 2));
    assert!(upgrade.member.email_verified);
    // Once: a replay does nothing, here or elsewhere.
    let again = email.sign_in_with_link(&token, client(), Some(here), Some(OwnerId::random()));
    assert!(matches!(again.await, Err(AccountError::BadLink)));
    assert_eq!(store.owned(ada.id), 2);
}

#[tokio::test]
async fn a_sign_in_code_works_in_the_browser_that_asked_a_few_tries_at_most() {
    let Setup { email, accounts, store, mailer, .. } = setup();
    accounts.sign_up(OwnerId::random(), "ada@example.com", PASSWORD, "", None).await.expect("up");
    let (_, here) = asker();
    email.request_sign_in_link("ada@example.com", client(), here).await.expect("asked");
    let token = token_in(&mailer.wait_for(1).await[0].text);
    let code =
        identity::email::ShortCode::of(&EmailToken::parse(&token).expect("a token").digest());
    let typed = code.to_string().to_lowercase();

    let (_, elsewhere) = asker();
    let stranger = email.sign_in_with_code(&typed, client(), Some(elsewhere), None).await;
    assert!(
        matches!(stranger, Err(AccountError::BadLink)),
        "only where it was asked: {stranger:?}"
    );
    let cookieless = email.sign_in_with_code(&typed, client(), None, None).await;
    assert!(matches!(cookieless, Err(AccountError::BadLink)));
    for wrong in ["AAAA-AAAA", "not a code"] {
        let refused = email.sign_in_with_code(wrong, client(), Some(here), None).await;
        assert!(matches!(refused, Err(AccountError::BadLink)), "{wrong}: {refused:?}");
    }
    let guest = OwnerId::random();
    store.give(guest, 1);
    let signed_in = email.sign_in_with_code(&typed, client(), Some(here), Some(guest)).await;
    assert_eq!(signed_in.expect("signed in").merge.moved_avatars, 1);
    let again = email.sign_in_with_code(&typed, client(), Some(here), None).await;
    assert!(matches!(again, Err(AccountError::BadLink)), "spent: {again:?}");
    // Five tries per window in one browser (four so far): the sixth is refused, whatever
    // it types.
    let fifth = email.sign_in_with_code("BBBB-BBBB", client(), Some(here), None).await;
    assert!(matches!(fifth, Err(AccountError::BadLink)), "{fifth:?}");
    let sixth = email.sign_in_with_code(&typed, client(), Some(here), None).await;
    assert!(matches!(sixth, Err(AccountError::TooManyAttempts { .. })), "{sixth:?}");
}

/// The link after a sign-up counts against the address's budget only (sign-ups are
/// limited per network already); asked for again, against the network's too.
#[tokio::test]
async fn a_sign_ups_confirmation_is_not_held_back_by_its_networks_mail_budget() {
    let Setup { email, accounts, mailer, .. } = setup();
    let email = email.with_limits(MailLimits { per_ip: 1, ..MailLimits::default() });
    let mut members = Vec::new();
    for who in ["ada", "bob", "cy"] {
        let address = format!("{who}@example.com");
        let up = accounts.sign_up(OwnerId::random(), &address, PASSWORD, "", None).await;
        let member = up.expect("up").member;
        email.verify_after_sign_up(member.id, client()).await.expect("mailed");
        members.push(member);
    }
    assert_eq!(mailer.wait_for(3).await.len(), 3, "one network, three sign-ups, three links");
    email.request_verification(members[0].id, client()).await.expect("the network's first");
    let again = email.request_verification(members[1].id, client()).await;
    assert!(matches!(again, Err(AccountError::TooManyAttempts { .. })), "{again:?}");
}
