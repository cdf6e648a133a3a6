//! A guest cookie's value, as a client may send anything: verifying never panics, and a
//! token we issued verifies to the same guest.
#![no_main]

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use identity::{DEFAULT_GUEST_LIFETIME, GuestTokens, Keyring, OwnerId};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "BqGZMlg+NofT7rvGf7HvHjE4aO2sWvPOcnRs9CK5bm4=";

/// Made once: deriving the keys for every input would be most of each run.
static TOKENS: LazyLock<GuestTokens> = LazyLock::new(|| {
    GuestTokens::new(Keyring::from_secrets(SECRET).expect("valid"), DEFAULT_GUEST_LIFETIME)
});

fuzz_target!(|data: &[u8]| {
    let tokens = &*TOKENS;
    let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("a date");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tokens.verify(text, now);
    }
    if let Ok(bytes) = <[u8; 16]>::try_from(data.get(..16).unwrap_or_default()) {
        let sid = OwnerId::from_uuid(uuid::Uuid::from_bytes(bytes));
        let token = tokens.issue(sid, now);
        assert_eq!(tokens.verify(&token, now).expect("our own token").sid, sid);
    }
});
