use std::fmt;

use uuid::Uuid;

/// The identity that owns data: a guest's sid or a member's id.
///
/// Request handlers obtain it from the verified [`crate::Viewer`] and never from client
/// input; storage code builds it from its own rows. That is what makes every read and
/// write owner-scoped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OwnerId(Uuid);

impl OwnerId {
    /// A fresh random id (a new guest's sid, a new member's id): 122 random bits, so a
    /// member's id is never a guest's sid.
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }

    /// Wraps an id that is already trusted (from a verified token or a stored row).
    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
