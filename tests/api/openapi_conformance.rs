//! Real responses of every endpoint, validated against the schemas and response headers of
//! the OpenAPI document.
//!
//! The success schemas forbid unknown fields, so a field that a handler adds or renames
//! fails here until the document describes it.

use followups::http::openapi;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    assign_body, body, complete_state, TestApp, TestConfig, FIXTURE, OTHER_PASSWORD, OTHER_USERNAME,
    PASSWORD, USERNAME,
};

const UPDATE: &str = "/leads/followup/department/{departmentUUID}/user/{userUUID}/list";
const FETCH: &str = "/leads/followup/dealer/{dealerUUID}/list";
const HISTORY: &str = "/leads/followup/department/{departmentUUID}/followup/{followUpUUID}/history";
const CREATE: &str = "/leads/followup/department/{departmentUUID}/user/{userUUID}";
const TASK_TYPE: &str = "/leads/followup/dealer/{dealerUUID}/tasktype";
const TASK_TYPES: &str = "/leads/followup/dealer/{dealerUUID}/tasktype/list";
const TEMPLATE: &str = "/leads/followup/dealer/{dealerUUID}/template";
const TEMPLATES: &str = "/leads/followup/dealer/{dealerUUID}/templatetype/{templateType}/list";

/// Validates response bodies against the document's response schemas.
struct Conformance {
    document: Value,
}

impl Conformance {
    fn new() -> Self {
        Self {
            document: openapi::document(),
        }
    }

    /// Asserts that `body` matches the schema documented for `status` of `method template`.
    fn check(&self, method: &str, template: &str, status: StatusCode, body: &Value) {
        let operation = &self.document["paths"][template][method];
        assert!(operation.is_object(), "{method} {template} is not documented");
        let response = &operation["responses"][status.as_str()];
        assert!(
            response.is_object(),
            "{method} {template} documents no {status} response; body: {body}"
        );
        let schema = &response["content"]["application/json"]["schema"];
        let root = json!({"allOf": [schema], "components": self.document["components"]});
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|error| panic!("the schema of {method} {template} {status} is invalid: {error}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|error| format!("{}: {error}", error.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {template} {status}: the body does not match the schema: {errors:#?}\nbody: {body}"
        );
    }

    /// Returns the lower-case names of the headers documented for `status` of
    /// `method template`.
    fn documented_headers(&self, method: &str, template: &str, status: StatusCode) -> Vec<String> {
        let response = &self.document["paths"][template][method]["responses"][status.as_str()];
        let Some(headers) = response["headers"].as_object() else {
            return Vec::new();
        };
        headers.keys().map(|name| name.to_ascii_lowercase()).collect()
    }

    /// Asserts that the document describes `expected` for the response's status, and that
    /// the response carries every header the document describes for it.
    fn check_headers(&self, method: &str, template: &str, response: &reqwest::Response, expected: &[&str]) {
        let status = response.status();
        let documented = self.documented_headers(method, template, status);
        for name in expected {
            assert!(
                documented.iter().any(|documented| documented == name),
                "{method} {template} {status} does not document {name}: {documented:?}"
            );
        }
        for name in &documented {
            assert!(
                response.headers().contains_key(name.as_str()),
                "{method} {template} {status} documents {name}, but the response lacks it: {:?}",
                response.headers()
            );
        }
    }
}

fn dealer_path(template: &str, dealer: &str) -> String {
    template.replace("{dealerUUID}", dealer)
}

fn department_path(template: &str, department: &str, user: &str) -> String {
    template
        .replace("{departmentUUID}", department)
        .replace("{userUUID}", user)
}

async fn send(app: &TestApp, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    app.send_as(USERNAME, PASSWORD, method, path, body).await
}

#[tokio::test]
async fn update_responses_conform() {
    let app = TestApp::spawn().await;
    let conformance = Conformance::new();
    app.add_follow_ups(FIXTURE.dept_a1, &["fu-1", "fu-2", "fu-3"])
        .await;
    app.add_follow_ups_in_state(FIXTURE.dept_a1, &["fu-archived"], crate::common::archived_state())
        .await;

    let (status, answer) = app
        .update(
            FIXTURE.dept_a1,
            &assign_body(&["fu-1", "fu-1", "missing", "fu-archived"], FIXTURE.assignee),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer["warnings"].is_array(),
        "the request produces warnings: {answer}"
    );
    conformance.check("put", UPDATE, status, &answer);

    let path = format!(
        "{}?allOrNone=true",
        department_path(UPDATE, FIXTURE.dept_a1, FIXTURE.user)
    );
    let (status, answer) = send(
        &app,
        Method::PUT,
        &path,
        Some(&body(&["fu-2", "missing"], "ARCHIVE")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    conformance.check("put", UPDATE, status, &answer);

    let (status, answer) = app
        .update(FIXTURE.dept_a1, &json!({"followUpActionType": "ARCHIVE"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    conformance.check("put", UPDATE, status, &answer);

    let path = department_path(UPDATE, FIXTURE.dept_a1, "nobody");
    let (status, answer) = send(&app, Method::PUT, &path, Some(&body(&["fu-3"], "ARCHIVE"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    conformance.check("put", UPDATE, status, &answer);

    let path = department_path(UPDATE, FIXTURE.dept_b1, FIXTURE.user);
    let (status, answer) = send(&app, Method::PUT, &path, Some(&body(&["fu-3"], "ARCHIVE"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    conformance.check("put", UPDATE, status, &answer);

    let url = format!(
        "{}{}",
        app.base_url,
        department_path(UPDATE, FIXTURE.dept_a1, FIXTURE.user)
    );
    let response = app
        .client
        .put(&url)
        .json(&body(&["fu-3"], "ARCHIVE"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    conformance.check("put", UPDATE, status, &answer);

    let response = app
        .client
        .put(&url)
        .basic_auth(USERNAME, Some(PASSWORD))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{answer}");
    conformance.check("put", UPDATE, status, &answer);
}

#[tokio::test]
async fn fetch_and_history_responses_conform() {
    let app = TestApp::spawn().await;
    let conformance = Conformance::new();
    app.add_follow_ups(FIXTURE.dept_a1, &["fu-1", "fu-2"]).await;
    app.add_follow_ups_in_state(FIXTURE.dept_a1, &["fu-done"], complete_state())
        .await;
    let (status, _) = app
        .update(FIXTURE.dept_a1, &assign_body(&["fu-1"], FIXTURE.assignee))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .update(FIXTURE.dept_a1, &body(&["fu-1"], "MARK_AS_DONE"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.update(FIXTURE.dept_a1, &body(&["fu-2"], "ARCHIVE")).await;
    assert_eq!(status, StatusCode::OK);

    let page =
        json!({"entriesLimitToBeFetched": 2, "filterData": {"includeArchived": true, "colour": "red"}});
    let (status, answer) = app.fetch(FIXTURE.dealer_a, &page).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer["nextPageToken"].is_string(),
        "a second page follows: {answer}"
    );
    conformance.check("post", FETCH, status, &answer);
    let next = json!({"entriesLimitToBeFetched": 2, "filterData": {"includeArchived": true, "colour": "red"}, "pageToken": answer["nextPageToken"]});
    let (status, answer) = app.fetch(FIXTURE.dealer_a, &next).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    conformance.check("post", FETCH, status, &answer);

    let (status, answer) = app
        .fetch(FIXTURE.dealer_a, &json!({"entriesToBeSkipped": -1}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    conformance.check("post", FETCH, status, &answer);
    let (status, answer) = app
        .fetch_as(OTHER_USERNAME, OTHER_PASSWORD, FIXTURE.dealer_a, &json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    conformance.check("post", FETCH, status, &answer);

    let history = HISTORY.replace("{departmentUUID}", FIXTURE.dept_a1);
    let (status, answer) = send(
        &app,
        Method::GET,
        &history.replace("{followUpUUID}", "fu-1"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["historyList"].as_array().map(Vec::len),
        Some(2),
        "{answer}"
    );
    conformance.check("get", HISTORY, status, &answer);
    let path = format!("{}?limit=500", history.replace("{followUpUUID}", "fu-1"));
    let (status, answer) = send(&app, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    conformance.check("get", HISTORY, status, &answer);
    let (status, answer) = send(
        &app,
        Method::GET,
        &history.replace("{followUpUUID}", "missing"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    conformance.check("get", HISTORY, status, &answer);
}

#[tokio::test]
async fn create_responses_conform() {
    let app = TestApp::spawn().await;
    let conformance = Conformance::new();
    let path = department_path(CREATE, FIXTURE.dept_a1, FIXTURE.user);
    let request = json!({"followUps": [{
        "uuid": "created-1",
        "customerUUID": "customer-1",
        "title": "Call about declined brake work",
        "dueDate": "2026-04-30",
        "assignee": {"uuid": FIXTURE.assignee, "fname": "Jane", "lname": "Smith"}
    }]});
    let (status, answer) = send(&app, Method::POST, &path, Some(&request)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    conformance.check("post", CREATE, status, &answer);
    let (status, answer) = send(&app, Method::POST, &path, Some(&request)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["outcome"], "ALREADY_EXISTS");
    conformance.check("post", CREATE, status, &answer);

    let mut conflicting = request.clone();
    conflicting["followUps"][0]["title"] = json!("Another title");
    let (status, answer) = send(&app, Method::POST, &path, Some(&conflicting)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    conformance.check("post", CREATE, status, &answer);

    let (status, answer) = send(&app, Method::POST, &path, Some(&json!({"followUps": []}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    conformance.check("post", CREATE, status, &answer);
}

#[tokio::test]
async fn task_type_and_template_responses_conform() {
    let app = TestApp::spawn().await;
    let conformance = Conformance::new();
    let task_type = json!({"uuid": "declined", "name": "Declined service"});
    let path = dealer_path(TASK_TYPE, FIXTURE.dealer_a);
    let (status, answer) = send(&app, Method::POST, &path, Some(&task_type)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    conformance.check("post", TASK_TYPE, status, &answer);
    let (status, answer) = send(&app, Method::POST, &path, Some(&task_type)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    conformance.check("post", TASK_TYPE, status, &answer);
    let (status, answer) = send(
        &app,
        Method::GET,
        &dealer_path(TASK_TYPES, FIXTURE.dealer_a),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    conformance.check("get", TASK_TYPES, status, &answer);

    let path = dealer_path(TEMPLATE, FIXTURE.dealer_a);
    let mut template = json!({
        "uuid": "template-1",
        "taskTypeUUID": "declined",
        "type": "EMAIL",
        "isDefault": true,
        "title": "Declined service",
        "message": "Dear ${customerName}",
        "locale": "en-us"
    });
    let (status, answer) = send(&app, Method::POST, &path, Some(&template)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    conformance.check("post", TEMPLATE, status, &answer);
    template["uuid"] = json!("template-2");
    let (status, answer) = send(&app, Method::POST, &path, Some(&template)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer["warnings"].is_array(),
        "the old default is replaced: {answer}"
    );
    conformance.check("post", TEMPLATE, status, &answer);
    let (status, answer) = send(&app, Method::POST, &path, Some(&template)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    conformance.check("post", TEMPLATE, status, &answer);

    let list = dealer_path(TEMPLATES, FIXTURE.dealer_a);
    let (status, answer) = send(&app, Method::GET, &list.replace("{templateType}", "EMAIL"), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    conformance.check("get", TEMPLATES, status, &answer);
    let (status, answer) = send(&app, Method::GET, &list.replace("{templateType}", "email"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    conformance.check("get", TEMPLATES, status, &answer);
}

#[tokio::test]
async fn probe_responses_conform() {
    let app = TestApp::spawn().await;
    let conformance = Conformance::new();
    for path in ["/healthz", "/readyz"] {
        let response = app
            .client
            .get(format!("{}{path}", app.base_url))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        conformance.check("get", path, status, &answer);
    }
}

const REQUEST_ID: &str = "x-request-id";
const RATE_LIMIT: [&str; 3] = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"];

/// Sends the task type list up to 5 times until the rate limit rejects a request.
async fn send_until_rate_limited(app: &TestApp, url: &str) -> reqwest::Response {
    for _ in 0..5 {
        let response = app
            .client
            .get(url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            return response;
        }
    }
    panic!("5 requests at a rate limit of 1 per second got no 429");
}

#[tokio::test]
async fn documented_headers_are_sent() {
    let app = TestApp::spawn_with(TestConfig {
        rate_limit_per_second: 1,
        rate_limit_burst: 1,
        ..TestConfig::default()
    })
    .await;
    let conformance = Conformance::new();
    let url = format!("{}{}", app.base_url, dealer_path(TASK_TYPES, FIXTURE.dealer_a));

    let allowed = app
        .client
        .get(&url)
        .basic_auth(USERNAME, Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    let expected = [REQUEST_ID, RATE_LIMIT[0], RATE_LIMIT[1], RATE_LIMIT[2]];
    conformance.check_headers("get", TASK_TYPES, &allowed, &expected);

    let limited = send_until_rate_limited(&app, &url).await;
    let expected = [
        REQUEST_ID,
        RATE_LIMIT[0],
        RATE_LIMIT[1],
        RATE_LIMIT[2],
        "retry-after",
    ];
    conformance.check_headers("get", TASK_TYPES, &limited, &expected);
    let answer: Value = limited.json().await.unwrap();
    assert_eq!(answer["error"]["code"], "RATE_LIMITED", "{answer}");
    conformance.check("get", TASK_TYPES, StatusCode::TOO_MANY_REQUESTS, &answer);

    let probe = app
        .client
        .get(format!("{}/healthz", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(probe.status(), StatusCode::OK);
    conformance.check_headers("get", "/healthz", &probe, &[REQUEST_ID]);
}
