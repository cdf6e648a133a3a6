//! Each change to the roster is made once, however often it is sent.
//!
//! A change carries an idempotency key, made once per intended change: the island sends
//! it in the `Idempotency-Key` header (the IETF HTTP API working group's draft) and
//! sends a change again with the same key when no answer came (`client::outbox`); a
//! plain form carries it in a hidden `idempotency_key` field, rendered with the form, so
//! a form sent twice is one change (the server's edge moves the field to the header).
//! The store records the key with the answer in the change's own transaction
//! (`persistence::once`); a repeat gets the first answer. A request without a key (a
//! script's) is made as it comes.
//!
//! The island's changes also say whose page made them (`Guestroom-Made-By`, the page's
//! `cache_owner` tag). One sent after the browser's identity changed under the page is
//! made for the member when the page's guest became that member, and refused otherwise
//! ([`Conflict::MadeByAnother`](crate::error::Conflict)): a change never lands in the
//! next person's roster.

/// The header that carries a change's key.
pub const KEY_HEADER: &str = "idempotency-key";
/// The plain form field that carries a change's key.
pub const KEY_FIELD: &str = "idempotency_key";
/// The header that says whose page made a change.
pub const MADE_BY_HEADER: &str = "guestroom-made-by";

/// A plain form's key (the value of its hidden [`KEY_FIELD`], `components::form`), one
/// per form as rendered: sending the form again (a double click, a retry after no
/// answer) is the same change. Made on the server; the island sends its own key with
/// each change and leaves the field alone, so a form rendered in the browser has an
/// empty one (hydration keeps the server's value).
#[cfg(not(feature = "ssr"))]
pub fn form_key() -> &'static str {
    ""
}

/// A key no other form has had: a random prefix drawn once per process (so another
/// instance, or this one restarted, has another) and a counter, 32 hex digits. Unique,
/// not secret (a key only ever names a change of its own owner's), and cheap: a roster
/// of 100 avatars renders 500 forms, and a random draw each would be a system call each.
/// The prefix is written out once and the counter's digits by hand: formatting both
/// with `{:016x}` was 2.7% of the server's instructions for `/` (bench/RESULTS.md).
#[cfg(feature = "ssr")]
pub fn form_key() -> String {
    let mut key = String::with_capacity(32);
    push_form_key(&mut key);
    key
}

/// Writes a new [`form_key`] at the end of `out`: a row written from its template takes
/// five, without a string of their own (`row_template`).
#[cfg(feature = "ssr")]
pub fn push_form_key(out: &mut String) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    out.push_str(key_prefix());
    push_hex(out, NEXT.fetch_add(1, Ordering::Relaxed));
}

/// The first 16 digits of every key this process makes.
#[cfg(feature = "ssr")]
pub fn key_prefix() -> &'static str {
    use std::sync::LazyLock;
    static PREFIX: LazyLock<String> =
        LazyLock::new(|| format!("{:016x}", uuid::Uuid::new_v4().as_u64_pair().0));
    &PREFIX
}

/// Writes `n` as 16 lowercase hex digits, as `{:016x}` would.
#[cfg(feature = "ssr")]
fn push_hex(out: &mut String, n: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend((0..16).rev().map(|digit| char::from(HEX[(n >> (digit * 4)) as usize & 0xf])));
}

#[cfg(feature = "ssr")]
pub use server::{Answer, make};

#[cfg(feature = "ssr")]
mod server {
    use identity::Viewer;
    use persistence::{Change, Changed, Key, Once, Store};
    use sha2::{Digest, Sha256};

    use super::{KEY_HEADER, MADE_BY_HEADER};
    use crate::{
        error::{ApiError, Conflict, answer},
        roster::AvatarView,
        server::{cache_owner, shared, store_error},
    };

    /// What a change answers, made from what the store returns.
    pub trait Answer: serde::Serialize + serde::de::DeserializeOwned + Sized {
        /// `None` for a store answer of another shape (a fault).
        fn from_changed(changed: Changed) -> Option<Self>;
    }

    impl Answer for AvatarView {
        fn from_changed(changed: Changed) -> Option<Self> {
            match changed {
                Changed::Avatar(avatar) => Some(avatar.into()),
                Changed::Roster(_) => None,
            }
        }
    }

    impl Answer for Vec<AvatarView> {
        fn from_changed(changed: Changed) -> Option<Self> {
            match changed {
                Changed::Roster(avatars) => Some(avatars.into_iter().map(Into::into).collect()),
                Changed::Avatar(_) => None,
            }
        }
    }

    /// Makes `change` for the viewer, once per key when the request has one. `request`
    /// is the endpoint and the fields as sent: a key sent again with anything else is
    /// refused (422).
    pub async fn make<T: Answer>(request: &[&str], change: Change) -> Result<T, ApiError> {
        let (viewer, services) = shared()?;
        let store = services.store.clone();
        let owner = viewer.owner_id();
        if let Some(made_by) = header(MADE_BY_HEADER) {
            check_maker(&store, viewer, &made_by).await?;
        }
        let Some(key) = header(KEY_HEADER) else {
            return shaped(store.change(owner, change).await.map_err(store_error)?);
        };
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(answer(ApiError::BadRequest));
        }
        let fingerprint = fingerprint(request);
        let key = Key { key: &key, fingerprint: &fingerprint };
        let encode = |changed: &Changed| {
            T::from_changed(changed.clone())
                .and_then(|answer| serde_json::to_string(&answer).ok())
                .unwrap_or_default()
        };
        match store.change_once(owner, key, change, encode).await.map_err(store_error)? {
            Once::Made(changed) => shaped(changed),
            Once::Before(recorded) => serde_json::from_str(&recorded).map_err(|error| {
                tracing::error!(%error, "a recorded answer that does not read back");
                answer(ApiError::Unavailable)
            }),
        }
    }

    fn shaped<T: Answer>(changed: Changed) -> Result<T, ApiError> {
        T::from_changed(changed).ok_or_else(|| {
            tracing::error!("a change answered in another shape");
            answer(ApiError::Unavailable)
        })
    }

    /// The digest of a request: its parts, each ended by a NUL (which no field holds
    /// unrefused: names refuse control characters).
    fn fingerprint(request: &[&str]) -> String {
        let mut digest = Sha256::new();
        for part in request {
            digest.update(part.as_bytes());
            digest.update([0]);
        }
        digest.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// A change made on a page of another identity than the request's is made only when
    /// that identity was a guest that became this member.
    async fn check_maker(store: &Store, viewer: Viewer, made_by: &str) -> Result<(), ApiError> {
        if cache_owner(viewer.owner_id()) == made_by {
            return Ok(());
        }
        if let Viewer::Member { user_id, .. } = viewer {
            let guests = store.guests_merged_into(user_id).await.map_err(store_error)?;
            if guests.into_iter().any(|guest| cache_owner(guest) == made_by) {
                return Ok(());
            }
        }
        Err(answer(ApiError::Conflict(Conflict::MadeByAnother)))
    }

    /// A header of the request; one that is not text reads as empty (and is refused).
    fn header(name: &str) -> Option<String> {
        crate::server::request(|parts| {
            let value = parts.headers.get(name)?;
            Some(value.to_str().map(str::to_owned).unwrap_or_default())
        })?
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{form_key, push_hex};

    #[test]
    fn counters_are_written_as_format_writes_them() {
        for n in [0, 1, 0xf, 0x10, 0xabc, 0x0123_4567_89ab_cdef, u64::MAX] {
            let mut written = String::new();
            push_hex(&mut written, n);
            assert_eq!(written, format!("{n:016x}"));
        }
    }

    #[test]
    fn keys_share_the_process_prefix_and_never_repeat() {
        let (first, second) = (form_key(), form_key());
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(first[..16], second[..16]);
        assert_ne!(first, second);
    }
}
