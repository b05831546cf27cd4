//! The storage layer's own limit: the same transactions through `Store::apply_update`,
//! with the same concurrency, and no HTTP, JSON or authentication.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use followups::domain::{Action, OpaqueId, PersonName, PersonRef, UpdateCommand};
use followups::storage::{Department, Store, UpdateBatch, UpdateResult};
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::dataset::{Dataset, DEPARTMENT, USER, USERNAME};
use crate::scenario::{assignee_for, random_indexes, RunResult, Scenario};

fn person(uuid: &str) -> PersonRef {
    PersonRef {
        uuid: OpaqueId::from_trusted(uuid.to_owned()),
        fname: PersonName::from_trusted("Bench".into()),
        lname: PersonName::from_trusted("User".into()),
    }
}

pub async fn run(dataset: &Dataset, scenario: &Scenario) -> anyhow::Result<RunResult> {
    let store = dataset.store.clone();
    let department = store
        .find_department(&OpaqueId::from_trusted(DEPARTMENT.into()))
        .await?
        .expect("the bench department exists");
    let subscriber_id = store
        .find_subscriber(USERNAME)
        .await?
        .expect("the bench subscriber exists")
        .id;
    let started = Instant::now();
    let deadline = started + scenario.duration();
    let ids: Arc<Vec<OpaqueId>> = Arc::new(
        dataset
            .follow_up_ids
            .iter()
            .map(|id| OpaqueId::from_trusted(id.clone()))
            .collect(),
    );
    let mut tasks = Vec::new();
    for client in 0..scenario.clients {
        let context = ClientContext {
            store: store.clone(),
            department: department.clone(),
            subscriber_id,
            ids: ids.clone(),
            batch: scenario.batch,
        };
        tasks.push(tokio::spawn(run_client(client, context, deadline)));
    }
    let mut total = RunResult::new();
    for task in tasks {
        total.merge(&task.await??);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

struct ClientContext {
    store: Arc<dyn Store>,
    department: Department,
    subscriber_id: i64,
    ids: Arc<Vec<OpaqueId>>,
    batch: usize,
}

async fn run_client(client: usize, context: ClientContext, deadline: Instant) -> anyhow::Result<RunResult> {
    let mut rng = StdRng::seed_from_u64(client as u64 + 1_000);
    let mut result = RunResult::new();
    let mut request = 0u64;
    while Instant::now() < deadline {
        request += 1;
        let follow_up_ids = random_indexes(&mut rng, context.ids.len(), context.batch)
            .into_iter()
            .map(|i| context.ids[i].clone())
            .collect();
        let assignee = format!("inproc-{}", assignee_for(client, request));
        let batch = UpdateBatch {
            department: context.department.clone(),
            path_user: OpaqueId::from_trusted(USER.into()),
            command: UpdateCommand {
                follow_up_ids,
                repeated_ids: Vec::new(),
                action: Action::Assign(person(&assignee)),
                action_taken_by: person(USER),
            },
            all_or_none: false,
            subscriber_id: context.subscriber_id,
            request_id: format!("inproc-{client}-{request}"),
            now: Utc::now(),
        };
        let sent = Instant::now();
        let outcome = context.store.apply_update(batch).await;
        result.record(sent.elapsed());
        result.requests += 1;
        match outcome {
            Ok(UpdateResult::Committed(plan)) => result.updated += plan.changes().count() as u64,
            _ => result.errors += 1,
        }
    }
    Ok(result)
}
