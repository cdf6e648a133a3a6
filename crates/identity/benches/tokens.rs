//! What the identity layer does on every request before a handler runs: verifying the
//! guest token (HS256) or opening the member session (AES-256-GCM JWE). Run by
//! `bench/run.sh`; alone: `cargo bench -p guestroom-identity --bench tokens`.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use identity::{
    DEFAULT_GUEST_LIFETIME, GuestTokens, Keyring, OwnerId, SessionPolicy, SessionTokens,
};

const SECRET: &str = "BqGZMlg+NofT7rvGf7HvHjE4aO2sWvPOcnRs9CK5bm4=";

fn tokens(c: &mut Criterion) {
    let keys = Keyring::from_secrets(SECRET).expect("a valid secret");
    let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("a date");
    let owner =
        OwnerId::from_uuid(uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef));

    let guests = GuestTokens::new(keys.clone(), DEFAULT_GUEST_LIFETIME);
    let guest = guests.issue(owner, now);
    c.bench_function("guest token: verify", |b| {
        b.iter(|| guests.verify(black_box(&guest), now).expect("our own token"))
    });

    let sessions = SessionTokens::new(keys, SessionPolicy::default());
    let session = sessions.issue(owner, 1, now, now);
    c.bench_function("member session: decrypt and check", |b| {
        b.iter(|| sessions.verify(black_box(&session), now).expect("our own session"))
    });
}

criterion_group!(benches, tokens);
criterion_main!(benches);
