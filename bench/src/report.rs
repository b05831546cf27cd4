//! Medians per scenario, printed as Markdown and written as JSON.

use std::path::Path;

use anyhow::bail;
use serde::Serialize;

use crate::pgbench::PgbenchRun;
use crate::scenario::{RunResult, Scenario};

/// One scenario's medians over its repeated runs.
#[derive(Debug, Serialize)]
pub struct Row {
    pub backend: String,
    pub batch: usize,
    pub clients: usize,
    pub runs: usize,
    pub requests_per_second: f64,
    /// (min, max) of requests per second over the runs.
    pub requests_per_second_range: (f64, f64),
    pub updated_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub peak_rss_mib: Option<f64>,
    pub limit_requests_per_second: f64,
    pub limit_p99_ms: f64,
    pub limit_errors: u64,
    /// Service throughput divided by the in-process limit.
    pub ratio: f64,
    pub pgbench_tps: Option<f64>,
    pub pgbench_latency_avg_ms: Option<f64>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn millis(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

impl Row {
    pub fn from_runs(
        scenario: &Scenario,
        http: Vec<RunResult>,
        limit: Vec<RunResult>,
        pgbench: Vec<PgbenchRun>,
    ) -> Self {
        let rps: Vec<f64> = http.iter().map(RunResult::requests_per_second).collect();
        let min = rps.iter().copied().fold(f64::INFINITY, f64::min);
        let max = rps.iter().copied().fold(0.0, f64::max);
        let requests_per_second = median(rps);
        let limit_requests_per_second = median(limit.iter().map(RunResult::requests_per_second).collect());
        let peak = http.iter().filter_map(|r| r.peak_rss_kib).max();
        Self {
            backend: format!("{:?}", scenario.backend).to_lowercase(),
            batch: scenario.batch,
            clients: scenario.clients,
            runs: http.len(),
            requests_per_second,
            requests_per_second_range: (min, max),
            updated_per_second: median(http.iter().map(RunResult::updated_per_second).collect()),
            p50_ms: median(
                http.iter()
                    .map(|r| millis(r.latency.value_at_quantile(0.5)))
                    .collect(),
            ),
            p99_ms: median(
                http.iter()
                    .map(|r| millis(r.latency.value_at_quantile(0.99)))
                    .collect(),
            ),
            max_ms: http.iter().map(|r| millis(r.latency.max())).fold(0.0, f64::max),
            errors: http.iter().map(|r| r.errors).sum(),
            peak_rss_mib: peak.map(|kib| kib as f64 / 1024.0),
            limit_requests_per_second,
            limit_p99_ms: median(
                limit
                    .iter()
                    .map(|r| millis(r.latency.value_at_quantile(0.99)))
                    .collect(),
            ),
            limit_errors: limit.iter().map(|r| r.errors).sum(),
            ratio: requests_per_second / limit_requests_per_second,
            pgbench_tps: (!pgbench.is_empty()).then(|| median(pgbench.iter().map(|p| p.tps).collect())),
            pgbench_latency_avg_ms: (!pgbench.is_empty())
                .then(|| median(pgbench.iter().map(|p| p.latency_avg_ms).collect())),
        }
    }

    pub fn summary(&self) -> String {
        format!(
            "{} batch {} clients {}: {:.0} req/s ({:.0} updated/s), p99 {:.2} ms, limit {:.0} req/s, ratio {:.2}, errors {}",
            self.backend, self.batch, self.clients, self.requests_per_second, self.updated_per_second,
            self.p99_ms, self.limit_requests_per_second, self.ratio, self.errors
        )
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub machine: String,
    pub date: String,
    pub rows: Vec<Row>,
    pub fetch_rows: Vec<crate::fetch_scale::FetchRow>,
}

/// CPU model, cores and memory of this machine, from /proc.
pub fn machine_description() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("unknown CPU");
    let cores = cpuinfo.lines().filter(|l| l.starts_with("processor")).count();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .next()
        .unwrap_or("MemTotal: unknown")
        .trim_start_matches("MemTotal:")
        .trim();
    format!("{}, {cores} cores, {memory} memory", model.trim())
}

impl Report {
    pub fn new(machine: String) -> Self {
        Self {
            machine,
            date: chrono::Utc::now().to_rfc3339(),
            rows: Vec::new(),
            fetch_rows: Vec::new(),
        }
    }

    pub fn print_markdown(&self) {
        println!("Machine: {}; {}", self.machine, self.date);
        println!("\n| backend | batch | clients | req/s (min-max) | updated/s | p50 ms | p99 ms | max ms | errors | peak RSS MiB | in-process req/s | ratio | pgbench tps |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {:.0} ({:.0}-{:.0}) | {:.0} | {:.2} | {:.2} | {:.1} | {} | {} | {:.0} | {:.2} | {} |",
                r.backend, r.batch, r.clients, r.requests_per_second, r.requests_per_second_range.0,
                r.requests_per_second_range.1, r.updated_per_second, r.p50_ms, r.p99_ms, r.max_ms, r.errors,
                r.peak_rss_mib.map_or("-".into(), |m| format!("{m:.1}")), r.limit_requests_per_second, r.ratio,
                r.pgbench_tps.map_or("-".into(), |t| format!("{t:.0}"))
            );
        }
    }

    pub fn print_fetch_markdown(&self) {
        println!("\n| backend | follow-ups | first page p50 ms | first page p99 ms | deep page p50 ms | deep page p99 ms |");
        println!("|---|---|---|---|---|---|");
        for r in &self.fetch_rows {
            println!(
                "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
                r.backend,
                r.follow_ups,
                r.first_page_p50_ms,
                r.first_page_p99_ms,
                r.deep_page_p50_ms,
                r.deep_page_p99_ms
            );
        }
    }

    pub fn write_json(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, serde_json::to_string_pretty(self)?)?;
        Ok(())
    }

    /// Fails unless every scenario ran without errors and every request changed its batch.
    pub fn check_smoke(&self) -> anyhow::Result<()> {
        for row in &self.rows {
            if row.errors > 0 || row.limit_errors > 0 {
                bail!(
                    "{} had errors: {} over HTTP, {} in process",
                    row.backend,
                    row.errors,
                    row.limit_errors
                );
            }
            if row.requests_per_second <= 0.0 || row.limit_requests_per_second <= 0.0 {
                bail!("{} measured no requests", row.backend);
            }
            let expected = row.requests_per_second * row.batch as f64;
            if (row.updated_per_second - expected).abs() > expected * 0.01 {
                bail!(
                    "{}: {} follow-ups updated/s but {} expected; some items were not real changes",
                    row.backend,
                    row.updated_per_second,
                    expected
                );
            }
        }
        println!("smoke: {} scenarios passed", self.rows.len());
        Ok(())
    }
}
