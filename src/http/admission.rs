//! Overload protection: a bound on requests in progress and a time limit per request.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::error::ApiError;
use crate::metrics::REQUESTS_REJECTED;

/// The shared state of [`admit`].
#[derive(Clone)]
pub struct Admission {
    permits: Arc<Semaphore>,
    timeout: Duration,
}

impl Admission {
    /// Allows `max_concurrent` requests at once, each for at most `timeout`.
    pub fn new(max_concurrent: usize, timeout: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            timeout,
        }
    }
}

/// Rejects a request with 503 `SERVER_BUSY` at once when the bound is reached, rather than
/// queueing it, and with 503 `REQUEST_TIMED_OUT` when it runs out of time.
///
/// A bulk update runs its transaction on a task of its own, so a timed-out update still
/// commits or rolls back as a whole.
pub async fn admit(State(admission): State<Admission>, request: Request, next: Next) -> Response {
    let Ok(_permit) = admission.permits.clone().try_acquire_owned() else {
        metrics::counter!(REQUESTS_REJECTED, "reason" => "server_busy").increment(1);
        return ApiError::server_busy().into_response();
    };
    match tokio::time::timeout(admission.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            metrics::counter!(REQUESTS_REJECTED, "reason" => "timed_out").increment(1);
            let timeout_ms = admission.timeout.as_millis() as u64;
            tracing::warn!(timeout_ms, "request timed out");
            ApiError::timed_out(admission.timeout).into_response()
        }
    }
}
