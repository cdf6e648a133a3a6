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
