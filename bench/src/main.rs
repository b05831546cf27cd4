//! Load harness: measures the bulk update endpoint over loopback HTTP and, in the same run,
//! the storage layer's own limit for the same transactions.
//!
//! Run with `cargo run --release -p followups-bench`; see BENCHMARKS.md.

mod dataset;
mod fetch_scale;
mod http_load;
mod in_process;
mod pgbench;
mod report;
mod scenario;
mod server;

use clap::{Parser, ValueEnum};

use dataset::Dataset;
use report::{Report, Row};
use scenario::Scenario;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Parser)]
#[command(about = "Benchmark the Followups bulk update endpoint against its storage layer's limit")]
struct Args {
    /// Backends to measure.
    #[arg(long, value_enum, num_args = 1.., default_values_t = [Backend::Sqlite, Backend::Postgres])]
    backend: Vec<Backend>,
    /// Follow-ups in the fresh data set.
    #[arg(long, default_value_t = 100_000)]
    follow_ups: usize,
    /// Seconds of load per measurement.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Measurements per scenario and side; the report shows medians.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Batch sizes (ids per request).
    #[arg(long, num_args = 1.., default_values_t = [1, 10, 100])]
    batch: Vec<usize>,
    /// Concurrent clients.
    #[arg(long, num_args = 1.., default_values_t = [1, 16, 64])]
    clients: Vec<usize>,
    /// A few seconds in total: a small data set, one scenario, and failure on any error.
    #[arg(long)]
    smoke: bool,
    /// PostgreSQL server to create the benchmark database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres_url: String,
    /// Skip pgbench.
    #[arg(long)]
    no_pgbench: bool,
    /// Dealer sizes for the fetch benchmark; none skips it.
    #[arg(long, num_args = 0.., default_values_t = [10_000, 1_000_000])]
    fetch_sizes: Vec<usize>,
    /// Fetches measured per page kind and dealer size.
    #[arg(long, default_value_t = 300)]
    fetch_samples: usize,
    /// Where to write the JSON results.
    #[arg(long, default_value = "bench-results.json")]
    out: std::path::PathBuf,
}

impl Args {
    fn apply_smoke(&mut self) {
        if self.smoke {
            self.follow_ups = 2_000;
            self.seconds = 1.0;
            self.repeat = 1;
            self.batch = vec![10];
            self.clients = vec![4];
            self.fetch_sizes = vec![2_000];
            self.fetch_samples = 20;
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    args.apply_smoke();
    let mut report = Report::new(report::machine_description());
    for backend in args.backend.clone() {
        run_backend(&args, backend, &mut report).await?;
        for &size in &args.fetch_sizes {
            let row = fetch_scale::run(backend, size, &args.postgres_url, args.fetch_samples).await?;
            eprintln!("{row:?}");
            report.fetch_rows.push(row);
        }
    }
    report.print_markdown();
    report.print_fetch_markdown();
    report.write_json(&args.out)?;
    if args.smoke {
        report.check_smoke()?;
    }
    Ok(())
}

async fn run_backend(args: &Args, backend: Backend, report: &mut Report) -> anyhow::Result<()> {
    eprintln!("{backend:?}: creating {} follow-ups", args.follow_ups);
    let dataset = Dataset::create(backend, args.follow_ups, &args.postgres_url).await?;
    let server = server::Server::start(&dataset.url).await?;
    for &batch in &args.batch {
        for &clients in &args.clients {
            let scenario = Scenario {
                backend,
                batch,
                clients,
                seconds: args.seconds,
            };
            let row = measure(args, &dataset, &server, &scenario).await?;
            eprintln!("{}", row.summary());
            report.rows.push(row);
        }
    }
    server.stop().await;
    dataset.drop_database().await?;
    Ok(())
}

/// Alternates HTTP and in-process runs of one scenario, so that both see the same noise.
async fn measure(
    args: &Args,
    dataset: &Dataset,
    server: &server::Server,
    scenario: &Scenario,
) -> anyhow::Result<Row> {
    let mut http_runs = Vec::new();
    let mut limit_runs = Vec::new();
    let mut pgbench_runs = Vec::new();
    for _ in 0..args.repeat {
        server.reset_peak_rss();
        let mut run = http_load::run(&server.base_url, dataset, scenario).await?;
        run.peak_rss_kib = server.peak_rss_kib();
        http_runs.push(run);
        limit_runs.push(in_process::run(dataset, scenario).await?);
        if scenario.backend == Backend::Postgres && !args.no_pgbench {
            pgbench_runs.push(pgbench::run(dataset, scenario).await?);
        }
    }
    Ok(Row::from_runs(scenario, http_runs, limit_runs, pgbench_runs))
}
