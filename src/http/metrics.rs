//! `GET /metrics`: every metric in the Prometheus text exposition format.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

use super::AppState;
use crate::metrics::{DB_POOL_CONNECTIONS, DB_POOL_MAX_CONNECTIONS};

/// Content type of the Prometheus text format, version 0.0.4.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Renders the metrics after reading the current database pool figures.
pub async fn render_metrics(State(state): State<AppState>) -> impl IntoResponse {
    record_pool_stats(&state);
    state.metrics.run_upkeep();
    ([(CONTENT_TYPE, PROMETHEUS_TEXT)], state.metrics.render())
}

fn record_pool_stats(state: &AppState) {
    for stats in state.store.pool_stats() {
        let idle = stats.idle as f64;
        let in_use = (f64::from(stats.size) - idle).max(0.0);
        metrics::gauge!(DB_POOL_CONNECTIONS, "pool" => stats.pool, "state" => "idle").set(idle);
        metrics::gauge!(DB_POOL_CONNECTIONS, "pool" => stats.pool, "state" => "in_use").set(in_use);
        metrics::gauge!(DB_POOL_MAX_CONNECTIONS, "pool" => stats.pool).set(f64::from(stats.max_connections));
    }
}
