//! The demo data set and the sample requests that `serve --demo` prints.

use std::process::Stdio;
use std::time::Duration;

use followups::domain::FollowUpStatus;
use followups::storage::{self, StoreOptions};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::common::id;
use crate::database::TestDatabase;

async fn demo_json(database_url: &str) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_followups"))
        .args(["demo", "--json", "--database-url", database_url])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn demo_json_describes_mixed_data_and_one_grant() {
    let database = TestDatabase::create().await;
    let data = demo_json(&database.url).await;
    assert_eq!(
        demo_json(&database.url).await,
        data,
        "a second run reuses the same data"
    );

    let store = storage::open(&database.url, &StoreOptions::default())
        .await
        .unwrap();
    let dealers = data["dealers"].as_array().unwrap();
    assert!(dealers.len() >= 2, "{data}");
    for dealer in dealers {
        let departments = dealer["departments"].as_array().unwrap();
        assert!(departments.len() >= 2, "{dealer}");
        for department in departments {
            assert!(
                !department["users"].as_array().unwrap().is_empty(),
                "{department}"
            );
            let ids = department["followUpUuids"].as_array().unwrap();
            assert!(ids.len() >= 50, "{department}");
            let (mut archived, mut complete, mut assigned) = (0, 0, 0);
            for follow_up in ids {
                let department_id = id(department["uuid"].as_str().unwrap());
                let stored = store
                    .find_follow_up(&department_id, &id(follow_up.as_str().unwrap()))
                    .await;
                let state = stored.unwrap().expect("listed follow-ups exist").state;
                archived += usize::from(state.archived);
                complete += usize::from(state.status == FollowUpStatus::Complete);
                assigned += usize::from(state.assignee.is_some());
            }
            assert!(archived > 0, "some archived follow-ups in {department}");
            assert!(complete > 0, "some complete follow-ups in {department}");
            assert!(assigned > 0, "some assigned follow-ups in {department}");
        }
    }

    let subscriber = store
        .find_subscriber(data["username"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let first = store
        .find_dealer(&id(dealers[0]["uuid"].as_str().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        subscriber.grants.dealer_ids,
        vec![first.id],
        "granted on the first dealer only"
    );
    assert!(subscriber.grants.department_ids.is_empty());
}

/// A request printed by `serve --demo`: its URL, Authorization value and body.
struct PrintedRequest {
    url: String,
    authorization: String,
    body: String,
}

/// Returns the text between the first pair of single quotes after `marker` in `line`.
fn quoted_after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &line[line.find(marker)? + marker.len()..];
    let start = rest.find('\'')? + 1;
    let end = start + rest[start..].find('\'')?;
    Some(&rest[start..end])
}

fn parse_printed(lines: &[String]) -> Vec<PrintedRequest> {
    let mut requests = Vec::new();
    let mut current: Option<PrintedRequest> = None;
    for line in lines {
        if let Some(url) = quoted_after(line, "--request PUT") {
            current = Some(PrintedRequest {
                url: url.into(),
                authorization: String::new(),
                body: String::new(),
            });
        } else if let (Some(request), Some(header)) = (current.as_mut(), quoted_after(line, "--header")) {
            if let Some(value) = header.strip_prefix("authorization: ") {
                request.authorization = value.into();
            }
        } else if let Some(body) = quoted_after(line, "--data") {
            let mut request = current.take().expect("--data follows a curl line");
            request.body = body.into();
            requests.push(request);
        }
    }
    requests
}

#[tokio::test]
async fn serve_demo_prints_working_sample_requests() {
    let database = TestDatabase::create().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_followups"))
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &database.url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut lines = Vec::new();
    while parse_printed(&lines).len() < 3 {
        let line = tokio::time::timeout(Duration::from_secs(30), stdout.next_line()).await;
        lines.push(
            line.expect("the demo printout within 30 s")
                .unwrap()
                .expect("more output"),
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("demo-password")),
        "credentials are printed"
    );

    let http = reqwest::Client::new();
    for (request, action) in parse_printed(&lines)
        .iter()
        .zip(["MARK_AS_DONE", "ASSIGN", "ARCHIVE"])
    {
        assert!(request.body.contains(action), "{}", request.body);
        let response = http
            .put(&request.url)
            .header("accept", "application/json")
            .header("authorization", &request.authorization)
            .header("Content-Type", "application/json")
            .body(request.body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{action}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["statusCode"], 200, "{action}: {body}");
        assert!(body["error"].is_null(), "{action}: {body}");
        assert!(body["warnings"].is_null(), "{action}: {body}");
        assert_eq!(body["updateSuccessful"], true, "{action}");
        assert_eq!(
            body["archivedFollowUpUUIDList"],
            serde_json::json!([]),
            "{action}"
        );
    }
    child.start_kill().unwrap();
}
