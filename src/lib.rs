//! Followups: a self-hostable follow-up service for car dealerships, wire-compatible with
//! the myKaarma leads follow-up API.
//!
//! - [`domain`]: request validation and per-item outcome planning, as plain code.
//! - [`storage`]: the [`storage::Store`] trait with SQLite and PostgreSQL backends.
//! - [`auth`]: HTTP Basic authentication of service subscribers.
//! - [`http`]: the axum router that speaks the upstream JSON.

// `ApiError` is large, but it is built at most once per failed request, so boxing it
// would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod heap;
pub mod http;
pub mod metrics;
pub mod server;
pub mod storage;
