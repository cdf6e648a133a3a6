//! The roster's query in the client cache, defined once: the island seeds it from the
//! server's data and every change and refresh goes through it.

use futures::FutureExt;

use super::{AvatarView, api::ListAvatars};
use crate::{
    client::{
        query::Query,
        retry::{retry, sleep},
        transport::call,
    },
    error::ApiError,
};

/// The viewer's roster as the cache holds it: the list, or why it could not be loaded.
pub type RosterData = Result<Vec<AvatarView>, ApiError>;

/// The viewer's avatars in roster order, starting from `seed` (what the page was rendered
/// from). The cache belongs to one viewer: it lives as long as the page, and the page is
/// rendered for one identity (`sync` reloads a tab whose identity changed elsewhere).
pub fn roster(seed: RosterData) -> Query<RosterData> {
    Query::new(seed, || fetch_roster().boxed_local())
}

async fn fetch_roster() -> RosterData {
    retry(|| call(ListAvatars {}), sleep).await
}
