use sea_orm::DbErr;

use crate::domain::ValidationError;

/// Everything a store call can fail with. The web layer maps each variant to one HTTP
/// status; only [`StoreError::Database`] is a server fault (its cause is logged there,
/// never shown to a user).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist *for this owner* (it may exist for another one).
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("you can keep at most {limit} avatars")]
    AvatarLimitReached { limit: u64 },
    #[error("an account with this email already exists")]
    EmailTaken,
    /// The guest's roster has moved to a member; the guest identity is retired.
    #[error("this guest has already been merged into an account")]
    GuestMerged,
    /// The database could not be opened (bad URL, folder not creatable).
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("database migration failed")]
    Migration(#[source] DbErr),
    #[error("database error")]
    Database(#[source] DbErr),
}

/// A database failure the caller cannot act on. Constraint violations that mean
/// something (a taken email) are translated where they can occur, not here.
impl From<DbErr> for StoreError {
    fn from(error: DbErr) -> Self {
        StoreError::Database(error)
    }
}
