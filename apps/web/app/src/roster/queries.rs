//! Every query of the roster the client cache holds, named once. A query's identity in
//! leptos-fetch is its fetcher, so each one is defined here and nowhere else: a second,
//! look-alike fetcher elsewhere would be a second cache entry that invalidation never
//! reaches.

use std::time::Duration;

use leptos_fetch::{QueryClient, QueryOptions, QueryScope};

use super::{AvatarView, api::list_avatars};
use crate::{
    client::{
        mutation::refetch,
        retry::{retry, sleep},
    },
    error::ApiError,
};

/// The viewer's roster as the cache holds it: the list, or why it could not be loaded.
pub type RosterData = Result<Vec<AvatarView>, ApiError>;

/// The viewer's avatars in roster order. Keyed by `()`: the cache belongs to one viewer
/// (it lives as long as the page, and the page is rendered for one identity; `sync`
/// reloads a tab whose identity changed elsewhere).
pub fn roster() -> QueryScope<(), RosterData> {
    QueryScope::new(fetch_roster).with_options(
        // Fresh until something invalidates it (a mutation, focus, another tab), and never
        // collected: the page shows it for as long as it is open.
        QueryOptions::new().with_stale_time(Duration::MAX).with_gc_time(Duration::MAX),
    )
}

async fn fetch_roster() -> RosterData {
    retry(list_avatars, sleep).await
}

/// Fetches the roster again, even if it is fresh.
pub async fn refresh(client: QueryClient) {
    refetch(client, &roster(), &()).await;
}
