//! Killing the server process mid-load never leaves a batch partly applied, and every
//! acknowledged batch survives.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::common::*;
use crate::process::start_server;

const BATCH: usize = 10;
const ROUNDS: usize = 3;
const CLIENTS: u64 = 4;

/// Sends batches until the server stops responding; returns the acknowledged request ids.
async fn run_client(base_url: String, round: usize, client: u64, acknowledged: Arc<Mutex<HashSet<String>>>) {
    let http = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(round as u64 * 100 + client);
    let ids: Vec<String> = (0..50).map(|i| format!("crash-{i}")).collect();
    for n in 0.. {
        let request_id = format!("r{round}-c{client}-n{n}");
        let chosen: Vec<&str> = ids.choose_multiple(&mut rng, BATCH).map(String::as_str).collect();
        let request = assign_body(&chosen, &format!("assignee-{request_id}"));
        let url = format!(
            "{base_url}/leads/followup/department/{}/user/{}/list",
            FIXTURE.dept_a1, FIXTURE.user
        );
        let sent = http
            .put(url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .header("x-request-id", &request_id)
            .json(&request)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                acknowledged.lock().unwrap().insert(request_id);
            }
            Ok(response) => panic!("unexpected status {}", response.status()),
            Err(_) => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_during_load_keeps_batches_whole() {
    let app = TestApp::spawn().await;
    let ids: Vec<String> = (0..50).map(|i| format!("crash-{i}")).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    app.add_follow_ups(FIXTURE.dept_a1, &id_refs).await;
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));

    for round in 0..ROUNDS {
        let (mut child, base_url) = start_server(&app.database_url, &[]).await;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| tokio::spawn(run_client(base_url.clone(), round, c, acknowledged.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(700)).await;
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        for client in clients {
            client.await.unwrap();
        }
    }

    let counts = app.database.events_per_request().await;
    for (request_id, count) in &counts {
        assert_eq!(*count, BATCH as i64, "request {request_id} was applied partly");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 10,
        "the load reached the server: {}",
        acknowledged.len()
    );
    for request_id in acknowledged.iter() {
        assert!(
            counts.contains_key(request_id),
            "acknowledged request {request_id} was lost"
        );
    }
    for id in &ids {
        let state = app.follow_up(FIXTURE.dept_a1, id).await.state;
        let history = app.history(FIXTURE.dept_a1, id).await;
        assert_eq!(state.version, history.len() as i64 + 1, "{id}");
        assert_eq!(
            state.assignee,
            history.last().and_then(|e| e.assignee_after.clone()),
            "{id}"
        );
    }
}
