//! The create endpoint: batches, idempotent repeats, conflicts, limits and authorization.

use chrono::Utc;
use followups::domain::{FollowUpStatus, OpaqueId};
use followups::storage::NewTaskType;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;

const TASK_TYPE: &str = "declined-service";
const OTHER_DEALER_TASK_TYPE: &str = "no-show-b";

fn create_url(app: &TestApp, department: &str, user: &str) -> String {
    format!(
        "{}/leads/followup/department/{department}/user/{user}",
        app.base_url
    )
}

async fn create_as(
    app: &TestApp,
    (username, password): (&str, &str),
    department: &str,
    user: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let response = app
        .client
        .post(create_url(app, department, user))
        .basic_auth(username, Some(password))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn create(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    create_as(app, (USERNAME, PASSWORD), FIXTURE.dept_a1, FIXTURE.user, body).await
}

fn item(uuid: &str) -> Value {
    json!({"uuid": uuid, "customerUUID": "customer-1", "title": "Call about declined brake work"})
}

fn batch(items: Vec<Value>) -> Value {
    json!({ "followUps": items })
}

async fn spawn_with_task_types() -> TestApp {
    let app = TestApp::spawn().await;
    for (uuid, dealer) in [
        (TASK_TYPE, FIXTURE.dealer_a),
        (OTHER_DEALER_TASK_TYPE, FIXTURE.dealer_b),
    ] {
        let task_type = NewTaskType {
            uuid: id(uuid),
            dealer_uuid: id(dealer),
            name: uuid.into(),
            description: String::new(),
        };
        app.store.create_task_type(task_type).await.unwrap();
    }
    app
}

async fn exists(app: &TestApp, department: &str, uuid: &str) -> bool {
    app.store
        .find_follow_up(&id(department), &id(uuid))
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn batch_is_created_in_request_order() {
    let app = spawn_with_task_types().await;
    let full = json!({
        "uuid": "fu-full", "customerUUID": "customer-7", "taskTypeUUID": TASK_TYPE,
        "title": "Tire quote", "notes": "Asked for\ntwo options", "dueDate": "2026-04-30",
        "status": "SCHEDULED", "assignee": {"uuid": FIXTURE.assignee, "fname": "Jane", "lname": "Smith"}
    });
    let generated = json!({"customerUUID": "customer-8", "title": "Check satisfaction"});
    let body = batch(vec![item("fu-1"), generated, full]);

    let (status, response) = create(&app, &body).await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["statusCode"], 200);
    assert_eq!(response["error"], Value::Null);
    let results = response["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["followUpUUID"], "fu-1");
    assert_eq!(results[2]["followUpUUID"], "fu-full");
    let generated_id = results[1]["followUpUUID"].as_str().unwrap();
    assert_eq!(generated_id.len(), 64);
    assert!(generated_id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    for result in results {
        assert_eq!(result["outcome"], "CREATED");
        assert_eq!(result["version"], 1);
    }
    assert_eq!(results[2]["dueDate"], "2026-04-30");

    let stored = app.follow_up(FIXTURE.dept_a1, "fu-full").await;
    assert_eq!(stored.customer_uuid.as_deref(), Some("customer-7"));
    assert_eq!(
        stored.task_type_uuid.as_ref().map(OpaqueId::as_str),
        Some(TASK_TYPE)
    );
    assert_eq!(stored.notes, "Asked for\ntwo options");
    assert_eq!(stored.state.status, FollowUpStatus::Scheduled);
    assert_eq!(stored.state.assignee.unwrap().uuid.as_str(), FIXTURE.assignee);
    assert_eq!(stored.dealer_uuid.as_str(), FIXTURE.dealer_a);
    assert!(exists(&app, FIXTURE.dept_a1, generated_id).await);
}

#[tokio::test]
async fn due_date_defaults_to_dealer_today() {
    let app = TestApp::spawn().await;
    let los_angeles: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
    let before = Utc::now().with_timezone(&los_angeles).date_naive();

    let (status, response) = create(&app, &batch(vec![item("fu-1")])).await;

    let after = Utc::now().with_timezone(&los_angeles).date_naive();
    assert_eq!(status, StatusCode::OK, "{response}");
    let due = app.follow_up(FIXTURE.dept_a1, "fu-1").await.due_date;
    assert!(
        due == before || due == after,
        "due date {due} is the dealer's date"
    );
    assert_eq!(response["results"][0]["dueDate"], due.to_string());
}

#[tokio::test]
async fn create_writes_one_history_event() {
    let app = TestApp::spawn().await;
    let mut body = batch(vec![item("fu-1")]);
    body["followUps"][0]["status"] = json!("COMPLETE");

    let (status, response) = create(&app, &body).await;

    assert_eq!(status, StatusCode::OK, "{response}");
    let events = app.history(FIXTURE.dept_a1, "fu-1").await;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.action, "CREATE");
    assert_eq!(event.status_after, FollowUpStatus::Complete);
    assert_eq!(event.version_after, 1);
    assert_eq!(event.path_user.as_str(), FIXTURE.user);
    assert_eq!(event.action_taken_by.fname.as_str(), "Pat");
    assert_eq!(event.subscriber_username, USERNAME);
    let stored = app.follow_up(FIXTURE.dept_a1, "fu-1").await;
    let completion = stored.state.completion.unwrap();
    assert_eq!(completion.by.uuid.as_str(), FIXTURE.user);
}

#[tokio::test]
async fn identical_repeat_returns_existing() {
    let app = TestApp::spawn().await;
    let body = batch(vec![item("fu-1"), item("fu-2")]);
    let (first_status, first) = create(&app, &body).await;
    assert_eq!(first_status, StatusCode::OK, "{first}");

    let (status, response) = create(&app, &body).await;

    assert_eq!(status, StatusCode::OK, "{response}");
    for (index, result) in response["results"].as_array().unwrap().iter().enumerate() {
        assert_eq!(result["outcome"], "ALREADY_EXISTS");
        assert_eq!(result["version"], 1);
        assert_eq!(result["dueDate"], first["results"][index]["dueDate"]);
    }
    assert_eq!(app.history(FIXTURE.dept_a1, "fu-1").await.len(), 1);
}

#[tokio::test]
async fn repeat_after_update_returns_current_version() {
    let app = TestApp::spawn().await;
    let body = batch(vec![item("fu-1")]);
    create(&app, &body).await;
    let (status, _) = app
        .update(FIXTURE.dept_a1, &crate::common::body(&["fu-1"], "MARK_AS_DONE"))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, response) = create(&app, &body).await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["results"][0]["outcome"], "ALREADY_EXISTS");
    assert_eq!(response["results"][0]["version"], 2);
}

#[tokio::test]
async fn conflicting_repeat_is_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    create(&app, &batch(vec![item("fu-1")])).await;
    let before = app.snapshot(FIXTURE.dept_a1, &["fu-1"]).await;
    let mut changed = item("fu-1");
    changed["title"] = json!("Another title");

    let (status, response) = create(&app, &batch(vec![item("fu-new"), changed])).await;

    assert_error_envelope(status, &response, StatusCode::CONFLICT, "FOLLOW_UP_CONFLICT");
    assert_eq!(response["error"]["metadata"]["field"], "followUps[1].uuid");
    assert_eq!(response["error"]["metadata"]["followUpUUIDs"], "fu-1");
    let description = response["error"]["description"].as_str().unwrap();
    assert!(description.contains("title"), "{description}");
    assert!(!exists(&app, FIXTURE.dept_a1, "fu-new").await);
    assert_eq!(app.snapshot(FIXTURE.dept_a1, &["fu-1"]).await, before);
}

#[tokio::test]
async fn same_id_in_other_department_conflicts() {
    let app = TestApp::spawn().await;
    create(&app, &batch(vec![item("fu-1")])).await;

    let (status, response) = create_as(
        &app,
        (USERNAME, PASSWORD),
        FIXTURE.dept_a2,
        FIXTURE.user,
        &batch(vec![item("fu-1")]),
    )
    .await;

    assert_error_envelope(status, &response, StatusCode::CONFLICT, "FOLLOW_UP_CONFLICT");
    let description = response["error"]["description"].as_str().unwrap();
    assert!(description.contains("departmentUUID"), "{description}");
}

#[tokio::test]
async fn batch_of_1001_is_rejected() {
    let app = TestApp::spawn().await;
    let items: Vec<Value> = (0..1001).map(|i| item(&format!("fu-{i}"))).collect();

    let (status, response) = create(&app, &batch(items)).await;

    assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    assert_eq!(response["error"]["metadata"]["field"], "followUps");
    assert!(!exists(&app, FIXTURE.dept_a1, "fu-0").await);
}

#[tokio::test]
async fn batch_of_1000_is_created() {
    let app = TestApp::spawn().await;
    let items: Vec<Value> = (0..1000).map(|i| item(&format!("fu-{i}"))).collect();

    let (status, response) = create(&app, &batch(items)).await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["results"].as_array().unwrap().len(), 1000);
    assert!(exists(&app, FIXTURE.dept_a1, "fu-999").await);
}

#[tokio::test]
async fn bad_fields_are_rejected_by_name() {
    let app = TestApp::spawn().await;
    let cases = [
        ("followUps", json!({})),
        ("followUps", json!({"followUps": []})),
        (
            "followUps[0].customerUUID",
            json!({"followUps": [{"uuid": "fu-1", "title": "Call"}]}),
        ),
        (
            "followUps[0].title",
            json!({"followUps": [{"uuid": "fu-1", "customerUUID": "c"}]}),
        ),
        ("followUps[1].uuid", batch(vec![item("fu-1"), item("bad id")])),
        ("followUps[1].uuid", batch(vec![item("fu-1"), item("fu-1")])),
        ("followUps[0].dueDate", {
            let mut value = batch(vec![item("fu-1")]);
            value["followUps"][0]["dueDate"] = json!("31/12/2026");
            value
        }),
        ("followUps[0].status", {
            let mut value = batch(vec![item("fu-1")]);
            value["followUps"][0]["status"] = json!("DONE");
            value
        }),
        ("followUps[0].assignee.uuid", {
            let mut value = batch(vec![item("fu-1")]);
            value["followUps"][0]["assignee"] = json!({"fname": "Jane"});
            value
        }),
    ];
    for (field, body) in cases {
        let (status, response) = create(&app, &body).await;

        assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        assert_eq!(response["error"]["metadata"]["field"], field, "{body}");
        assert!(!exists(&app, FIXTURE.dept_a1, "fu-1").await, "{body}");
    }
}

#[tokio::test]
async fn due_date_before_year_1_is_400() {
    let app = TestApp::spawn().await;
    for due_date in ["0000-01-01", "0000-02-29"] {
        let mut body = batch(vec![item("fu-1")]);
        body["followUps"][0]["dueDate"] = json!(due_date);

        let (status, response) = create(&app, &body).await;

        assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        let error = &response["error"];
        assert_eq!(error["metadata"]["field"], "followUps[0].dueDate", "{response}");
        assert_eq!(error["metadata"]["value"], due_date, "{response}");
        let description = error["description"].as_str().unwrap();
        assert!(
            description.contains("from 0001-01-01 to 9999-12-31"),
            "{description}"
        );
        assert!(!exists(&app, FIXTURE.dept_a1, "fu-1").await, "{due_date}");
    }
}

#[tokio::test]
async fn json_media_types_are_accepted() {
    let app = TestApp::spawn().await;
    let content_types = [
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.api+json",
        "application/problem+json",
    ];
    for (index, content_type) in content_types.into_iter().enumerate() {
        let uuid = format!("fu-{index}");
        let response = app
            .client
            .post(create_url(&app, FIXTURE.dept_a1, FIXTURE.user))
            .basic_auth(USERNAME, Some(PASSWORD))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(batch(vec![item(&uuid)]).to_string())
            .send()
            .await
            .unwrap();

        assert_eq!(response.status(), StatusCode::OK, "{content_type}");
        assert!(exists(&app, FIXTURE.dept_a1, &uuid).await, "{content_type}");
    }
}

#[tokio::test]
async fn wrong_json_type_is_400() {
    let app = TestApp::spawn().await;
    let mut body = batch(vec![item("fu-1")]);
    body["followUps"][0]["title"] = json!(42);

    let (status, response) = create(&app, &body).await;

    assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
}

#[tokio::test]
async fn field_in_both_spellings_is_400() {
    let app = TestApp::spawn().await;
    let mut body = batch(vec![item("fu-1")]);
    body["followUps"][0]["customerUuid"] = json!("customer-2");

    let (status, response) = create(&app, &body).await;

    assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    let error = &response["error"];
    assert_eq!(
        error["metadata"]["field"], "followUps[0].customerUUID",
        "{response}"
    );
    let description = error["description"].as_str().unwrap();
    assert!(
        description.starts_with("followUps[0].customerUUID is given more than once"),
        "{description}"
    );
    assert!(description.contains("customerUuid"), "{description}");
    assert!(!description.contains("wrong JSON type"), "{description}");
    assert!(!exists(&app, FIXTURE.dept_a1, "fu-1").await);
}

#[tokio::test]
async fn unknown_or_foreign_task_type_is_400() {
    let app = spawn_with_task_types().await;
    for task_type in ["no-such-task-type", OTHER_DEALER_TASK_TYPE] {
        let mut body = batch(vec![item("fu-1"), item("fu-2")]);
        body["followUps"][1]["taskTypeUUID"] = json!(task_type);

        let (status, response) = create(&app, &body).await;

        assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        assert_eq!(
            response["error"]["metadata"]["field"],
            "followUps[1].taskTypeUUID"
        );
        assert_eq!(response["error"]["metadata"]["value"], task_type);
        assert!(!exists(&app, FIXTURE.dept_a1, "fu-1").await);
    }
}

#[tokio::test]
async fn authorization_matches_bulk_update() {
    let app = TestApp::spawn().await;
    let body = batch(vec![item("fu-1")]);
    let cases = [
        (
            (OTHER_USERNAME, OTHER_PASSWORD),
            FIXTURE.dept_a1,
            FIXTURE.user,
            StatusCode::FORBIDDEN,
            "NOT_AUTHORIZED_REQUEST",
        ),
        (
            (NARROW_USERNAME, NARROW_PASSWORD),
            FIXTURE.dept_a1,
            FIXTURE.user,
            StatusCode::FORBIDDEN,
            "NOT_AUTHORIZED_REQUEST",
        ),
        (
            (USERNAME, PASSWORD),
            "no-such-department",
            FIXTURE.user,
            StatusCode::FORBIDDEN,
            "NOT_AUTHORIZED_REQUEST",
        ),
        (
            (USERNAME, "wrong-password"),
            FIXTURE.dept_a1,
            FIXTURE.user,
            StatusCode::UNAUTHORIZED,
            "WRONG_CREDENTIAL",
        ),
        (
            (USERNAME, PASSWORD),
            FIXTURE.dept_a1,
            FIXTURE.user_b,
            StatusCode::NOT_FOUND,
            "USER_NOT_FOUND",
        ),
    ];
    for (credentials, department, user, expected, code) in cases {
        let (status, response) = create_as(&app, credentials, department, user, &body).await;

        assert_error_envelope(status, &response, expected, code);
        assert!(!exists(&app, FIXTURE.dept_a1, "fu-1").await);
    }
    let (status, response) = create_as(
        &app,
        (NARROW_USERNAME, NARROW_PASSWORD),
        FIXTURE.dept_a2,
        FIXTURE.user,
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a department grant is enough: {response}");
}

#[tokio::test]
async fn missing_credentials_are_401() {
    let app = TestApp::spawn().await;

    let response = app
        .client
        .post(create_url(&app, FIXTURE.dept_a1, FIXTURE.user))
        .json(&batch(vec![item("fu-1")]))
        .send()
        .await
        .unwrap();

    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_error_envelope(status, &body, StatusCode::UNAUTHORIZED, "CREDENTIALS_ARE_NULL");
}
