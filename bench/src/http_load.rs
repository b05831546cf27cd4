//! Drives the bulk update endpoint over loopback HTTP from this process.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::dataset::{Dataset, DEPARTMENT, PASSWORD, USER, USERNAME};
use crate::scenario::{assignee_for, random_indexes, RunResult, Scenario};

/// Builds an ASSIGN body for the given follow-ups and a fresh assignee.
pub fn assign_body(ids: &[&str], assignee: &str) -> String {
    let ids: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!(
        r#"{{"followUpUUIDs":[{}],"followUpActionType":"ASSIGN","newAssignee":{{"uuid":"{assignee}","fname":"Bench","lname":"Assignee"}},"actionTakenBy":{{"uuid":"{USER}","fname":"Bench","lname":"User"}}}}"#,
        ids.join(",")
    )
}

pub async fn run(base_url: &str, dataset: &Dataset, scenario: &Scenario) -> anyhow::Result<RunResult> {
    let url = format!("{base_url}/leads/followup/department/{DEPARTMENT}/user/{USER}/list");
    let started = Instant::now();
    let deadline = started + scenario.duration();
    let mut tasks = Vec::new();
    for client in 0..scenario.clients {
        let ids = dataset.follow_up_ids.clone();
        let url = url.clone();
        let batch = scenario.batch;
        tasks.push(tokio::spawn(async move {
            run_client(client, url, ids, batch, deadline).await
        }));
    }
    let mut total = RunResult::new();
    for task in tasks {
        total.merge(&task.await??);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

async fn run_client(
    client: usize,
    url: String,
    ids: Vec<String>,
    batch: usize,
    deadline: Instant,
) -> anyhow::Result<RunResult> {
    let http = reqwest::Client::builder().pool_max_idle_per_host(1).build()?;
    let mut rng = StdRng::seed_from_u64(client as u64 ^ now_nanos());
    let mut result = RunResult::new();
    let mut request = 0u64;
    while Instant::now() < deadline {
        request += 1;
        let chosen: Vec<&str> = random_indexes(&mut rng, ids.len(), batch)
            .into_iter()
            .map(|i| ids[i].as_str())
            .collect();
        let body = assign_body(&chosen, &assignee_for(client, request));
        let sent = Instant::now();
        let response = http
            .put(&url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        let ok = match response {
            Ok(response) if response.status().is_success() => {
                let text = response.text().await.unwrap_or_default();
                result.updated += text.matches("\"UPDATED\"").count() as u64;
                true
            }
            _ => false,
        };
        result.record(sent.elapsed());
        result.requests += 1;
        result.errors += u64::from(!ok);
    }
    Ok(result)
}

fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64)
}
