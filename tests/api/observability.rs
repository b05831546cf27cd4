//! `GET /metrics` and the request log.

use std::time::Duration;

use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;
use crate::server_process::ServerProcess;

const UPDATE_ROUTE: &str = "/leads/followup/department/{departmentUUID}/user/{userUUID}/list";

/// Sums the samples of `name` whose labels include every `key="value"` pair of `labels`.
fn metric_value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} ")))
        .filter(|line| {
            labels
                .iter()
                .all(|(key, value)| line.contains(&format!("{key}=\"{value}\"")))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn scrape(app: &TestApp) -> String {
    let response = app
        .client
        .get(format!("{}/metrics", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_outcomes_and_failures() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["m-1", "m-2"]).await;
    let before = scrape(&app).await;

    let (status, _) = app
        .update(
            FIXTURE.dept_a1,
            &body(&["m-1", "m-2", "m-missing"], "MARK_AS_DONE"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .update_as(USERNAME, "wrong", FIXTURE.dept_a1, "", &body(&["m-1"], "ARCHIVE"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let after = scrape(&app).await;

    let delta = |name: &str, labels: &[(&str, &str)]| {
        metric_value(&after, name, labels) - metric_value(&before, name, labels)
    };
    let ok = [("method", "PUT"), ("route", UPDATE_ROUTE), ("status", "200")];
    assert!(delta("followups_http_requests_total", &ok) >= 1.0, "{after}");
    assert!(
        delta("followups_http_request_duration_seconds_count", &ok) >= 1.0,
        "{after}"
    );
    let updated = [("action", "MARK_AS_DONE"), ("outcome", "UPDATED")];
    assert!(
        delta("followups_follow_up_outcomes_total", &updated) >= 2.0,
        "{after}"
    );
    let not_found = [("action", "MARK_AS_DONE"), ("outcome", "NOT_FOUND")];
    assert!(
        delta("followups_follow_up_outcomes_total", &not_found) >= 1.0,
        "{after}"
    );
    let wrong = [("reason", "wrong_credentials")];
    assert!(delta("followups_auth_failures_total", &wrong) >= 1.0, "{after}");
    let writer = [("pool", "writer")];
    assert!(
        delta("followups_db_acquire_wait_seconds_count", &writer) >= 1.0,
        "{after}"
    );
    assert!(
        after.contains("followups_http_request_duration_seconds_bucket{"),
        "{after}"
    );
}

#[tokio::test]
async fn metrics_report_database_pools() {
    let app = TestApp::spawn().await;

    let text = scrape(&app).await;

    // SQLite reports its writer, admin and reader connections; PostgreSQL its one pool.
    let pool = match app.database_url.starts_with("sqlite:") {
        true => "readers",
        false => "primary",
    };
    let max = metric_value(&text, "followups_db_pool_max_connections", &[("pool", pool)]);
    assert!(max >= 1.0, "{text}");
    assert!(
        text.contains("followups_db_pool_connections{") && text.contains("state=\"idle\""),
        "{text}"
    );
}

#[tokio::test]
async fn unmatched_paths_share_one_route_label() {
    let app = TestApp::spawn().await;
    let probe = app.client.get(format!("{}/no-such-path-4711", app.base_url));
    assert_eq!(probe.send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let text = scrape(&app).await;

    assert!(!text.contains("no-such-path-4711"), "{text}");
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert!(
        metric_value(&text, "followups_http_requests_total", &unmatched) >= 1.0,
        "{text}"
    );
}

/// Parses the JSON log lines and returns those with the given message.
fn logs_with_message(lines: &[String], message: &str) -> Vec<Value> {
    lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|log| log["fields"]["message"] == message)
        .collect()
}

#[tokio::test]
async fn request_log_has_fields_and_no_credentials() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["log-1", "log-2"]).await;
    let mut server = ServerProcess::start(&app.database_url, "trace", &[]).await;
    let http = reqwest::Client::new();
    let url = format!(
        "{}/leads/followup/department/{}/user/{}/list",
        server.base_url, FIXTURE.dept_a1, FIXTURE.user
    );

    for password in [PASSWORD, "a-wrong-password"] {
        let response = http
            .put(&url)
            .basic_auth(USERNAME, Some(password))
            .header("x-request-id", format!("log-test-{}", password.len()))
            .json(&body(&["log-1", "log-2"], "ARCHIVE"))
            .send()
            .await
            .unwrap();
        assert!(response.status() == StatusCode::OK || password != PASSWORD);
    }
    server.terminate();
    assert!(server.wait(Duration::from_secs(10)).await.success());

    let lines = server.lines();
    let requests = logs_with_message(&lines, "request completed");
    let ok = requests
        .iter()
        .find(|log| log["fields"]["http.status_code"] == 200)
        .unwrap_or_else(|| panic!("no request line for the 200: {lines:#?}"));
    let fields = &ok["fields"];
    assert_eq!(fields["http.method"], "PUT");
    assert_eq!(fields["http.route"], UPDATE_ROUTE);
    assert_eq!(fields["request.id"], format!("log-test-{}", PASSWORD.len()));
    assert_eq!(fields["subscriber.username"], USERNAME);
    assert_eq!(fields["department.uuid"], FIXTURE.dept_a1);
    assert_eq!(fields["follow_up.count"], 2);
    assert!(fields["duration_ms"].as_f64().is_some(), "{ok}");
    assert!(
        requests
            .iter()
            .any(|log| log["fields"]["http.status_code"] == 401),
        "the failed request is logged too: {lines:#?}"
    );

    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}"));
    for line in &lines {
        assert!(!line.contains(PASSWORD), "the password leaked: {line}");
        assert!(
            !line.contains("a-wrong-password"),
            "a wrong password leaked: {line}"
        );
        assert!(!line.contains(&encoded), "the Authorization value leaked: {line}");
    }
}
