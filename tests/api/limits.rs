//! Overload protection and the per-subscriber rate limit.

use std::time::Duration;

use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::common::*;
use crate::raw_http::read_response;

/// Opens a connection and sends an authenticated update whose body never arrives, so the
/// request stays in progress until the connection closes or the server times it out.
async fn stalled_request(app: &TestApp) -> TcpStream {
    let address = app.base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}"));
    let head = format!(
        "PUT /leads/followup/department/{}/user/{}/list HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Basic {credentials}\r\nContent-Type: application/json\r\n\
         Content-Length: 1000\r\n\r\n{{",
        FIXTURE.dept_a1, FIXTURE.user
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// Sends `GET /openapi.json`, a route behind overload protection that needs no database.
async fn get_document(app: &TestApp) -> reqwest::Response {
    app.client
        .get(format!("{}/openapi.json", app.base_url))
        .send()
        .await
        .unwrap()
}

/// Requests `/openapi.json` up to 100 times, 20 ms apart, until it returns `expected`.
async fn poll_document(app: &TestApp, expected: StatusCode) -> Option<reqwest::Response> {
    for _ in 0..100 {
        let response = get_document(app).await;
        if response.status() == expected {
            return Some(response);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn requests_past_concurrency_bound_get_503() {
    let app = TestApp::spawn_with(TestConfig {
        max_concurrent_requests: 1,
        ..TestConfig::default()
    })
    .await;
    let stalled = stalled_request(&app).await;

    let busy = poll_document(&app, StatusCode::SERVICE_UNAVAILABLE)
        .await
        .expect("a request beside the stalled one is rejected");
    assert_eq!(busy.headers()["retry-after"], "1");
    let status = busy.status();
    let body: Value = busy.json().await.unwrap();
    assert_error_envelope(status, &body, StatusCode::SERVICE_UNAVAILABLE, "SERVER_BUSY");

    drop(stalled);
    let recovered = poll_document(&app, StatusCode::OK).await;
    assert!(
        recovered.is_some(),
        "the permit is released when the stalled request ends"
    );
}

#[tokio::test]
async fn probes_answer_while_server_is_busy() {
    let app = TestApp::spawn_with(TestConfig {
        max_concurrent_requests: 1,
        ..TestConfig::default()
    })
    .await;
    let _stalled = stalled_request(&app).await;
    poll_document(&app, StatusCode::SERVICE_UNAVAILABLE)
        .await
        .expect("the stalled request takes the only permit");

    for probe in ["/healthz", "/readyz", "/metrics"] {
        let response = app
            .client
            .get(format!("{}{probe}", app.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{probe} while busy");
        assert!(
            response.headers().contains_key("x-request-id"),
            "{probe} carries a request id"
        );
    }

    let busy = get_document(&app).await;
    let status = busy.status();
    let answer: Value = busy.json().await.unwrap();
    assert_error_envelope(status, &answer, StatusCode::SERVICE_UNAVAILABLE, "SERVER_BUSY");
    let (status, answer) = app.update(FIXTURE.dept_a1, &body(&["busy-1"], "ARCHIVE")).await;
    assert_error_envelope(status, &answer, StatusCode::SERVICE_UNAVAILABLE, "SERVER_BUSY");
}

#[tokio::test]
async fn slow_request_times_out_with_503() {
    let app = TestApp::spawn_with(TestConfig {
        request_timeout: Duration::from_millis(300),
        ..TestConfig::default()
    })
    .await;

    let mut stalled = stalled_request(&app).await;
    let (status, body) = read_response(&mut stalled).await;

    assert_eq!(status, 503, "{body}");
    assert_eq!(body["statusCode"], 503);
    assert_eq!(body["error"]["code"], "REQUEST_TIMED_OUT");
    let description = body["error"]["description"].as_str().unwrap();
    assert!(description.contains("300 ms"), "{description}");
}

fn header(response: &reqwest::Response, name: &str) -> u64 {
    let value = response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} header"));
    value.to_str().unwrap().parse().unwrap()
}

async fn send_update(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    let (department, user) = match username {
        OTHER_USERNAME => (FIXTURE.dept_b1, FIXTURE.user_b),
        _ => (FIXTURE.dept_a1, FIXTURE.user),
    };
    app.client
        .put(app.update_url(department, user))
        .basic_auth(username, Some(password))
        .json(&body(&["rate-1"], "ARCHIVE"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn subscriber_over_rate_limit_gets_429() {
    let app = TestApp::spawn_with(TestConfig {
        rate_limit_per_second: 1,
        rate_limit_burst: 3,
        ..TestConfig::default()
    })
    .await;

    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = send_update(&app, USERNAME, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "ratelimit-limit"), 3);
        assert!(header(&response, "ratelimit-reset") >= 1);
        remaining.push(header(&response, "ratelimit-remaining"));
    }
    assert_eq!(remaining, [2, 1, 0]);

    let limited = send_update(&app, USERNAME, PASSWORD).await;
    assert_eq!(header(&limited, "ratelimit-remaining"), 0);
    assert_eq!(header(&limited, "ratelimit-limit"), 3);
    assert!(header(&limited, "retry-after") >= 1);
    let status = limited.status();
    let body: Value = limited.json().await.unwrap();
    assert_error_envelope(status, &body, StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED");
    assert_eq!(body["updateSuccessful"], false);

    let other = send_update(&app, OTHER_USERNAME, OTHER_PASSWORD).await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "each subscriber has its own budget"
    );
}
