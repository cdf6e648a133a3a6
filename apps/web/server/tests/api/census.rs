//! The census of the ways a browser becomes a member, read from the sources (issue 26:
//! no path may forget the guest). Every member session is issued in one place, and a
//! browser that is not signed in gets one only for an `identity::account::Upgrade`,
//! which only the account rules make: where the one merge ran, or where the browser had
//! no guest to bring. Every way the app signs in hands the rules this browser's guest. A
//! new way to sign in that issued a session of its own, made an `Upgrade` elsewhere, or
//! signed in without naming the guest, fails here and is to be routed through the rules.

use std::{collections::BTreeSet, path::Path};

/// The sources that can issue a session: the identity crate, the app and the server.
const ROOTS: [&str; 3] = ["crates/identity/src", "apps/web/app/src", "apps/web/server/src"];

/// Every `.rs` file under the roots, as (path from the workspace, text without its unit
/// tests: a file's `#[cfg(test)] mod tests` comes last).
fn sources() -> Vec<(String, String)> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let mut files = Vec::new();
    let mut folders: Vec<_> = ROOTS.iter().map(|root| workspace.join(root)).collect();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable");
                let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
                let name = path.strip_prefix(&workspace).expect("inside").display().to_string();
                files.push((name, code.to_owned()));
            }
        }
    }
    assert!(files.len() > 100, "the sources were found: {}", files.len());
    files
}

/// The files with a line of code (not a comment) that `matches`.
fn files_where(matches: impl Fn(&str) -> bool) -> BTreeSet<String> {
    let code_that_matches = |line: &str| !line.starts_with("//") && matches(line);
    sources()
        .into_iter()
        .filter(|(_, code)| code.lines().any(|line| code_that_matches(line.trim())))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn a_member_session_is_issued_in_one_place() {
    let issuing = files_where(|line| line.contains(".issue(") && !line.contains("guests.issue("));
    assert_eq!(issuing, BTreeSet::from(["crates/identity/src/http/middleware.rs".to_owned()]));
}

#[test]
fn only_the_account_rules_make_an_upgrade() {
    let making = files_where(|line| {
        line.contains("Upgrade {") && !line.starts_with("pub struct") && !line.contains("let Ok(")
    });
    assert_eq!(making, BTreeSet::from(["crates/identity/src/account/rules.rs".to_owned()]));
}

#[test]
fn every_sign_in_hands_the_rules_this_browsers_guest() {
    // The places that turn an `Upgrade` into a session.
    let signing_in = files_where(|line| {
        line.contains("signed_in_cookies(") && !line.contains("fn signed_in_cookies(")
    });
    let expected = [
        "apps/web/app/src/account/actions.rs",
        "crates/identity/src/passkeys/webauthn/http/mod.rs",
        "crates/identity/src/providers/oidc/http.rs",
    ];
    assert_eq!(signing_in, BTreeSet::from(expected.map(str::to_owned)));
    // Each server function of the app that signs in (`signed_in(&identity, …)`) names
    // the guest it brings: this browser's (`guest_of(viewer)`, or the guest a sign-up
    // starts from).
    let mut paths = Vec::new();
    for (name, code) in sources().into_iter().filter(|(name, _)| name.starts_with("apps/")) {
        for function in code.split("\npub async fn ").skip(1) {
            let body = function.split("\n}\n").next().unwrap_or_default();
            if body.lines().any(|line| line.trim().starts_with("signed_in(&identity")) {
                let fn_name = body.split('(').next().unwrap_or_default().to_owned();
                let names_the_guest =
                    body.contains("guest_of(viewer)") || body.contains("Viewer::Guest { sid }");
                assert!(names_the_guest, "{name}: {fn_name} signs in without naming the guest");
                paths.push(fn_name);
            }
        }
    }
    paths.sort();
    let expected =
        ["reset_password", "sign_in", "sign_in_with_code", "sign_in_with_link", "sign_up"];
    assert_eq!(
        paths, expected,
        "the app's ways to sign in (the providers' and passkeys' are identity's endpoints)"
    );
}
