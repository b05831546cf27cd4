//! The outer middleware of every request: one log line, request metrics and the
//! `RateLimit-*` response headers.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::context::{RateLimitStatus, RequestContext, RequestFacts};
use super::request_id::RequestId;
use crate::metrics::{HTTP_REQUESTS, HTTP_REQUEST_DURATION};

/// Route label of requests that matched no route, so that probing random paths cannot
/// create unbounded label values.
const UNMATCHED_ROUTE: &str = "unmatched";

/// Runs the request inside a span carrying its id, then logs and counts it.
pub async fn observe_request(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let context = RequestContext::default();
    request.extensions_mut().insert(context.clone());

    let span = tracing::info_span!("request", request.id = %request_id);
    let mut response = next.run(request).instrument(span).await;
    let elapsed = started.elapsed();

    let facts = context.facts().clone();
    if let Some(status) = facts.rate_limit {
        insert_rate_limit_headers(response.headers_mut(), status);
    }
    record_metrics(&method, &route, response.status(), elapsed);
    log_request(&method, &route, response.status(), elapsed, &request_id, &facts);
    response
}

fn record_metrics(method: &Method, route: &str, status: StatusCode, elapsed: Duration) {
    let labels = [
        ("method", method.as_str().to_owned()),
        ("route", route.to_owned()),
        ("status", status.as_u16().to_string()),
    ];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_REQUEST_DURATION, &labels).record(elapsed.as_secs_f64());
}

/// Logs the request line. It never contains headers or bodies, so no credential can leak.
fn log_request(
    method: &Method,
    route: &str,
    status: StatusCode,
    elapsed: Duration,
    request_id: &str,
    facts: &RequestFacts,
) {
    tracing::info!(
        http.method = %method,
        http.route = route,
        http.status_code = status.as_u16(),
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        request.id = request_id,
        subscriber.username = facts.subscriber.as_deref(),
        department.uuid = facts.department.as_deref(),
        follow_up.count = facts.follow_up_count.map(|count| count as u64),
        "request completed"
    );
}

/// Adds `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds), the
/// header names of draft-ietf-httpapi-ratelimit-headers revisions 00 to 06.
fn insert_rate_limit_headers(headers: &mut HeaderMap, status: RateLimitStatus) {
    let pairs = [
        ("ratelimit-limit", u64::from(status.limit)),
        ("ratelimit-remaining", u64::from(status.remaining)),
        ("ratelimit-reset", status.reset_secs),
    ];
    for (name, value) in pairs {
        headers.insert(name, HeaderValue::from(value));
    }
}
