//! The axum HTTP layer: routes, envelope, authentication and request ids.

mod access;
mod admission;
mod authentication;
mod body;
mod context;
mod create;
mod envelope;
mod error;
mod fallback;
mod fetch;
mod follow_up_json;
mod health;
mod history;
mod metrics;
mod observe;
pub mod openapi;
mod rate_limit;
mod rejection;
mod request_id;
mod task_type;
mod template;
mod update;

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Router};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::catch_panic::CatchPanicLayer;

use admission::Admission;
pub use error::ApiError;
pub use rate_limit::SubscriberRateLimit;
pub use request_id::{RequestId, REQUEST_ID_HEADER};

use crate::auth::Authenticator;
use crate::domain::{Clock, OpaqueId};
use crate::storage::{Department, Store, StoreError};

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
            rate_limit_per_second: 200,
            rate_limit_burst: 400,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub auth: Arc<Authenticator>,
    pub limits: Limits,
    /// Departments by uuid. A department never moves to another dealer and is never
    /// deleted, so entries cannot go stale; the cache only saves a query per request.
    pub departments: moka::sync::Cache<OpaqueId, Department>,
    /// The current time for date rules such as overdue; tests replace it.
    pub clock: Arc<dyn Clock>,
    /// Renders the process-wide metrics for `GET /metrics`.
    pub metrics: PrometheusHandle,
    /// The per-subscriber rate limit; `None` when turned off.
    pub rate_limit: Option<Arc<SubscriberRateLimit>>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        auth: Arc<Authenticator>,
        limits: Limits,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let departments = moka::sync::Cache::new(10_000);
        let rate_limit = SubscriberRateLimit::new(limits.rate_limit_per_second, limits.rate_limit_burst);
        Self {
            store,
            auth,
            limits,
            departments,
            clock,
            metrics: crate::metrics::recorder(),
            rate_limit: rate_limit.map(Arc::new),
        }
    }

    /// Looks up a department, from the cache when possible.
    pub async fn find_department(&self, uuid: &OpaqueId) -> Result<Option<Department>, StoreError> {
        if let Some(department) = self.departments.get(uuid) {
            return Ok(Some(department));
        }
        let found = self.store.find_department(uuid).await?;
        if let Some(department) = &found {
            self.departments.insert(uuid.clone(), department.clone());
        }
        Ok(found)
    }
}

/// Builds the router with every route and middleware.
///
/// The probes sit outside overload protection, so that a saturated server still returns
/// 200 to liveness and readiness checks instead of 503 `SERVER_BUSY`. Every route keeps
/// the request id, the request log line and panic handling.
pub fn router(state: AppState) -> Router {
    let admission = Admission::new(state.limits.max_concurrent_requests, state.limits.request_timeout);
    let api = api_routes()
        .fallback(fallback::route_not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(respond_to_panic))
        .layer(middleware::from_fn_with_state(admission, admission::admit));
    let probes = probe_routes()
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(CatchPanicLayer::custom(respond_to_panic));
    probes
        .merge(api)
        .layer(middleware::from_fn(observe::observe_request))
        .layer(middleware::from_fn(request_id::assign_request_id))
        .with_state(state)
}

/// Builds the routes behind overload protection: the endpoints under `/leads`, the
/// OpenAPI document and the API reference page.
fn api_routes() -> Router<AppState> {
    let update = put(update::update_follow_ups).fallback(update::update_method_not_allowed);
    Router::new()
        .route(
            "/leads/followup/department/{departmentUUID}/user/{userUUID}/list",
            update,
        )
        .route(
            "/leads/followup/dealer/{dealerUUID}/list",
            post(fetch::fetch_follow_ups),
        )
        .route(
            "/leads/followup/department/{departmentUUID}/followup/{followUpUUID}/history",
            get(history::follow_up_history),
        )
        .route(
            "/leads/followup/department/{departmentUUID}/user/{userUUID}",
            post(create::create_follow_ups),
        )
        .route(
            "/leads/followup/dealer/{dealerUUID}/tasktype",
            post(task_type::create_task_type),
        )
        .route(
            "/leads/followup/dealer/{dealerUUID}/tasktype/list",
            get(task_type::list_task_types),
        )
        .route(
            "/leads/followup/dealer/{dealerUUID}/template",
            post(template::create_template),
        )
        .route(
            "/leads/followup/dealer/{dealerUUID}/templatetype/{templateType}/list",
            get(template::list_templates),
        )
        .route(openapi::DOCUMENT_PATH, get(openapi::serve_document))
        .merge(openapi::docs_router())
}

/// Builds the routes of the liveness and readiness probes and the metrics endpoint.
fn probe_routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render_metrics))
}

/// Logs a handler panic and returns 500 `INTERNAL_SERVER_ERROR`.
fn respond_to_panic(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}
