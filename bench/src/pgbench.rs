//! pgbench running the SQL equivalent of one bulk update: lock the rows in id order, update
//! them with one statement, insert one history row each.

use anyhow::{bail, Context};
use tokio::process::Command;

use crate::dataset::Dataset;
use crate::scenario::Scenario;

/// Transactions per second and mean latency reported by pgbench.
#[derive(Debug, Clone, Copy)]
pub struct PgbenchRun {
    pub tps: f64,
    pub latency_avg_ms: f64,
}

/// Writes a pgbench script whose transactions touch `batch` random follow-ups.
fn script(batch: usize, follow_ups: usize) -> String {
    let mut lines = Vec::new();
    for i in 0..batch {
        lines.push(format!("\\set i{i} random(0, {})", follow_ups - 1));
    }
    let ids: Vec<String> = (0..batch)
        .map(|i| format!("'bench-' || lpad(:i{i}::text, 7, '0')"))
        .collect();
    let ids = ids.join(", ");
    let filter = format!("dealer_id = 1 AND department_id = 1 AND uuid IN ({ids})");
    lines.push("BEGIN;".into());
    lines.push(format!(
        "SELECT id FROM follow_ups WHERE {filter} ORDER BY id FOR UPDATE;"
    ));
    lines.push(format!(
        "UPDATE follow_ups SET assignee_uuid = 'pgbench-' || :client_id || '-' || random(), \
         assignee_fname = 'Bench', assignee_lname = 'Assignee', version = version + 1, \
         updated_at = now() WHERE {filter};"
    ));
    lines.push(format!(
        "INSERT INTO follow_up_events (follow_up_id, action, status_before, status_after, \
         assignee_uuid_after, archived_before, archived_after, version_after, path_user_uuid, \
         actor_uuid, actor_fname, actor_lname, subscriber_id, request_id, occurred_at) \
         SELECT id, 'ASSIGN', status, status, assignee_uuid, archived, archived, version, \
         'bench-user', 'bench-user', 'Bench', 'User', 1, 'pgbench', now() FROM follow_ups WHERE {filter};"
    ));
    lines.push("END;".into());
    lines.join("\n") + "\n"
}

pub async fn run(dataset: &Dataset, scenario: &Scenario) -> anyhow::Result<PgbenchRun> {
    let database = dataset
        .database_name()
        .context("pgbench needs a PostgreSQL data set")?;
    let file = tempfile::NamedTempFile::new()?;
    std::fs::write(file.path(), script(scenario.batch, dataset.follow_up_ids.len()))?;
    let threads = scenario.clients.min(2).to_string();
    let output = Command::new("pgbench")
        .args(["-n", "-h", "127.0.0.1", "-U", "postgres", "-c"])
        .arg(scenario.clients.to_string())
        .args(["-j", &threads, "-T"])
        .arg(scenario.seconds.ceil().to_string())
        .arg("-f")
        .arg(file.path())
        .arg(database)
        .output()
        .await
        .context("running pgbench (Debian package postgresql-client)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(PgbenchRun {
        tps: field(&stdout, "tps = ")?,
        latency_avg_ms: field(&stdout, "latency average = ")?,
    })
}

/// Reads the number after `prefix` in pgbench's summary.
fn field(output: &str, prefix: &str) -> anyhow::Result<f64> {
    let line = output
        .lines()
        .find(|l| l.starts_with(prefix))
        .with_context(|| format!("no {prefix:?} in pgbench output"))?;
    let value = line[prefix.len()..].split_whitespace().next().unwrap_or_default();
    value
        .parse()
        .with_context(|| format!("unreadable pgbench value {value:?}"))
}
