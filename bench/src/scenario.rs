//! One load scenario and the measurement of one run.

use std::time::Duration;

use hdrhistogram::Histogram;
use rand::seq::index::sample;
use rand::Rng;

use crate::Backend;

#[derive(Debug, Clone)]
pub struct Scenario {
    pub backend: Backend,
    /// Follow-up ids per request.
    pub batch: usize,
    /// Concurrent clients.
    pub clients: usize,
    /// Seconds of load.
    pub seconds: f64,
}

impl Scenario {
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.seconds)
    }
}

/// Counts and latencies of one run.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub elapsed: Duration,
    pub requests: u64,
    pub updated: u64,
    pub errors: u64,
    /// Latency in microseconds.
    pub latency: Histogram<u64>,
    pub peak_rss_kib: Option<u64>,
}

impl RunResult {
    pub fn new() -> Self {
        Self {
            elapsed: Duration::ZERO,
            requests: 0,
            updated: 0,
            errors: 0,
            latency: Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds"),
            peak_rss_kib: None,
        }
    }

    pub fn merge(&mut self, other: &RunResult) {
        self.requests += other.requests;
        self.updated += other.updated;
        self.errors += other.errors;
        self.latency
            .add(&other.latency)
            .expect("histograms have the same bounds");
    }

    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn updated_per_second(&self) -> f64 {
        self.updated as f64 / self.elapsed.as_secs_f64()
    }

    pub fn record(&mut self, latency: Duration) {
        let micros = latency.as_micros().clamp(1, 60_000_000) as u64;
        self.latency.record(micros).expect("value within bounds");
    }
}

/// Picks `batch` distinct indexes of follow-ups in `0..follow_ups`.
pub fn random_indexes(rng: &mut impl Rng, follow_ups: usize, batch: usize) -> Vec<usize> {
    sample(rng, follow_ups, batch).into_vec()
}

/// A new assignee id for every request, so that every item of every batch is a real change.
pub fn assignee_for(client: usize, request: u64) -> String {
    format!("assignee-{client}-{request}")
}
