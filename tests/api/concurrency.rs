//! Overlapping batches from many clients at once leave every follow-up consistent with
//! its history.

use std::sync::Arc;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

const CLIENTS: u64 = 10;
const REQUESTS_PER_CLIENT: usize = 40;
const FOLLOW_UPS: usize = 40;

fn follow_up_ids() -> Vec<String> {
    (0..FOLLOW_UPS).map(|i| format!("shared-{i}")).collect()
}

/// A random batch of 5 to 15 shared follow-ups with a random action.
fn random_request(rng: &mut StdRng, ids: &[String]) -> Value {
    let count = rng.gen_range(5..=15);
    let chosen: Vec<&str> = ids.choose_multiple(rng, count).map(String::as_str).collect();
    match rng.gen_range(0..100) {
        0..=39 => assign_body(&chosen, ["agent-1", "agent-2", "agent-3"].choose(rng).unwrap()),
        40..=69 => body(&chosen, "UNASSIGN"),
        70..=96 => body(&chosen, "MARK_AS_DONE"),
        _ => body(&chosen, "ARCHIVE"),
    }
}

/// Runs one client and returns how many items it saw UPDATED.
async fn run_client(app: Arc<TestApp>, seed: u64) -> usize {
    let mut rng = StdRng::seed_from_u64(seed);
    let ids = follow_up_ids();
    let mut updated = 0;
    for _ in 0..REQUESTS_PER_CLIENT {
        let request = random_request(&mut rng, &ids);
        let (status, response) = app.update(FIXTURE.dept_a1, &request).await;
        assert!(!response.to_string().contains("database is locked"), "{response}");
        assert_eq!(status, StatusCode::OK, "{response}");
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
async fn overlapping_batches_keep_state_and_history_consistent() {
    let app = Arc::new(TestApp::spawn().await);
    let ids = follow_up_ids();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    app.add_follow_ups(FIXTURE.dept_a1, &id_refs).await;

    let clients: Vec<_> = (0..CLIENTS)
        .map(|seed| tokio::spawn(run_client(app.clone(), seed)))
        .collect();
    let mut updated_results = 0;
    for client in clients {
        updated_results += client.await.unwrap();
    }

    let mut events_total = 0;
    for id in &ids {
        let follow_up = app.follow_up(FIXTURE.dept_a1, id).await;
        let events = app.history(FIXTURE.dept_a1, id).await;
        events_total += events.len();
        let Some(last) = events.last() else {
            assert_eq!(follow_up.state.version, 1, "{id} has no history but changed");
            continue;
        };
        assert_eq!(follow_up.state.status, last.status_after, "{id}");
        assert_eq!(follow_up.state.assignee, last.assignee_after, "{id}");
        assert_eq!(follow_up.state.archived, last.archived_after, "{id}");
        assert_eq!(follow_up.state.version, last.version_after, "{id}");
        assert_eq!(
            follow_up.state.version,
            events.len() as i64 + 1,
            "{id}: one version per event"
        );
        for pair in events.windows(2) {
            assert_eq!(
                pair[0].status_after, pair[1].status_before,
                "{id}: history is a chain"
            );
            assert_eq!(
                pair[0].assignee_after, pair[1].assignee_before,
                "{id}: history is a chain"
            );
        }
    }
    assert_eq!(
        events_total, updated_results,
        "one history event per UPDATED result"
    );
    assert!(
        updated_results > 100,
        "the load changed follow-ups: {updated_results}"
    );
}
