//! Every class of bad input gets a 4xx envelope and changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

const IDS: [&str; 2] = ["f1", "f2"];

struct Case {
    name: &'static str,
    body: Vec<u8>,
    content_type: Option<&'static str>,
    expected: StatusCode,
    code: &'static str,
}

fn case(name: &'static str, body: Value, code: &'static str) -> Case {
    Case {
        name,
        body: body.to_string().into_bytes(),
        content_type: Some("application/json"),
        expected: StatusCode::BAD_REQUEST,
        code,
    }
}

fn raw(
    name: &'static str,
    body: impl AsRef<[u8]>,
    content_type: Option<&'static str>,
    expected: StatusCode,
    code: &'static str,
) -> Case {
    Case {
        name,
        body: body.as_ref().to_vec(),
        content_type,
        expected,
        code,
    }
}

fn without(field: &str) -> Value {
    let mut value = assign_body(&IDS, "agent-7");
    value.as_object_mut().unwrap().remove(field);
    value
}

fn with(pointer: &str, replacement: Value) -> Value {
    let mut value = assign_body(&IDS, "agent-7");
    *value.pointer_mut(pointer).unwrap() = replacement;
    value
}

fn cases() -> Vec<Case> {
    let too_many: Vec<String> = (0..6).map(|i| format!("id-{i}")).collect();
    vec![
        raw(
            "malformed json",
            "{\"followUpUUIDs\": [",
            Some("application/json"),
            StatusCode::BAD_REQUEST,
            "MALFORMED_JSON",
        ),
        raw(
            "not json at all",
            "hello",
            Some("application/json"),
            StatusCode::BAD_REQUEST,
            "MALFORMED_JSON",
        ),
        raw(
            "empty body",
            "",
            Some("application/json"),
            StatusCode::BAD_REQUEST,
            "MALFORMED_JSON",
        ),
        raw(
            "invalid utf-8",
            b"{\"followUpUUIDs\": [\"\xff\xfe\"]}",
            Some("application/json"),
            StatusCode::BAD_REQUEST,
            "MALFORMED_JSON",
        ),
        raw(
            "wrong content type",
            body(&IDS, "ARCHIVE").to_string(),
            Some("text/plain"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        raw(
            "missing content type",
            body(&IDS, "ARCHIVE").to_string(),
            None,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        raw(
            "json array body",
            "[]",
            Some("application/json"),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
        ),
        case(
            "unknown action",
            with("/followUpActionType", json!("DELETE")),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "lower-case action",
            with("/followUpActionType", json!("archive")),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "numeric action",
            with("/followUpActionType", json!(3)),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "missing action",
            without("followUpActionType"),
            "INVALID_REQUEST_DATA",
        ),
        case("missing ids", without("followUpUUIDs"), "INVALID_REQUEST_DATA"),
        case(
            "null ids",
            with("/followUpUUIDs", Value::Null),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "ids not an array",
            with("/followUpUUIDs", json!("f1")),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "empty ids",
            with("/followUpUUIDs", json!([])),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "numeric id",
            with("/followUpUUIDs", json!(["f1", 2])),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "null id",
            with("/followUpUUIDs", json!(["f1", null])),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "empty id",
            with("/followUpUUIDs", json!(["f1", ""])),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "id with space",
            with("/followUpUUIDs", json!(["f1", "f 2"])),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "id with NUL",
            with("/followUpUUIDs", json!(["f1\u{0}"])),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "id too long",
            with("/followUpUUIDs", json!(["a".repeat(129)])),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "too many ids",
            with("/followUpUUIDs", json!(too_many)),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "missing actionTakenBy",
            without("actionTakenBy"),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "actionTakenBy not an object",
            with("/actionTakenBy", json!("john")),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "actionTakenBy without uuid",
            with("/actionTakenBy", json!({"fname": "John"})),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "actor name too long",
            with("/actionTakenBy/fname", json!("x".repeat(101))),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "actor name with newline",
            with("/actionTakenBy/lname", json!("Do\ne")),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "missing newAssignee",
            without("newAssignee"),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "null newAssignee",
            with("/newAssignee", Value::Null),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "empty newAssignee uuid",
            with("/newAssignee/uuid", json!("")),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "newAssignee uuid number",
            with("/newAssignee/uuid", json!(7)),
            "INVALID_REQUEST_DATA",
        ),
        case(
            "newAssignee name too long",
            with("/newAssignee/lname", json!("y".repeat(101))),
            "INVALID_REQUEST_DATA",
        ),
        raw(
            "body too large",
            format!("{{\"pad\": \"{}\"}}", "x".repeat(1024 * 1024)),
            Some("application/json"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
    ]
}

#[tokio::test]
async fn bad_bodies_get_an_envelope_and_change_nothing() {
    let app = TestApp::spawn_with(TestConfig {
        max_ids_per_request: 5,
        ..Default::default()
    })
    .await;
    app.add_follow_ups(FIXTURE.dept_a1, &IDS).await;
    let before = app.snapshot(FIXTURE.dept_a1, &IDS).await;

    for case in cases() {
        let mut request = app
            .client
            .put(app.update_url(FIXTURE.dept_a1, FIXTURE.user))
            .basic_auth(USERNAME, Some(PASSWORD))
            .body(case.body.clone());
        if let Some(content_type) = case.content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{}: not JSON: {text}", case.name));
        assert_eq!(status, case.expected, "{}: {body}", case.name);
        assert_error_envelope(status, &body, case.expected, case.code);
        assert_eq!(body["updateSuccessful"], false, "{}", case.name);
    }

    assert_eq!(app.snapshot(FIXTURE.dept_a1, &IDS).await, before);
}

#[tokio::test]
async fn errors_name_the_field_and_value() {
    let app = TestApp::spawn().await;
    let (status, response) = app
        .update(FIXTURE.dept_a1, &with("/followUpActionType", json!("DELETE")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let description = response["error"]["description"].as_str().unwrap();
    assert!(description.contains("followUpActionType"), "{description}");
    assert!(description.contains("DELETE"), "{description}");
    assert!(
        description.contains("MARK_AS_DONE"),
        "names the allowed values: {description}"
    );
    assert_eq!(response["error"]["metadata"]["field"], "followUpActionType");

    let (_, response) = app
        .update(FIXTURE.dept_a1, &with("/followUpUUIDs", json!(["ok", "b a d"])))
        .await;
    assert_eq!(response["error"]["metadata"]["field"], "followUpUUIDs[1]");
    assert_eq!(response["error"]["metadata"]["value"], "b a d");

    let (_, response) = app
        .update(FIXTURE.dept_a1, &with("/followUpUUIDs", json!(["f1", 2])))
        .await;
    let description = response["error"]["description"].as_str().unwrap();
    assert!(
        description.contains("followUpUUIDs[1]"),
        "names the path of a wrongly typed field: {description}"
    );
    assert_eq!(response["error"]["metadata"]["field"], "followUpUUIDs[1]");
}

#[tokio::test]
async fn wrong_methods_routes_and_parameters_get_an_envelope() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &IDS).await;
    let before = app.snapshot(FIXTURE.dept_a1, &IDS).await;
    let update_url = app.update_url(FIXTURE.dept_a1, FIXTURE.user);
    let cases = [
        (
            Method::GET,
            update_url.clone(),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            Method::POST,
            update_url.clone(),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            Method::DELETE,
            update_url.clone(),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            Method::PATCH,
            update_url.clone(),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            Method::PUT,
            format!("{}/leads/followup/nothing", app.base_url),
            StatusCode::NOT_FOUND,
            "ROUTE_NOT_FOUND",
        ),
        (
            Method::PUT,
            format!("{update_url}/extra"),
            StatusCode::NOT_FOUND,
            "ROUTE_NOT_FOUND",
        ),
        (
            Method::PUT,
            format!("{update_url}?allOrNone=yes"),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
        ),
        (
            Method::PUT,
            format!("{update_url}?allOrNone=true&allOrNone=false"),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
        ),
        (
            Method::PUT,
            format!("{update_url}?allornone=true"),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
        ),
        (
            Method::PUT,
            app.update_url("bad%20department", FIXTURE.user),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
        ),
        (
            Method::PUT,
            app.update_url(FIXTURE.dept_a1, "bad%00user"),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
        ),
        (
            Method::PUT,
            app.update_url(FIXTURE.dept_a1, &"u".repeat(129)),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
        ),
    ];

    for (method, url, expected, code) in cases {
        let response = app
            .client
            .request(method.clone(), &url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .json(&body(&IDS, "ARCHIVE"))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        assert_error_envelope(status, &body, expected, code);
    }

    assert_eq!(app.snapshot(FIXTURE.dept_a1, &IDS).await, before);
}

/// Sends a raw body to the bulk update; returns the error description and metadata.
async fn raw_update(app: &TestApp, query: &str, body: &str) -> (String, Value) {
    let url = format!("{}{query}", app.update_url(FIXTURE.dept_a1, FIXTURE.user));
    let response = app
        .client
        .put(url)
        .basic_auth(USERNAME, Some(PASSWORD))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.unwrap();
    let description = error["error"]["description"].as_str().unwrap().to_owned();
    (description, error["error"]["metadata"].clone())
}

#[tokio::test]
async fn errors_use_json_terms() {
    let app = TestApp::spawn().await;
    let valid = body(&IDS, "ARCHIVE").to_string();

    let (description, _) = raw_update(&app, "", "[1]").await;
    assert!(description.contains("invalid type: array"), "{description}");

    let mut wrong_type = body(&IDS, "ARCHIVE");
    wrong_type["followUpUUIDs"] = json!("x");
    let (description, metadata) = raw_update(&app, "", &wrong_type.to_string()).await;
    assert!(description.contains("expected an array"), "{description}");
    assert_eq!(metadata["field"], "followUpUUIDs", "{description}");

    let trailing_comma = format!("{},}}", &valid[..valid.len() - 1]);
    let (description, _) = raw_update(&app, "", &trailing_comma).await;
    assert!(!description.contains("Failed to parse"), "{description}");

    let (description, _) = raw_update(&app, "", &format!("{valid} {{}}")).await;
    assert!(!description.contains("Failed to parse"), "{description}");

    let (description, metadata) = raw_update(&app, "?allornone=true", &valid).await;
    assert!(!description.contains("Failed to deserialize"), "{description}");
    assert_eq!(metadata["field"], "allornone", "{description}");

    let repeated = "?allOrNone=true&allOrNone=false";
    let (description, metadata) = raw_update(&app, repeated, &valid).await;
    assert_eq!(metadata["field"], "allOrNone", "{description}");
}
