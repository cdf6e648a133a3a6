//! The browser's side of data: how server functions are called, the retry policy, the
//! optimistic mutation helper, and keeping tabs current. Generic over the page's data:
//! a feature brings its own queries.

/// The JSON codec of every server function's answer.
pub mod json;
/// Leaving the page waits for the changes on their way.
pub mod leave;
/// The optimistic mutation helper (what TanStack Query's `useMutation` does).
pub mod mutation;
/// The client cache: a page's queries (what TanStack Query's `useQuery` does).
pub mod query;
/// Retries of transient failures, on a fixed backoff schedule.
pub mod retry;
/// Refetch on focus and reconnect, news from other tabs.
pub mod sync;
/// The server-function client that reads error answers by their status.
pub mod transport;
