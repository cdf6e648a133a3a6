//! SeaORM entities: the tables as the migrations create them. Private to the crate:
//! callers see the domain types in [`crate::domain`] and the store API instead.

pub mod attempt;
pub mod avatar;
pub mod change_key;
pub mod device_code;
pub mod email_token;
pub mod ended_session;
pub mod linked_account;
pub mod member;
pub mod owner;
pub mod passkey;
pub mod spent_ceremony;
