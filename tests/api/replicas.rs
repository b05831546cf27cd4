//! Two server processes on one PostgreSQL database take overlapping batches from many
//! clients at once, without errors, deadlocks or lost history.

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;
use crate::database::{backend, Backend};
use crate::process::start_server;

const SERVERS: usize = 2;
const CLIENTS: u64 = 16;
const REQUESTS_PER_CLIENT: usize = 200;
const FOLLOW_UPS: usize = 60;
/// The whole load must finish within this time, or the test fails.
const LOAD_DEADLINE: Duration = Duration::from_secs(180);

fn follow_up_ids() -> Vec<String> {
    (0..FOLLOW_UPS).map(|i| format!("replica-{i}")).collect()
}

/// Builds a random batch of 2 to 20 shared follow-ups with a random action.
fn random_request(rng: &mut StdRng, ids: &[String]) -> Value {
    let count = rng.gen_range(2..=20);
    let chosen: Vec<&str> = ids.choose_multiple(rng, count).map(String::as_str).collect();
    match rng.gen_range(0..100) {
        0..=44 => assign_body(&chosen, ["agent-1", "agent-2", "agent-3"].choose(rng).unwrap()),
        45..=74 => body(&chosen, "UNASSIGN"),
        75..=97 => body(&chosen, "MARK_AS_DONE"),
        _ => body(&chosen, "ARCHIVE"),
    }
}

/// Sends requests to every server in turn and returns how many items came back UPDATED.
async fn run_client(servers: Arc<Vec<String>>, seed: u64) -> usize {
    let http = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(seed);
    let ids = follow_up_ids();
    let mut updated = 0;
    for n in 0..REQUESTS_PER_CLIENT {
        let server = &servers[(n + seed as usize) % servers.len()];
        let url = format!(
            "{server}/leads/followup/department/{}/user/{}/list",
            FIXTURE.dept_a1, FIXTURE.user
        );
        let response = http
            .put(url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .json(&random_request(&mut rng, &ids))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let response: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "server {server}: {response}");
        updated += response["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["outcome"] == "UPDATED")
            .count();
    }
    updated
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_share_one_database() {
    if backend() != Backend::Postgres {
        eprintln!("two_servers_share_one_database runs only with FOLLOWUPS_TEST_BACKEND=postgres");
        return;
    }
    let app = TestApp::spawn().await;
    let ids = follow_up_ids();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    app.add_follow_ups(FIXTURE.dept_a1, &id_refs).await;
    let mut children = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..SERVERS {
        let (child, base_url) = start_server(&app.database_url, &["--db-max-connections", "6"]).await;
        children.push(child);
        servers.push(base_url);
    }
    let servers = Arc::new(servers);

    let clients: Vec<_> = (0..CLIENTS)
        .map(|seed| tokio::spawn(run_client(servers.clone(), seed)))
        .collect();
    let load = async {
        let mut updated = 0;
        for client in clients {
            updated += client.await.unwrap();
        }
        updated
    };
    let updated = tokio::time::timeout(LOAD_DEADLINE, load)
        .await
        .expect("the load did not finish in time");

    let events = app.assert_states_match_history(FIXTURE.dept_a1, &ids).await;
    assert!(updated > 1000, "the load updated few follow-ups: {updated}");
    assert_eq!(events, updated, "history events and UPDATED results differ");
}
