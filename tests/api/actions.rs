//! Effects of each action on state and history, and the per-item outcomes.

use followups::domain::FollowUpStatus;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{archived_state, assign_body, body, complete_state, TestApp, FIXTURE, USERNAME};

fn outcomes(body: &Value) -> Vec<(String, String)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["followUpUUID"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test]
async fn mark_as_done_completes_and_writes_history() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;

    let (status, response) = app.update(FIXTURE.dept_a1, &body(&["f1"], "MARK_AS_DONE")).await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["results"][0]["version"], 2);
    let follow_up = app.follow_up(FIXTURE.dept_a1, "f1").await;
    assert_eq!(follow_up.state.status, FollowUpStatus::Complete);
    assert_eq!(follow_up.state.version, 2);
    let events = app.history(FIXTURE.dept_a1, "f1").await;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.action, "MARK_AS_DONE");
    assert_eq!(event.status_before, FollowUpStatus::NotStarted);
    assert_eq!(event.status_after, FollowUpStatus::Complete);
    assert!(!event.archived_before);
    assert!(!event.archived_after);
    assert_eq!(event.version_after, 2);
    assert_eq!(event.path_user.as_str(), FIXTURE.user);
    assert_eq!(event.action_taken_by.uuid.as_str(), FIXTURE.user);
    assert_eq!(event.action_taken_by.lname.as_str(), "Doe");
    assert_eq!(event.subscriber_username, USERNAME);
    assert!(!event.request_id.is_empty());
}

#[tokio::test]
async fn history_stores_the_request_id_header() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;

    let response = app
        .client
        .put(app.update_url(FIXTURE.dept_a1, FIXTURE.user))
        .basic_auth(USERNAME, Some(crate::common::PASSWORD))
        .header("X-Request-Id", "trace-123")
        .json(&body(&["f1"], "ARCHIVE"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["x-request-id"], "trace-123");
    assert_eq!(
        app.history(FIXTURE.dept_a1, "f1").await[0].request_id,
        "trace-123"
    );
}

#[tokio::test]
async fn assign_and_unassign_change_assignee() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;

    let (status, _) = app
        .update(FIXTURE.dept_a1, &assign_body(&["f1"], "agent-7"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let assignee = app.follow_up(FIXTURE.dept_a1, "f1").await.state.assignee.unwrap();
    assert_eq!(assignee.uuid.as_str(), "agent-7");

    let (status, response) = app.update(FIXTURE.dept_a1, &body(&["f1"], "UNASSIGN")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(response["results"][0]["outcome"], "UPDATED");
    assert!(app
        .follow_up(FIXTURE.dept_a1, "f1")
        .await
        .state
        .assignee
        .is_none());

    let events = app.history(FIXTURE.dept_a1, "f1").await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].action, "ASSIGN");
    assert!(events[0].assignee_before.is_none());
    assert_eq!(
        events[0].assignee_after.as_ref().unwrap().uuid.as_str(),
        "agent-7"
    );
    assert_eq!(events[1].action, "UNASSIGN");
    assert_eq!(
        events[1].assignee_before.as_ref().unwrap().uuid.as_str(),
        "agent-7"
    );
    assert!(events[1].assignee_after.is_none());
}

#[tokio::test]
async fn archive_sets_the_flag_and_keeps_status() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;

    let (status, response) = app.update(FIXTURE.dept_a1, &body(&["f1"], "ARCHIVE")).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(response["archivedFollowUpUUIDList"], json!([]));
    let follow_up = app.follow_up(FIXTURE.dept_a1, "f1").await;
    assert!(follow_up.state.archived);
    assert!(follow_up.state.archived_at.is_some());
    assert_eq!(follow_up.state.status, FollowUpStatus::NotStarted);
    let event = &app.history(FIXTURE.dept_a1, "f1").await[0];
    assert!(!event.archived_before);
    assert!(event.archived_after);
}

#[tokio::test]
async fn archived_follow_ups_are_never_changed() {
    let app = TestApp::spawn().await;
    app.add_follow_ups_in_state(FIXTURE.dept_a1, &["archived"], archived_state())
        .await;
    app.add_follow_ups(FIXTURE.dept_a1, &["open"]).await;
    let requests = [
        body(&["archived", "open"], "MARK_AS_DONE"),
        assign_body(&["archived", "open"], "agent-7"),
        body(&["archived", "open"], "UNASSIGN"),
        body(&["archived", "open"], "ARCHIVE"),
    ];
    let before = app.follow_up(FIXTURE.dept_a1, "archived").await;

    for request in &requests {
        let (status, response) = app.update(FIXTURE.dept_a1, request).await;
        assert_eq!(status, StatusCode::OK, "{response}");
        assert_eq!(response["updateSuccessful"], true);
        assert_eq!(
            response["archivedFollowUpUUIDList"],
            json!(["archived"]),
            "{response}"
        );
        assert_eq!(response["results"][0]["outcome"], "ALREADY_ARCHIVED");
        assert_eq!(response["results"][0]["version"], 1);
    }

    assert_eq!(app.follow_up(FIXTURE.dept_a1, "archived").await, before);
    assert!(app.history(FIXTURE.dept_a1, "archived").await.is_empty());
}

#[tokio::test]
async fn unknown_and_foreign_ids_are_reported_not_found() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["mine"]).await;
    app.add_follow_ups(FIXTURE.dept_a2, &["sister-dept"]).await;
    app.add_follow_ups(FIXTURE.dept_b1, &["other-dealer"]).await;

    let request = body(
        &["mine", "missing", "sister-dept", "other-dealer"],
        "MARK_AS_DONE",
    );
    let (status, response) = app.update(FIXTURE.dept_a1, &request).await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["updateSuccessful"], true);
    let expected = [
        ("mine", "UPDATED"),
        ("missing", "NOT_FOUND"),
        ("sister-dept", "NOT_FOUND"),
        ("other-dealer", "NOT_FOUND"),
    ];
    assert_eq!(outcomes(&response), pairs(&expected));
    let warning = &response["warnings"][0];
    assert_eq!(warning["code"], "FOLLOW_UP_NOT_FOUND");
    assert_eq!(
        warning["metadata"]["followUpUUIDs"],
        "missing,sister-dept,other-dealer"
    );
    assert!(response["results"][1].get("version").is_none());
    assert!(response["results"][3].get("version").is_none());
    let sister = app.follow_up(FIXTURE.dept_a2, "sister-dept").await;
    assert_eq!(sister.state.status, FollowUpStatus::NotStarted);
    let other = app.follow_up(FIXTURE.dept_b1, "other-dealer").await;
    assert_eq!(other.state.status, FollowUpStatus::NotStarted);
}

#[tokio::test]
async fn other_dealer_id_looks_like_a_missing_one() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_b1, &["exists-elsewhere"]).await;

    let (_, foreign) = app
        .update(FIXTURE.dept_a1, &body(&["exists-elsewhere"], "ARCHIVE"))
        .await;
    let (_, missing) = app
        .update(FIXTURE.dept_a1, &body(&["exists-nowhere"], "ARCHIVE"))
        .await;

    let normalize = |value: &Value| {
        value
            .to_string()
            .replace("exists-elsewhere", "X")
            .replace("exists-nowhere", "X")
    };
    assert_eq!(normalize(&foreign), normalize(&missing));
}

#[tokio::test]
async fn no_ops_write_no_history_and_warn() {
    let app = TestApp::spawn().await;
    app.add_follow_ups_in_state(FIXTURE.dept_a1, &["done"], complete_state())
        .await;
    app.add_follow_ups(FIXTURE.dept_a1, &["open"]).await;
    app.update(FIXTURE.dept_a1, &assign_body(&["open"], "agent-7"))
        .await;

    let cases = [
        (FIXTURE.dept_a1, body(&["done"], "MARK_AS_DONE"), "done"),
        (FIXTURE.dept_a1, assign_body(&["open"], "agent-7"), "open"),
    ];
    for (department, request, follow_up) in cases {
        let before = app.snapshot(department, &[follow_up]).await;
        let (status, response) = app.update(department, &request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(response["results"][0]["outcome"], "NO_CHANGE", "{response}");
        assert_eq!(response["warnings"][0]["code"], "FOLLOW_UP_UNCHANGED");
        assert_eq!(app.snapshot(department, &[follow_up]).await, before);
    }

    app.update(FIXTURE.dept_a1, &body(&["open"], "UNASSIGN")).await;
    let before = app.snapshot(FIXTURE.dept_a1, &["open"]).await;
    let (_, response) = app.update(FIXTURE.dept_a1, &body(&["open"], "UNASSIGN")).await;
    assert_eq!(response["results"][0]["outcome"], "NO_CHANGE");
    assert_eq!(app.snapshot(FIXTURE.dept_a1, &["open"]).await, before);
}

#[tokio::test]
async fn repeated_ids_are_applied_once() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1", "f2"]).await;

    let request = assign_body(&["f1", "f2", "f1", "f1"], "agent-7");
    let (status, response) = app.update(FIXTURE.dept_a1, &request).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        outcomes(&response),
        pairs(&[("f1", "UPDATED"), ("f2", "UPDATED")])
    );
    assert_eq!(response["warnings"][0]["code"], "DUPLICATE_FOLLOW_UP_UUID");
    assert_eq!(response["warnings"][0]["metadata"]["followUpUUIDs"], "f1");
    assert_eq!(app.history(FIXTURE.dept_a1, "f1").await.len(), 1);
    assert_eq!(app.follow_up(FIXTURE.dept_a1, "f1").await.state.version, 2);
}

#[tokio::test]
async fn all_or_none_rejects_the_whole_batch() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1", "f2"]).await;
    app.add_follow_ups_in_state(FIXTURE.dept_a1, &["gone"], archived_state())
        .await;
    let ids = ["f1", "f2", "gone", "missing"];
    let before = app.snapshot(FIXTURE.dept_a1, &["f1", "f2", "gone"]).await;

    let (status, response) = app
        .update_as(
            USERNAME,
            crate::common::PASSWORD,
            FIXTURE.dept_a1,
            "?allOrNone=true",
            &body(&ids, "MARK_AS_DONE"),
        )
        .await;

    crate::common::assert_error_envelope(status, &response, StatusCode::CONFLICT, "BATCH_REJECTED");
    assert_eq!(response["updateSuccessful"], false);
    let expected = [
        ("f1", "UPDATED"),
        ("f2", "UPDATED"),
        ("gone", "ALREADY_ARCHIVED"),
        ("missing", "NOT_FOUND"),
    ];
    assert_eq!(outcomes(&response), pairs(&expected));
    assert_eq!(response["archivedFollowUpUUIDList"], json!(["gone"]));
    assert_eq!(
        response["results"][0]["version"], 1,
        "version is unchanged: {response}"
    );
    assert_eq!(app.snapshot(FIXTURE.dept_a1, &["f1", "f2", "gone"]).await, before);
}

#[tokio::test]
async fn all_or_none_commits_when_every_item_changes() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1", "f2"]).await;

    let (status, response) = app
        .update_as(
            USERNAME,
            crate::common::PASSWORD,
            FIXTURE.dept_a1,
            "?allOrNone=true",
            &body(&["f1", "f2"], "ARCHIVE"),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert!(app.follow_up(FIXTURE.dept_a1, "f2").await.state.archived);
}

#[tokio::test]
async fn unknown_path_user_is_rejected() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;
    let before = app.snapshot(FIXTURE.dept_a1, &["f1"]).await;

    for user in ["nobody", FIXTURE.user_b] {
        let response = app
            .client
            .put(app.update_url(FIXTURE.dept_a1, user))
            .basic_auth(USERNAME, Some(crate::common::PASSWORD))
            .json(&body(&["f1"], "ARCHIVE"))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let response: Value = response.json().await.unwrap();
        crate::common::assert_error_envelope(status, &response, StatusCode::NOT_FOUND, "USER_NOT_FOUND");
    }
    assert_eq!(app.snapshot(FIXTURE.dept_a1, &["f1"]).await, before);
}
