//! History: order, content after each action, pagination and cross-tenant 404.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error_envelope, assign_body, body, TestApp, FIXTURE, PASSWORD, USERNAME};

async fn history(app: &TestApp, department: &str, follow_up: &str, query: &str) -> (StatusCode, Value) {
    let path = format!("/leads/followup/department/{department}/followup/{follow_up}/history{query}");
    app.send_as(USERNAME, PASSWORD, Method::GET, &path, None).await
}

async fn apply(app: &TestApp, update: Value) {
    let (status, response) = app.update(FIXTURE.dept_a1, &update).await;
    assert_eq!(status, StatusCode::OK, "{response}");
}

fn actions(body: &Value) -> Vec<String> {
    body["historyList"]
        .as_array()
        .unwrap_or_else(|| panic!("historyList is an array: {body}"))
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn history_lists_newest_first_with_states() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;
    apply(&app, assign_body(&["f1"], FIXTURE.assignee)).await;
    apply(&app, body(&["f1"], "MARK_AS_DONE")).await;
    apply(&app, body(&["f1"], "UNASSIGN")).await;
    apply(&app, body(&["f1"], "ARCHIVE")).await;

    let (status, response) = history(&app, FIXTURE.dept_a1, "f1", "").await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(
        actions(&response),
        ["ARCHIVE", "UNASSIGN", "MARK_AS_DONE", "ASSIGN"]
    );
    assert_eq!(response["nextPageToken"], Value::Null);
    let events = &response["historyList"];
    let assign = &events[3];
    assert_eq!(
        assign["before"],
        json!({"status": "NOT_STARTED", "assignee": null, "archived": false})
    );
    assert_eq!(assign["after"]["assignee"]["uuid"], FIXTURE.assignee);
    assert_eq!(assign["after"]["version"], 2);
    let done = &events[2];
    assert_eq!(done["before"]["status"], "NOT_STARTED");
    assert_eq!(done["after"]["status"], "COMPLETE");
    assert_eq!(done["after"]["version"], 3);
    let unassign = &events[1];
    assert_eq!(unassign["before"]["assignee"]["uuid"], FIXTURE.assignee);
    assert_eq!(unassign["after"]["assignee"], Value::Null);
    let archive = &events[0];
    assert_eq!(archive["before"]["archived"], false);
    assert_eq!(archive["after"]["archived"], true);
    assert_eq!(archive["after"]["status"], "COMPLETE");
    assert_eq!(archive["after"]["version"], 5);
    assert_eq!(archive["pathUserUuid"], FIXTURE.user);
    assert_eq!(
        archive["actionTakenBy"],
        json!({"uuid": FIXTURE.user, "fname": "John", "lname": "Doe"})
    );
    assert_eq!(archive["subscriber"], USERNAME);
    assert!(!archive["requestId"].as_str().unwrap().is_empty());
    assert!(archive["time"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn history_pages_by_token() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;
    for assignee in ["a1", "a2", "a3", "a4", "a5"] {
        apply(&app, assign_body(&["f1"], assignee)).await;
    }

    let mut versions = Vec::new();
    let mut query = "?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let (status, response) = history(&app, FIXTURE.dept_a1, "f1", &query).await;
        assert_eq!(status, StatusCode::OK, "{response}");
        pages += 1;
        for event in response["historyList"].as_array().unwrap() {
            versions.push(event["after"]["version"].as_i64().unwrap());
        }
        let Some(token) = response["nextPageToken"].as_str() else {
            break;
        };
        query = format!("?limit=2&pageToken={token}");
        // A new event must not shift the pages still to come.
        if pages == 1 {
            apply(&app, assign_body(&["f1"], "a6")).await;
        }
    }

    assert_eq!(pages, 3);
    assert_eq!(versions, [6, 5, 4, 3, 2]);
}

#[tokio::test]
async fn other_department_follow_up_is_not_found() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a2, &["in-a2"]).await;

    let (status, foreign) = history(&app, FIXTURE.dept_a1, "in-a2", "").await;
    let (missing_status, missing) = history(&app, FIXTURE.dept_a1, "nowhere", "").await;

    assert_error_envelope(status, &foreign, StatusCode::NOT_FOUND, "FOLLOW_UP_NOT_FOUND");
    assert_eq!(missing_status, StatusCode::NOT_FOUND);
    let foreign = foreign.to_string().replace("in-a2", "ID");
    let missing = missing.to_string().replace("nowhere", "ID");
    assert_eq!(foreign, missing);
}

#[tokio::test]
async fn history_rejects_bad_query_and_grants() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;
    app.add_follow_ups(FIXTURE.dept_b1, &["in-b1"]).await;

    let (status, response) = history(&app, FIXTURE.dept_a1, "f1", "?limit=-1").await;
    assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    assert_eq!(response["error"]["metadata"]["field"], "limit");
    let (status, response) = history(&app, FIXTURE.dept_a1, "f1", "?pageToken=bad!").await;
    assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    let (status, response) = history(&app, FIXTURE.dept_b1, "in-b1", "").await;
    assert_error_envelope(status, &response, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
}

#[tokio::test]
async fn history_rejects_unknown_and_repeated_parameters() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;

    for (query, mentions) in [
        ("?foo=1", "foo"),
        ("?pagetoken=x", "pagetoken"),
        ("?limit=2&Limit=3", "Limit"),
        ("?limit=2&limit=3", "limit"),
    ] {
        let (status, response) = history(&app, FIXTURE.dept_a1, "f1", query).await;

        assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        let description = response["error"]["description"].as_str().unwrap();
        assert!(description.contains(mentions), "{query}: {description}");
        assert!(
            description.contains("limit and pageToken"),
            "{query}: {description}"
        );
    }
    let (status, response) = history(&app, FIXTURE.dept_a1, "f1", "?limit=2&pageToken=").await;
    assert_eq!(status, StatusCode::OK, "{response}");
}
