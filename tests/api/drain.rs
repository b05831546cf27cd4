//! SIGTERM lets in-flight bulk updates finish before the process exits, and leaves the
//! SQLite database file complete without its WAL.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::task::JoinSet;

use crate::common::*;
use crate::database::{backend, Backend};
use crate::server_process::ServerProcess;

const BATCHES: usize = 16;
const BATCH: usize = 300;

fn batch_ids(batch: usize) -> Vec<String> {
    (0..BATCH).map(|i| format!("drain-{batch}-{i}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_drains_in_flight_batches() {
    // When every batch happens to finish before the signal arrives, nothing was drained, so
    // the scenario runs again, three times at most.
    for attempt in 1..=3 {
        if drain_scenario().await {
            return;
        }
        eprintln!("attempt {attempt}: every batch finished before SIGTERM");
    }
    panic!("in three attempts, no batch was still in flight at SIGTERM");
}

/// Sends the batches, sends SIGTERM after the first response, and checks that every batch
/// got a response and was applied. Returns whether some batch was still in flight at the signal.
async fn drain_scenario() -> bool {
    let app = TestApp::spawn().await;
    for batch in 0..BATCHES {
        let ids = batch_ids(batch);
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        app.add_follow_ups(FIXTURE.dept_a1, &refs).await;
    }
    let mut server = ServerProcess::start(&app.database_url, "info", &[]).await;
    let url = format!(
        "{}/leads/followup/department/{}/user/{}/list",
        server.base_url, FIXTURE.dept_a1, FIXTURE.user
    );

    let http = reqwest::Client::new();
    let mut requests = JoinSet::new();
    for batch in 0..BATCHES {
        let request = http
            .put(&url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .header("x-request-id", format!("drain-{batch}"))
            .json(&assign_body(
                &batch_ids(batch).iter().map(String::as_str).collect::<Vec<_>>(),
                FIXTURE.assignee,
            ));
        requests.spawn(async move { request.send().await.map(|response| response.status()) });
    }
    let first = requests.join_next().await.unwrap().unwrap();
    assert_eq!(first.unwrap(), StatusCode::OK);
    server.terminate();

    let mut finished = 1;
    while let Some(result) = requests.join_next().await {
        let status = result.unwrap().expect("an in-flight request is answered");
        assert_eq!(status, StatusCode::OK);
        finished += 1;
    }
    assert_eq!(finished, BATCHES);
    let exit = server.wait(Duration::from_secs(30)).await;
    assert!(exit.success(), "the server exits 0 after SIGTERM: {exit:?}");
    let lines = server.lines();
    let signal = lines
        .iter()
        .position(|line| line.contains("received SIGTERM"))
        .unwrap_or_else(|| panic!("no SIGTERM line: {lines:#?}"));
    let after_signal = lines[signal..]
        .iter()
        .filter(|line| line.contains("request completed"))
        .count();

    for batch in 0..BATCHES {
        let request_id = format!("drain-{batch}");
        for id in batch_ids(batch) {
            let history = app.history(FIXTURE.dept_a1, &id).await;
            let applied = history
                .iter()
                .filter(|event| event.request_id == request_id)
                .count();
            assert_eq!(applied, 1, "batch {batch} missed follow-up {id}");
        }
    }
    after_signal > 0
}

#[tokio::test]
async fn stopped_server_leaves_complete_database_file() {
    if backend() != Backend::Sqlite {
        return;
    }
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["wal-1"]).await;
    let mut server = ServerProcess::start(&app.database_url, "info", &[]).await;
    let path = app.database_url.strip_prefix("sqlite:").unwrap();
    // Another process commits a change that no checkpoint copies, as an import does.
    let other = rusqlite::Connection::open(path).unwrap();
    other
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             UPDATE follow_ups SET title = 'committed to the WAL' WHERE uuid = 'wal-1';",
        )
        .unwrap();

    // The server's own last commit wakes its checkpoint thread just before the signal.
    let response = reqwest::Client::new()
        .put(format!(
            "{}/leads/followup/department/{}/user/{}/list",
            server.base_url, FIXTURE.dept_a1, FIXTURE.user
        ))
        .basic_auth(USERNAME, Some(PASSWORD))
        .json(&assign_body(&["wal-1"], FIXTURE.assignee))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    server.terminate();
    let exit = server.wait(Duration::from_secs(30)).await;
    assert!(exit.success(), "the server exits 0 after SIGTERM: {exit:?}");

    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("copy.db");
    std::fs::copy(path, &copy).unwrap();
    let (title, assignee): (String, String) = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row(
            "SELECT title, assignee_uuid FROM follow_ups WHERE uuid = 'wal-1'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(title, "committed to the WAL");
    assert_eq!(assignee, FIXTURE.assignee);
    drop(other);
}
