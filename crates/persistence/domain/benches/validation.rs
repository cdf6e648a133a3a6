//! Validating an avatar from form input (the emoji against the emoji list, the name's
//! normalisation and grapheme count): what every create and edit does before the store
//! is touched. Run by `bench/run.sh`; alone:
//! `cargo bench -p guestroom-domain --bench validation`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use domain::NewAvatar;

fn validation(c: &mut Criterion) {
    c.bench_function("avatar: validate a good one", |b| {
        b.iter(|| {
            NewAvatar::parse(black_box("🦊"), black_box("Fennec the Swift"), true).expect("valid")
        })
    });
    let long = "n".repeat(41);
    c.bench_function("avatar: refuse a name too long", |b| {
        b.iter(|| NewAvatar::parse(black_box("🦊"), black_box(&long), true).expect_err("too long"))
    });
}

criterion_group!(benches, validation);
criterion_main!(benches);
