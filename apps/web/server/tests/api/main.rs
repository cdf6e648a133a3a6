//! The server's integration tests: the real application on port 0, driven over HTTP.

mod account_management;
mod accounts;
mod cross_site;
mod errors;
mod headers;
mod health;
mod helpers;
mod identity_cookies;
mod member_sessions;
mod pages;
mod preload;
mod roster;
mod startup;
mod sweep;
