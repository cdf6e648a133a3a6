//! Every notice's code comes back as itself; nothing else is a notice; the sentences.

use super::Notice;

#[test]
fn every_notice_comes_back_from_its_code() {
    for notice in [
        Notice::SignedIn { came_along: 0 },
        Notice::SignedIn { came_along: 12 },
        Notice::Waiting { held_back: 3 },
        Notice::Kept { came_along: 2, removed: 5 },
        Notice::Continued { came_along: 0 },
        Notice::Continued { came_along: 4 },
        Notice::SignedOut,
        Notice::SignedOutEverywhere,
        Notice::AccountDeleted,
        Notice::PasswordChanged,
        Notice::PasswordSet,
        Notice::NameSaved,
        Notice::Linked("test".into()),
        Notice::Unlinked("my-idp2".into()),
        Notice::PasskeyAdded,
        Notice::PasskeyRemoved,
        Notice::ResetLinkSent,
        Notice::PasswordReset,
        Notice::ConfirmationSent,
        Notice::EmailConfirmed,
        Notice::SignInLinkSent,
        Notice::EmailChangeSent,
        Notice::EmailChanged,
    ] {
        assert_eq!(Notice::parse(&notice.code()), Some(notice));
    }
}

#[test]
fn anything_else_is_no_notice() {
    for code in [
        "",
        "signed_in",
        "signed_in/",
        "signed_in/-1",
        "signed_in/lots",
        "signed_out/1",
        "waiting/",
        "kept/3",
        "kept/-1-2",
        "linked/",
        "linked/Evil Corp",
        "linked/<script>",
        "hello",
        "SIGNED_OUT",
    ] {
        assert_eq!(Notice::parse(code), None, "{code:?}");
    }
}

#[test]
fn sentences_count_the_avatars_and_name_the_provider() {
    let name = |id: &str| if id == "test" { "Test ID".to_owned() } else { id.to_owned() };
    let say = |notice: Notice| notice.sentence(name);
    assert_eq!(say(Notice::SignedIn { came_along: 0 }), "You are signed in.");
    assert_eq!(
        say(Notice::SignedIn { came_along: 1 }),
        "You are signed in. Your avatar came along."
    );
    assert_eq!(
        say(Notice::SignedIn { came_along: 3 }),
        "You are signed in. Your 3 avatars came along."
    );
    assert_eq!(say(Notice::Linked("test".into())), "Test ID is linked: you can sign in with it.");
    assert!(say(Notice::SignedOut).contains("Your avatars are safe in your account"));
    assert_eq!(
        say(Notice::Kept { came_along: 1, removed: 3 }),
        "Done: 1 avatar came along and 3 were deleted."
    );
    assert!(say(Notice::Waiting { held_back: 12 }).contains("all of the 12 avatars you made"));
}
