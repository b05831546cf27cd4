//! Prometheus metrics: the process-wide recorder and the names of every metric.
//!
//! Code records through the `metrics` macros; [`recorder`] installs the Prometheus exporter
//! once per process and returns the handle that renders the text exposition format.

use std::sync::OnceLock;

use metrics::Unit;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// HTTP requests by `method`, matched `route` and `status`.
pub const HTTP_REQUESTS: &str = "followups_http_requests_total";
/// Request latency in seconds by `method`, matched `route` and `status`.
pub const HTTP_REQUEST_DURATION: &str = "followups_http_request_duration_seconds";
/// Follow-ups of committed bulk updates by `action` and per-item `outcome`.
pub const FOLLOW_UP_OUTCOMES: &str = "followups_follow_up_outcomes_total";
/// Rejected authentication attempts by `reason`.
pub const AUTH_FAILURES: &str = "followups_auth_failures_total";
/// Argon2 verifications run, successful or not.
pub const PASSWORD_VERIFICATIONS: &str = "followups_password_verifications_total";
/// Requests rejected before reaching a handler, by `reason`.
pub const REQUESTS_REJECTED: &str = "followups_requests_rejected_total";
/// Open connections of a database pool, by `pool` and `state` (`idle` or `in_use`).
pub const DB_POOL_CONNECTIONS: &str = "followups_db_pool_connections";
/// Configured maximum connections of a database pool, by `pool`.
pub const DB_POOL_MAX_CONNECTIONS: &str = "followups_db_pool_max_connections";
/// Seconds spent waiting for a database connection and the start of a transaction, by `pool`.
pub const DB_ACQUIRE_WAIT: &str = "followups_db_acquire_wait_seconds";

/// Histogram buckets in seconds, from 1 ms to 30 s.
const SECONDS_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Installs the Prometheus recorder on first use and returns its handle.
///
/// The recorder is global, so every server in one process (as in the test suite) shares
/// the same counters.
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS_BUCKETS)
        .expect("the bucket list is not empty")
        .install_recorder()
        .expect("no other metrics recorder is installed");
    describe();
    handle
}

fn describe() {
    metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests by method, matched route and status");
    metrics::describe_histogram!(HTTP_REQUEST_DURATION, Unit::Seconds, "HTTP request latency");
    metrics::describe_counter!(
        FOLLOW_UP_OUTCOMES,
        "Follow-ups of committed bulk updates by action and outcome"
    );
    metrics::describe_counter!(AUTH_FAILURES, "Rejected authentication attempts by reason");
    metrics::describe_counter!(PASSWORD_VERIFICATIONS, "Argon2 password verifications run");
    metrics::describe_counter!(
        REQUESTS_REJECTED,
        "Requests rejected by overload protection or rate limits, by reason"
    );
    metrics::describe_gauge!(DB_POOL_CONNECTIONS, "Open database connections by pool and state");
    metrics::describe_gauge!(DB_POOL_MAX_CONNECTIONS, "Maximum database connections by pool");
    metrics::describe_histogram!(
        DB_ACQUIRE_WAIT,
        Unit::Seconds,
        "Wait for a database connection and the start of a transaction"
    );
}
