//! Facts about a request that handlers and extractors learn while serving it, for the
//! request log line and response headers added by the outer middleware.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::request::Parts;

/// Rate limit figures for the `RateLimit-*` response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// Requests allowed in a burst.
    pub limit: u32,
    /// Requests left before the subscriber is limited.
    pub remaining: u32,
    /// Seconds until the full burst is available again.
    pub reset_secs: u64,
}

/// What is known about the request so far; every field starts empty.
#[derive(Debug, Clone, Default)]
pub struct RequestFacts {
    pub subscriber: Option<String>,
    pub department: Option<String>,
    pub follow_up_count: Option<usize>,
    pub rate_limit: Option<RateLimitStatus>,
}

/// A shared, writable [`RequestFacts`] stored in the request extensions.
///
/// The observing middleware inserts it before the handler runs and reads it afterwards,
/// because extensions of the request are gone once the handler has consumed it.
#[derive(Debug, Clone, Default)]
pub struct RequestContext(Arc<Mutex<RequestFacts>>);

impl RequestContext {
    /// Finds the context of a request, if the observing middleware ran.
    pub fn of(parts: &Parts) -> Option<Self> {
        parts.extensions.get::<Self>().cloned()
    }

    /// Locks the facts for reading or writing.
    pub fn facts(&self) -> MutexGuard<'_, RequestFacts> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records the authenticated subscriber's username.
    pub fn set_subscriber(&self, username: &str) {
        self.facts().subscriber = Some(username.to_owned());
    }

    /// Records the department named in the path.
    pub fn set_department(&self, uuid: &str) {
        self.facts().department = Some(uuid.to_owned());
    }

    /// Records how many follow-up ids the request names.
    pub fn set_follow_up_count(&self, count: usize) {
        self.facts().follow_up_count = Some(count);
    }

    /// Records the subscriber's rate limit status.
    pub fn set_rate_limit(&self, status: RateLimitStatus) {
        self.facts().rate_limit = Some(status);
    }
}
