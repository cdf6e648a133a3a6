use std::future::Future;

use crate::OwnerId;

/// What the identity layer needs from storage. `identity` knows nothing of databases;
/// the persistence crate implements this for its store, and a test can implement it over
/// a map.
pub trait IdentityStore: Clone + Send + Sync + 'static {
    type Error: std::error::Error + Send + Sync + 'static;

    /// The member's current `session_version`, or `None` when there is no such member.
    /// Consulted on writes and when a session is refreshed, never on plain reads.
    fn session_version(
        &self,
        member: OwnerId,
    ) -> impl Future<Output = Result<Option<i32>, Self::Error>> + Send;
}
