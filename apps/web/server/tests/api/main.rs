//! The server's integration tests: the real application on port 0, driven over HTTP.

mod account_management;
mod accounts;
mod change;
mod confirm;
mod cross_site;
mod errors;
mod export;
mod headers;
mod health;
mod helpers;
mod identity_cookies;
mod limits;
mod link;
mod mail;
mod member_sessions;
mod metrics;
mod notices;
mod pages;
mod passkeys;
mod plain_forms;
mod preload;
mod providers;
mod roster;
mod serving;
mod startup;
mod sweep;
