//! The account-store conformance suite on the in-memory store (the persistence crate
//! runs the same suite on SQLite and PostgreSQL).

use std::sync::Arc;

use identity::testing::{MemoryStore, conformance, conformance::Subject};

use identity::ManualClock;

use crate::helpers::start;

macro_rules! on_the_memory_store {
    ($($test:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $test() {
                let clock = ManualClock::new(start());
                let store = MemoryStore::new(Arc::new(clock.clone()));
                conformance::$test(Subject { store, clock }).await;
            }
        )*
    };
}

identity::account_store_conformance!(on_the_memory_store);

/// Every method of the account ports is called by the conformance suite: a port method
/// added without a conformance test fails here. (The persistence crate's count check
/// fails when a store test runs on one backend and not the other.)
#[test]
fn every_account_port_method_has_a_conformance_test() {
    let source = |path: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let ports = source("src/store/mod.rs") + &source("src/store/email.rs");
    let mut suite = source("src/testing/conformance.rs");
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/testing/conformance");
    for file in std::fs::read_dir(folder).expect("the suite's folder") {
        suite += &std::fs::read_to_string(file.expect("a file").path()).expect("readable");
    }
    let mut methods = Vec::new();
    let ports_read = [
        "MemberStore",
        "SessionStore",
        "AttemptStore",
        "LinkStore",
        "PasskeyStore",
        "EmailTokenStore",
    ];
    for port in ports_read {
        let start = ports.find(&format!("pub trait {port}:")).expect("the port");
        let end = start + ports[start..].find("\n}\n").expect("its end");
        let declared = ports[start..end].split("\n    fn ").skip(1);
        methods.extend(declared.map(|rest| rest.split('(').next().unwrap_or_default().to_owned()));
    }
    assert_eq!(methods.len(), 29, "the ports' methods, as read: {methods:?}");
    let untested: Vec<_> = methods.iter().filter(|m| !suite.contains(&format!(".{m}("))).collect();
    assert!(untested.is_empty(), "port methods no conformance test calls: {untested:?}");
}
