//! The server's integration tests: the real application on port 0, driven over HTTP.

mod health;
mod helpers;
mod pages;
mod startup;
