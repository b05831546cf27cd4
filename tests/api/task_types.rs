//! Task types (extension): create and list per dealer, with dealer-level authorization.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    assert_error_envelope, TestApp, FIXTURE, NARROW_PASSWORD, NARROW_USERNAME, OTHER_PASSWORD,
    OTHER_USERNAME, PASSWORD, USERNAME,
};

async fn create_as(
    app: &TestApp,
    username: &str,
    password: &str,
    dealer: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let path = format!("/leads/followup/dealer/{dealer}/tasktype");
    app.send_as(username, password, Method::POST, &path, Some(body))
        .await
}

async fn list_as(app: &TestApp, username: &str, password: &str, dealer: &str) -> (StatusCode, Value) {
    let path = format!("/leads/followup/dealer/{dealer}/tasktype/list");
    app.send_as(username, password, Method::GET, &path, None).await
}

#[tokio::test]
async fn task_type_create_then_list() {
    let app = TestApp::spawn().await;

    let body = json!({"uuid": "tt-declined", "name": "Declined service", "description": "Work the customer declined"});
    let (status, created) = create_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_a, &body).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(
        created["taskType"],
        json!({"uuid": "tt-declined", "name": "Declined service", "description": "Work the customer declined", "active": true})
    );
    assert_eq!(created["warnings"], Value::Null);

    let (status, generated) = create_as(
        &app,
        USERNAME,
        PASSWORD,
        FIXTURE.dealer_a,
        &json!({"name": "No show"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{generated}");
    let generated_uuid = generated["taskType"]["uuid"].as_str().unwrap().to_owned();
    assert_eq!(generated_uuid.len(), 64, "a generated id is 64 hex characters");
    assert_eq!(generated["taskType"]["description"], "");

    let (status, list) = list_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_a).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let uuids: Vec<&str> = list["taskTypeList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(uuids, vec!["tt-declined", generated_uuid.as_str()]);
    assert_eq!(list["taskTypeList"][1]["name"], "No show");
    assert_eq!(list["taskTypeList"][1]["active"], true);

    let (_, other) = list_as(&app, OTHER_USERNAME, OTHER_PASSWORD, FIXTURE.dealer_b).await;
    assert_eq!(
        other["taskTypeList"],
        json!([]),
        "dealer B sees none of dealer A's task types"
    );
}

#[tokio::test]
async fn task_type_name_limits() {
    let app = TestApp::spawn().await;
    let cases = [
        json!({}),
        json!({"name": "  "}),
        json!({"name": "x".repeat(101)}),
        json!({"name": 5}),
    ];
    for body in cases {
        let (status, answer) = create_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_a, &body).await;
        assert_error_envelope(status, &answer, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    }
    let (status, answer) = create_as(
        &app,
        USERNAME,
        PASSWORD,
        FIXTURE.dealer_a,
        &json!({"name": "x".repeat(100)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "100 characters are allowed: {answer}");

    let (_, list) = list_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_a).await;
    assert_eq!(
        list["taskTypeList"].as_array().unwrap().len(),
        1,
        "rejected requests created nothing"
    );
}

#[tokio::test]
async fn task_type_repeated_uuid_conflicts() {
    let app = TestApp::spawn().await;
    let body = json!({"uuid": "tt-1", "name": "Declined service"});
    let (status, _) = create_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_a, &body).await;
    assert_eq!(status, StatusCode::OK);

    let (status, answer) = create_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_a, &body).await;
    assert_error_envelope(status, &answer, StatusCode::CONFLICT, "TASK_TYPE_CONFLICT");
    assert_eq!(answer["error"]["metadata"]["value"], "tt-1");
}

#[tokio::test]
async fn task_type_authorization() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "Declined service"});

    let (status, answer) = create_as(&app, NARROW_USERNAME, NARROW_PASSWORD, FIXTURE.dealer_a, &body).await;
    assert_error_envelope(status, &answer, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    let (status, answer) = list_as(&app, NARROW_USERNAME, NARROW_PASSWORD, FIXTURE.dealer_a).await;
    assert_eq!(status, StatusCode::OK, "a department grant reads: {answer}");

    let (foreign_status, foreign) = create_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_b, &body).await;
    let (missing_status, missing) = create_as(&app, USERNAME, PASSWORD, "no-such-dealer", &body).await;
    assert_error_envelope(
        foreign_status,
        &foreign,
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
    );
    assert_error_envelope(
        missing_status,
        &missing,
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
    );
    let (status, answer) = list_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_b).await;
    assert_error_envelope(status, &answer, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");

    let (_, list) = list_as(&app, OTHER_USERNAME, OTHER_PASSWORD, FIXTURE.dealer_b).await;
    assert_eq!(
        list["taskTypeList"],
        json!([]),
        "the rejected create wrote nothing"
    );
}
