use identity::{
    Viewer,
    account::{AccountError, AccountField, AccountProblem, InvalidInput, LinkProblem},
};
use persistence::{
    StoreError,
    domain::{self, ValidationError},
};

use crate::error::{ApiError, Conflict, Field, Problem, answer};

/// Translates a store error, once, into what the browser sees, and sets the status.
/// Server faults are logged here with their cause and shown as a plain sentence.
pub fn store_error(error: StoreError) -> ApiError {
    answer(match error {
        StoreError::NotFound => ApiError::NotFound,
        StoreError::AvatarLimitReached { limit } => {
            ApiError::Conflict(Conflict::AvatarLimit { limit: clamp(limit) })
        }
        StoreError::GuestMerged => {
            start_a_new_guest();
            ApiError::Conflict(Conflict::GuestMerged)
        }
        StoreError::EmailTaken => ApiError::Conflict(Conflict::EmailTaken),
        StoreError::LastSignInMethod => ApiError::Conflict(Conflict::LastSignInMethod),
        StoreError::KeyReused => ApiError::KeyReused,
        // Only the provider and passkey endpoints add ways to sign in, and they answer
        // these themselves.
        StoreError::LinkTaken | StoreError::TooManyPasskeys => ApiError::BadRequest,
        StoreError::Open(_) | StoreError::Migration(_) | StoreError::Database(_) => {
            tracing::error!(error = &error as &dyn std::error::Error, "store failure");
            ApiError::Unavailable
        }
    })
}

/// A write by a guest that another holder of its cookie made a member: this browser
/// becomes a new, empty guest from its next request on ("Reload the page to go on"),
/// instead of being refused on every write. The account stays with whoever made it.
fn start_a_new_guest() {
    if let Ok((Viewer::Guest { .. }, services)) = super::shared() {
        super::changed_identity(&[services.identity.new_guest_cookie()]);
    }
}

/// A read that found a guest's list empty: when that guest is retired (another holder of
/// its cookie made it a member), this browser is a new, empty guest from the answer on,
/// as at a load of the page, and its next write is its own rather than refused. One read
/// of the owner's row, and only for an empty list; a failed check is logged and changes
/// nothing (the next write finds out).
pub async fn retired_guest_starts_anew(store: &persistence::Store) {
    let Some(Viewer::Guest { sid }) = super::viewer() else { return };
    match store.guest_retired(sid).await {
        Ok(true) => start_a_new_guest(),
        Ok(false) => {}
        Err(error) => {
            tracing::warn!(error = &error as &dyn std::error::Error, "checking a guest");
        }
    }
}

/// Input the domain types refused: a 422 naming the field.
pub fn invalid(error: ValidationError) -> ApiError {
    answer(api_invalid(error))
}

fn api_invalid(ValidationError { field, problem }: ValidationError) -> ApiError {
    let field = match field {
        domain::Field::Emoji => Field::Emoji,
        domain::Field::Name => Field::Name,
    };
    let problem = match problem {
        domain::Problem::Empty => Problem::Empty,
        domain::Problem::TooLong { max } => Problem::TooLong { max: clamp(max) },
        domain::Problem::ControlCharacter => Problem::ControlCharacter,
        domain::Problem::NotAnEmoji => Problem::NotAnEmoji,
        domain::Problem::MoreThanOneEmoji => Problem::MoreThanOneEmoji,
    };
    ApiError::Invalid { field, problem }
}

/// A refused account action (sign-up, sign-in, password change…), as the browser sees it. Store faults are logged here.
pub fn account_error<E: std::error::Error + 'static>(error: AccountError<E>) -> ApiError {
    match error {
        AccountError::Invalid(invalid) => account_invalid(invalid),
        AccountError::WrongCredentials => answer(ApiError::WrongCredentials),
        AccountError::EmailTaken => answer(ApiError::Conflict(Conflict::EmailTaken)),
        AccountError::TooManyAttempts { retry_after } => {
            answer(ApiError::TooManyRequests { retry_after: Some(retry_after) })
        }
        // Past the hashing line's bound: 503 with `Retry-After`, like any fault of ours.
        AccountError::Busy => answer(ApiError::Unavailable),
        AccountError::NoSuchMember => answer(ApiError::SignedOut),
        AccountError::BadLink => answer(ApiError::BadLink),
        // A device code whose guest has no room for this browser's avatars too.
        AccountError::NoRoom => answer(ApiError::Conflict(Conflict::AvatarLimit {
            limit: clamp(persistence::DEFAULT_AVATAR_LIMIT),
        })),
        AccountError::Link(LinkProblem::LastSignInMethod) => {
            answer(ApiError::Conflict(Conflict::LastSignInMethod))
        }
        // Only the provider endpoints meet the others, and they say them themselves.
        AccountError::Link(problem) => {
            tracing::warn!(?problem, "a provider refusal reached a server function");
            answer(ApiError::BadRequest)
        }
        AccountError::Store(error) => {
            tracing::error!(error = &error as &dyn std::error::Error, "account store failure");
            answer(ApiError::Unavailable)
        }
    }
}

/// Account input the rules refused: a 422 naming the field.
pub fn account_invalid(InvalidInput { field, problem }: InvalidInput) -> ApiError {
    answer(ApiError::Invalid {
        field: match field {
            AccountField::Email => Field::Email,
            AccountField::DisplayName => Field::DisplayName,
            AccountField::Password => Field::Password,
            // Said in the words of every other name ("Name can be at most …").
            AccountField::PasskeyName => Field::Name,
        },
        problem: match problem {
            AccountProblem::Empty => Problem::Empty,
            AccountProblem::TooShort { min } => Problem::TooShort { min: clamp(min) },
            AccountProblem::TooLong { max } => Problem::TooLong { max: clamp(max) },
            AccountProblem::ControlCharacter => Problem::ControlCharacter,
            AccountProblem::Malformed => Problem::Malformed,
            AccountProblem::Common => Problem::Common,
            AccountProblem::Unchanged => Problem::Unchanged,
        },
    })
}

/// Limits are small numbers; the wire carries them as `u32`.
fn clamp(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}
