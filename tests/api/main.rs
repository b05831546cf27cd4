//! End-to-end tests of the HTTP API over real HTTP and a real database.

mod actions;
mod authentication;
mod bad_input;
mod common;
mod concurrency;
mod crash;
mod drain;
mod limits;
mod observability;
mod samples;
mod server_process;
mod throttle;
