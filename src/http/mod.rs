//! The axum HTTP layer: routes, envelope, authentication and request ids.

mod admission;
mod authentication;
mod context;
mod envelope;
mod error;
mod fallback;
mod health;
mod metrics;
mod observe;
mod rate_limit;
mod rejection;
mod request_id;
mod update;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, put};
use axum::{middleware, Router};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::catch_panic::CatchPanicLayer;

use admission::Admission;
pub use error::ApiError;
pub use rate_limit::SubscriberRateLimit;
pub use request_id::{RequestId, REQUEST_ID_HEADER};

use crate::auth::Authenticator;
use crate::storage::Store;

/// Largest accepted request body: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Request limits that operators may change.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Maximum `followUpUUIDs` per bulk update.
    pub max_ids_per_request: usize,
    /// Time after which a request is answered with 503 `REQUEST_TIMED_OUT`.
    pub request_timeout: Duration,
    /// Requests in progress at once; more are answered with 503 `SERVER_BUSY`.
    pub max_concurrent_requests: usize,
    /// Requests per second each subscriber may sustain; 0 turns the rate limit off.
    pub rate_limit_per_second: u32,
    /// Requests a subscriber may send at once before the rate applies.
    pub rate_limit_burst: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_ids_per_request: 1000,
            request_timeout: Duration::from_secs(30),
            max_concurrent_requests: 512,
            rate_limit_per_second: 50,
            rate_limit_burst: 100,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub auth: Arc<Authenticator>,
    pub limits: Limits,
    /// Renders the process-wide metrics for `GET /metrics`.
    pub metrics: PrometheusHandle,
    /// The per-subscriber rate limit; `None` when turned off.
    pub rate_limit: Option<Arc<SubscriberRateLimit>>,
}

/// Builds the router with every route and middleware.
pub fn router(state: AppState) -> Router {
    let admission = Admission::new(state.limits.max_concurrent_requests, state.limits.request_timeout);
    let update = put(update::update_follow_ups).fallback(update::update_method_not_allowed);
    Router::new()
        .route(
            "/leads/followup/department/{departmentUUID}/user/{userUUID}/list",
            update,
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render_metrics))
        .fallback(fallback::route_not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            axum::response::IntoResponse::into_response(ApiError::internal())
        }))
        .layer(middleware::from_fn_with_state(admission, admission::admit))
        .layer(middleware::from_fn(observe::observe_request))
        .layer(middleware::from_fn(request_id::assign_request_id))
        .with_state(state)
}
