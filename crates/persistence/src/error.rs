use sea_orm::{DbErr, SqlErr};

/// Everything a store call can fail with: data, never sentences (the web layer writes
/// those, and maps each variant to one HTTP status). Only [`StoreError::Database`],
/// [`StoreError::Open`] and [`StoreError::Migration`] are server faults; their causes
/// are logged there and never shown to a user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist *for this owner* (it may exist for another one).
    #[error("not found")]
    NotFound,
    #[error("avatar limit of {limit} reached")]
    AvatarLimitReached { limit: u64 },
    #[error("email already taken")]
    EmailTaken,
    /// The guest's roster has moved to a member; the guest identity is retired.
    #[error("guest already merged into a member")]
    GuestMerged,
    /// The provider identity is linked already, or the member has a link at the provider.
    #[error("provider link taken")]
    LinkTaken,
    /// The member's last way to sign in cannot be removed.
    #[error("last way to sign in")]
    LastSignInMethod,
    /// The member holds as many passkeys as they may.
    #[error("passkey limit reached")]
    TooManyPasskeys,
    /// An idempotency key sent again with another request than the first time.
    #[error("idempotency key used for another request")]
    KeyReused,
    /// The database could not be opened (bad URL, folder not creatable).
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("database migration failed")]
    Migration(#[source] DbErr),
    #[error("database error")]
    Database(#[source] DbErr),
}

impl StoreError {
    /// A write of a member's address: one that another member holds is
    /// [`StoreError::EmailTaken`] (the unique index refused it); anything else, a failure.
    pub(crate) fn from_address_write(error: DbErr) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::EmailTaken,
            _ => StoreError::Database(error),
        }
    }

    /// A stored row that no longer passes the domain rules: a data fault, not bad input.
    pub(crate) fn corrupt(error: impl std::fmt::Display) -> Self {
        StoreError::Database(DbErr::Custom(format!("stored row fails validation: {error}")))
    }
}

/// The account rules act on these refusals; every other error is a fault.
impl identity::StoreFailure for StoreError {
    fn refusal(&self) -> Option<identity::AccountRefusal> {
        match self {
            StoreError::NotFound => Some(identity::AccountRefusal::NotFound),
            StoreError::EmailTaken => Some(identity::AccountRefusal::EmailTaken),
            StoreError::GuestMerged => Some(identity::AccountRefusal::GuestMerged),
            StoreError::LinkTaken => Some(identity::AccountRefusal::LinkTaken),
            StoreError::LastSignInMethod => Some(identity::AccountRefusal::LastSignInMethod),
            StoreError::TooManyPasskeys => Some(identity::AccountRefusal::TooManyPasskeys),
            _ => None,
        }
    }
}

/// A database failure the caller cannot act on. Constraint violations that mean
/// something (a taken email) are translated where they can occur, not here.
impl From<DbErr> for StoreError {
    fn from(error: DbErr) -> Self {
        StoreError::Database(error)
    }
}
