//! Followups: a self-hostable follow-up service for car dealerships, wire-compatible with
//! the myKaarma leads follow-up API.
//!
//! - [`domain`]: request validation and per-item outcome planning, as plain code.
//! - [`storage`]: the [`storage::Store`] trait with SQLite and PostgreSQL backends.
//! - [`auth`]: HTTP Basic authentication of service subscribers.
//! - [`http`]: the axum router that speaks the upstream JSON.

pub mod auth;
pub mod domain;
pub mod http;
pub mod storage;
