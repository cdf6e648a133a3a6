//! The identity crate's integration tests: the token matrices for guest tokens and member
//! sessions, and a property test that feeds arbitrary input to both parsers.

mod arbitrary_input;
mod guest_tokens;
mod helpers;
mod sessions;
