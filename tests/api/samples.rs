//! The three documented sample requests, sent verbatim but for the path placeholders.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{TestApp, FIXTURE, PASSWORD, USERNAME};

const MARK_AS_DONE: &str = r#"{
"followUpUUIDs": ["follow-up-uuid-1", "follow-up-uuid-2"],
"followUpActionType": "MARK_AS_DONE",
"actionTakenBy": {
"uuid": "user-uuid",
"fname": "John",
"lname": "Doe"
}
}"#;

const ASSIGN: &str = r#"{
"followUpUUIDs": ["follow-up-uuid"],
"followUpActionType": "ASSIGN",
"newAssignee": {
"uuid": "new-assignee-uuid",
"fname": "Jane",
"lname": "Smith"
},
"actionTakenBy": {
"uuid": "user-uuid",
"fname": "John",
"lname": "Doe"
}
}"#;

const ARCHIVE: &str = r#"{
"followUpUUIDs": ["follow-up-uuid"],
"followUpActionType": "ARCHIVE",
"actionTakenBy": {
"uuid": "user-uuid",
"fname": "John",
"lname": "Doe"
}
}"#;

/// Sends a raw body with the sample's headers.
async fn send_sample(app: &TestApp, body: &'static str) -> (StatusCode, Value) {
    let response = app
        .client
        .put(app.update_url(FIXTURE.dept_a1, FIXTURE.user))
        .header("accept", "application/json")
        .basic_auth(USERNAME, Some(PASSWORD))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Asserts the documented response fields, then that every result is UPDATED.
fn assert_documented_response(status: StatusCode, body: &Value, ids: &[&str]) {
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["statusCode"], 200);
    assert!(body["error"].is_null(), "error is null: {body}");
    assert!(body["warnings"].is_null(), "warnings is null: {body}");
    assert_eq!(body["updateSuccessful"], true);
    assert_eq!(body["archivedFollowUpUUIDList"], serde_json::json!([]));
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), ids.len());
    for (result, id) in results.iter().zip(ids) {
        assert_eq!(result["followUpUUID"], *id);
        assert_eq!(result["outcome"], "UPDATED");
    }
}

#[tokio::test]
async fn documented_samples_work_verbatim() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(
        FIXTURE.dept_a1,
        &["follow-up-uuid-1", "follow-up-uuid-2", "follow-up-uuid"],
    )
    .await;

    let (status, body) = send_sample(&app, MARK_AS_DONE).await;
    assert_documented_response(status, &body, &["follow-up-uuid-1", "follow-up-uuid-2"]);
    for id in ["follow-up-uuid-1", "follow-up-uuid-2"] {
        let follow_up = app.follow_up(FIXTURE.dept_a1, id).await;
        assert_eq!(follow_up.state.status.as_str(), "COMPLETE");
        let completion = follow_up.state.completion.expect("completion is recorded");
        assert_eq!(completion.by.uuid.as_str(), "user-uuid");
        assert_eq!(completion.by.fname.as_str(), "John");
    }

    let (status, body) = send_sample(&app, ASSIGN).await;
    assert_documented_response(status, &body, &["follow-up-uuid"]);
    let follow_up = app.follow_up(FIXTURE.dept_a1, "follow-up-uuid").await;
    let assignee = follow_up.state.assignee.expect("assigned");
    assert_eq!(assignee.uuid.as_str(), "new-assignee-uuid");
    assert_eq!(assignee.fname.as_str(), "Jane");
    assert_eq!(assignee.lname.as_str(), "Smith");

    let (status, body) = send_sample(&app, ARCHIVE).await;
    assert_documented_response(status, &body, &["follow-up-uuid"]);
    assert!(
        app.follow_up(FIXTURE.dept_a1, "follow-up-uuid")
            .await
            .state
            .archived
    );
}

#[tokio::test]
async fn repeated_sample_reports_archived_follow_up() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["follow-up-uuid"]).await;
    send_sample(&app, ARCHIVE).await;

    let (status, body) = send_sample(&app, ARCHIVE).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["updateSuccessful"], true);
    assert_eq!(
        body["archivedFollowUpUUIDList"],
        serde_json::json!(["follow-up-uuid"])
    );
    assert_eq!(body["results"][0]["outcome"], "ALREADY_ARCHIVED");
    assert_eq!(app.history(FIXTURE.dept_a1, "follow-up-uuid").await.len(), 1);
}
