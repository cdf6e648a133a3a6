//! What a full roster at sign-in does on the server: the roster page's and `/keep`'s
//! data, and the member's choice.

use identity::{OwnerId, WaitingGuest};
use persistence::{AvatarId, Kept, Store, StoreError};

use crate::{
    account::{
        notice::{Notice, done},
        views::KeepView,
    },
    error::ApiError,
    roster::{AvatarView, load::avatar_id, waiting::Waiting},
    server::{Services, back_with, changed_identity, member, page_data, services, store_error},
};

/// Whether the guest this member's browser carries still waits: its avatars if so, or
/// `Settled` when it waits no more (the page then clears its cookie).
#[derive(Debug)]
pub enum Guest {
    Waits(Vec<AvatarView>),
    Settled,
    /// The store could not say (logged): the page goes on without the note.
    Unknown,
}

/// The waiting guest's avatars. A member's browser carries a guest's cookie only when a
/// sign-in left one waiting, so other members cost nothing.
pub async fn waiting_guest(store: &Store, guest: WaitingGuest) -> Guest {
    match store.waiting_avatars(guest.sid).await {
        Ok(Some(avatars)) => Guest::Waits(avatars.into_iter().map(AvatarView::from).collect()),
        Ok(None) => Guest::Settled,
        Err(error) => {
            tracing::warn!(error = &error as &dyn std::error::Error, "reading a waiting guest");
            Guest::Unknown
        }
    }
}

impl Guest {
    /// The roster page's note.
    pub fn note(&self) -> Option<Waiting> {
        match self {
            Guest::Waits(avatars) => Some(Waiting { count: avatars.len() }),
            Guest::Settled | Guest::Unknown => None,
        }
    }

    /// `/keep`'s data: the member's roster beside the guest's.
    pub async fn choice(self, store: &Store, member: OwnerId) -> Option<KeepView> {
        let Guest::Waits(theirs) = self else { return None };
        let mine = store.list_avatars(member).await.map_err(|error| {
            tracing::error!(error = &error as &dyn std::error::Error, "loading the roster");
        });
        let mine = mine.ok()?.into_iter().map(AvatarView::from).collect();
        Some(KeepView { mine, theirs, cap: store.avatar_limit() })
    }
}

/// The member's choice: of the avatars the page showed (`shown`, comma-separated ids),
/// those not in `keep` are deleted, and the guest's others join the account. A refusal
/// (too many kept, avatars changed meanwhile) goes back to the page, fresh.
pub async fn keep(form: &str, shown: &str, keep: &[String]) -> Result<(), ApiError> {
    let refused = |error| back_with(error, "/keep", form, &[]);
    let (viewer, Services { store, identity, .. }) = services()?;
    let user_id = member(viewer).map_err(refused)?;
    // Nothing waits (any more): a second click of the button, after the first settled it.
    let Some(guest) = page_data::<WaitingGuest>() else {
        leptos_axum::redirect("/");
        return Ok(());
    };
    let remove = shown
        .split(',')
        .filter(|id| !id.is_empty() && !keep.iter().any(|kept| kept == id))
        .map(avatar_id)
        .collect::<Result<Vec<AvatarId>, _>>()
        .map_err(refused)?;
    match store.keep_waiting(guest.sid, user_id, &remove).await {
        Ok(Kept { moved, removed }) => {
            changed_identity(&[identity.settled_guest_cookie()]);
            done("/", &Notice::Kept { came_along: moved, removed });
            Ok(())
        }
        Err(StoreError::GuestMerged) => {
            changed_identity(&[identity.settled_guest_cookie()]);
            Err(refused(store_error(StoreError::GuestMerged)))
        }
        Err(error) => Err(refused(store_error(error))),
    }
}
