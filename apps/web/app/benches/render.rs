//! Rendering `/` to HTML for a guest with 10 avatars: the shell, the router, the header
//! and the roster island, from data already loaded (what the server does once the
//! store has answered). Run by `bench/run.sh`; alone:
//! `cargo bench -p guestroom-app --features ssr --bench render`.

use std::hint::black_box;

use app::{
    Bundle,
    roster::{AvatarView, RosterPageData},
    shell,
};
use criterion::{Criterion, criterion_group, criterion_main};
use leptos::{config::LeptosOptions, prelude::*};
use leptos_router::location::RequestUrl;

/// The server's allocator: rendering is mostly allocation, and glibc's costs more.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EMOJI: [&str; 10] = ["🐱", "🐶", "🦊", "🐙", "🦉", "🐢", "🐝", "🦄", "🐸", "🐧"];

/// One render of `/`, as the server's request would have it: the URL, and the request's
/// parts carrying the page's data.
fn render(data: &RosterPageData) -> String {
    let owner = Owner::new();
    owner.with(|| {
        let (mut parts, ()) = http::Request::new(()).into_parts();
        parts.extensions.insert(data.clone());
        provide_context(parts);
        provide_context(RequestUrl::new("/"));
        shell(&Bundle::plain(LeptosOptions::builder().output_name("guestroom").build())).to_html()
    })
}

fn page(c: &mut Criterion) {
    let avatars = EMOJI
        .iter()
        .enumerate()
        .map(|(i, emoji)| AvatarView {
            id: format!("0190f2a4-1b2c-7d3e-8f40-{i:012}"),
            emoji: (*emoji).to_owned(),
            name: format!("Avatar {}", i + 1),
            is_active: i % 3 != 0,
            position: i32::try_from(i).expect("small"),
        })
        .collect();
    let data = RosterPageData { cache_owner: "0123456789abcdef".into(), roster: Ok(avatars) };
    let html = render(&data);
    assert!(html.contains("Avatar 10"), "the roster is on the page");
    c.bench_function("render `/` with 10 avatars", |b| b.iter(|| render(black_box(&data))));
}

criterion_group!(benches, page);
criterion_main!(benches);
