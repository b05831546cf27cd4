//! End-to-end tests of the HTTP API over real HTTP and a real database.

mod actions;
mod admin_cli;
mod authentication;
mod bad_input;
mod common;
mod concurrency;
mod crash;
mod create;
mod database;
mod demo;
mod drain;
mod fetch;
mod fetch_paging;
mod history;
mod import;
mod limits;
mod observability;
mod outage;
mod process;
mod proxy;
mod replicas;
mod samples;
mod server_process;
mod task_types;
mod templates;
mod throttle;
