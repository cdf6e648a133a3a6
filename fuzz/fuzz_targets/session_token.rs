//! A member session cookie's value (JWE): decrypting anything never panics, and a session
//! we issued comes back whole.
#![no_main]

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use identity::{Keyring, OwnerId, SessionPolicy, SessionTokens};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "BqGZMlg+NofT7rvGf7HvHjE4aO2sWvPOcnRs9CK5bm4=";

/// Made once: deriving the keys for every input would be most of each run.
static TOKENS: LazyLock<SessionTokens> = LazyLock::new(|| {
    SessionTokens::new(Keyring::from_secrets(SECRET).expect("valid"), SessionPolicy::default())
});

fuzz_target!(|data: &[u8]| {
    let tokens = &*TOKENS;
    let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("a date");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tokens.verify(text, now);
    }
    if let (Some(id), Some(version)) = (data.get(..16), data.get(16..20)) {
        let member = OwnerId::from_uuid(uuid::Uuid::from_slice(id).expect("16 bytes"));
        let version = i32::from_le_bytes(version.try_into().expect("4 bytes"));
        let session = tokens.verify(&tokens.issue(member, version, now, now), now);
        let session = session.expect("our own session");
        assert_eq!((session.member, session.version), (member, version));
    }
});
