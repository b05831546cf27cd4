//! Throttling of failed logins and the bound on concurrent password checks.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use followups::auth::ThrottleOptions;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::task::JoinSet;

use crate::common::*;

/// A client whose connections come from `127.0.0.{last}`.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .build()
        .unwrap()
}

async fn login(app: &TestApp, client: &reqwest::Client, password: &str) -> (StatusCode, Value) {
    let response = client
        .put(app.update_url(FIXTURE.dept_a1, FIXTURE.user))
        .basic_auth(USERNAME, Some(password))
        .json(&body(&["throttle-1"], "ARCHIVE"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry_after >= 1);
    }
    (status, response.json().await.unwrap())
}

fn throttled_config(burst: u32, interval: Duration) -> TestConfig {
    TestConfig {
        throttle: ThrottleOptions {
            burst,
            interval,
            ..ThrottleOptions::default()
        },
        ..TestConfig::default()
    }
}

#[tokio::test]
async fn guessing_one_account_is_throttled() {
    let app = TestApp::spawn_with(throttled_config(3, Duration::from_secs(600))).await;
    let attacker = client_from(2);

    for _ in 0..4 {
        let (status, _) = login(&app, &attacker, "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let checks = app.auth.password_verifications();
    let (status, body) = login(&app, &attacker, "guess").await;
    assert_error_envelope(
        status,
        &body,
        StatusCode::TOO_MANY_REQUESTS,
        "TOO_MANY_FAILED_LOGINS",
    );
    let (status, _) = login(&app, &attacker, PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_eq!(
        app.auth.password_verifications(),
        checks,
        "no Argon2 while throttled"
    );

    let owner = client_from(3);
    let (status, body) = login(&app, &owner, PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the owner logs in from a clean address: {body}"
    );

    let second_attacker = client_from(4);
    let (status, _) = login(&app, &second_attacker, "guess").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a new address gets one try");
    let (status, body) = login(&app, &second_attacker, "guess").await;
    assert_error_envelope(
        status,
        &body,
        StatusCode::TOO_MANY_REQUESTS,
        "TOO_MANY_FAILED_LOGINS",
    );
    let description = body["error"]["description"].as_str().unwrap();
    assert!(description.contains("username"), "{description}");
}

#[tokio::test]
async fn throttle_decays_and_ignores_successes() {
    // One failure is forgiven per second: long enough that the failures below, each with a
    // password check, happen faster than that on a loaded machine.
    let app = TestApp::spawn_with(throttled_config(2, Duration::from_secs(1))).await;
    let client = client_from(5);

    for _ in 0..3 {
        login(&app, &client, "guess").await;
    }
    let (status, _) = login(&app, &client, "guess").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    tokio::time::sleep(Duration::from_millis(2500)).await;
    for _ in 0..10 {
        let (status, body) = login(&app, &client, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "successes do not count: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_logins_check_password_once() {
    let app = Arc::new(
        TestApp::spawn_with(TestConfig {
            max_concurrent_verifications: 1,
            ..TestConfig::default()
        })
        .await,
    );
    let before = app.auth.password_verifications();

    let mut requests = JoinSet::new();
    for _ in 0..8 {
        let app = app.clone();
        requests.spawn(async move { login(&app, &app.client, PASSWORD).await });
    }
    while let Some(result) = requests.join_next().await {
        let (status, body) = result.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    assert_eq!(app.auth.password_verifications(), before + 1);
}
