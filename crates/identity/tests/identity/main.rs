//! The identity crate's integration tests: the token matrices for guest tokens and member
//! sessions, a property test that feeds arbitrary input to both parsers, and the
//! account-store conformance suite and the account rules on the in-memory store, and
//! the sign-in endpoints as an adopter mounts them.

mod accounts;
mod arbitrary_input;
mod change;
mod devices;
mod email;
mod endpoints;
mod guest_tokens;
mod helpers;
mod passkeys;
mod providers;
mod sessions;
mod stores;
mod waiting;
