//! Authentication (401) and authorization (403) of service subscribers.

use std::time::{Duration, Instant};

use followups::storage::GrantScope;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

async fn send_with_header(app: &TestApp, header: Option<&str>) -> (StatusCode, Value, Option<String>) {
    let mut request = app
        .client
        .put(app.update_url(FIXTURE.dept_a1, FIXTURE.user))
        .json(&body(&["f1"], "ARCHIVE"));
    if let Some(header) = header {
        request = request.header("authorization", header);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, response.json().await.unwrap(), challenge)
}

#[tokio::test]
async fn bad_credentials_get_401_with_challenge() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;
    let before = app.snapshot(FIXTURE.dept_a1, &["f1"]).await;
    let encode = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    let cases = [
        (None, "CREDENTIALS_ARE_NULL"),
        (
            Some(format!("Basic {}", encode("integrator:wrong-password"))),
            "WRONG_CREDENTIAL",
        ),
        (
            Some(format!("Basic {}", encode("nobody:integrator-password"))),
            "WRONG_CREDENTIAL",
        ),
        (
            Some(format!("Basic {}", encode("INTEGRATOR:integrator-password"))),
            "WRONG_CREDENTIAL",
        ),
        (
            Some(format!("Basic {}", encode("integrator:INTEGRATOR-PASSWORD"))),
            "WRONG_CREDENTIAL",
        ),
        (Some("Basic not-base64!".to_owned()), "WRONG_CREDENTIAL"),
        (Some(format!("Basic {}", encode("no-colon"))), "WRONG_CREDENTIAL"),
        (Some("Bearer abc".to_owned()), "WRONG_CREDENTIAL"),
        (Some(String::new()), "WRONG_CREDENTIAL"),
    ];

    for (header, code) in cases {
        let (status, response, challenge) = send_with_header(&app, header.as_deref()).await;
        assert_error_envelope(status, &response, StatusCode::UNAUTHORIZED, code);
        assert_eq!(response["updateSuccessful"], false);
        assert_eq!(
            challenge.as_deref(),
            Some("Basic realm=\"followups\""),
            "header {header:?}"
        );
    }
    assert_eq!(app.snapshot(FIXTURE.dept_a1, &["f1"]).await, before);
}

#[tokio::test]
async fn duplicated_authorization_headers_are_rejected() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .put(app.update_url(FIXTURE.dept_a1, FIXTURE.user))
        .basic_auth(USERNAME, Some(PASSWORD))
        .header("authorization", "Basic aW50ZWdyYXRvcjppbnRlZ3JhdG9yLXBhc3N3b3Jk")
        .json(&body(&["f1"], "ARCHIVE"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let response: Value = response.json().await.unwrap();
    assert_error_envelope(status, &response, StatusCode::UNAUTHORIZED, "WRONG_CREDENTIAL");
}

#[tokio::test]
async fn departments_without_grant_get_403() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_b1, &["b-follow-up"]).await;
    app.add_follow_ups(FIXTURE.dept_a1, &["a1-follow-up"]).await;
    let before = app.snapshot(FIXTURE.dept_b1, &["b-follow-up"]).await;

    let (status, foreign) = app
        .update(FIXTURE.dept_b1, &body(&["b-follow-up"], "ARCHIVE"))
        .await;
    assert_error_envelope(status, &foreign, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    assert_eq!(foreign["updateSuccessful"], false);

    let (status, missing) = app
        .update("no-such-department", &body(&["b-follow-up"], "ARCHIVE"))
        .await;
    assert_error_envelope(status, &missing, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    let normalize = |v: &Value| {
        v.to_string()
            .replace(FIXTURE.dept_b1, "D")
            .replace("no-such-department", "D")
    };
    assert_eq!(
        normalize(&foreign),
        normalize(&missing),
        "a foreign department looks like a missing one"
    );

    let (status, narrow) = app
        .update_as(
            NARROW_USERNAME,
            NARROW_PASSWORD,
            FIXTURE.dept_a1,
            "",
            &body(&["a1-follow-up"], "ARCHIVE"),
        )
        .await;
    assert_error_envelope(status, &narrow, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    assert_eq!(app.snapshot(FIXTURE.dept_b1, &["b-follow-up"]).await, before);
    assert!(
        !app.follow_up(FIXTURE.dept_a1, "a1-follow-up")
            .await
            .state
            .archived
    );
}

#[tokio::test]
async fn department_grant_covers_only_that_department() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a2, &["a2-follow-up"]).await;

    let (status, response) = app
        .update_as(
            NARROW_USERNAME,
            NARROW_PASSWORD,
            FIXTURE.dept_a2,
            "",
            &body(&["a2-follow-up"], "ARCHIVE"),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{response}");
    assert!(
        app.follow_up(FIXTURE.dept_a2, "a2-follow-up")
            .await
            .state
            .archived
    );
}

/// Polls until a request gets `expected`, failing after five seconds.
async fn wait_for_status(app: &TestApp, expected: StatusCode) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, response) = app.update(FIXTURE.dept_a1, &body(&["f1"], "UNASSIGN")).await;
        if status == expected {
            return;
        }
        assert!(Instant::now() < deadline, "still {status} after 5 s: {response}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn revoked_grant_takes_effect_without_restart() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;
    let (status, _) = app.update(FIXTURE.dept_a1, &body(&["f1"], "UNASSIGN")).await;
    assert_eq!(status, StatusCode::OK, "the credentials are now cached");

    let dealer = GrantScope::Dealer(id(FIXTURE.dealer_a));
    app.store.set_grant(USERNAME, &dealer, false).await.unwrap();
    wait_for_status(&app, StatusCode::FORBIDDEN).await;

    app.store
        .set_grant(USERNAME, &GrantScope::Department(id(FIXTURE.dept_a1)), true)
        .await
        .unwrap();
    wait_for_status(&app, StatusCode::OK).await;
}

#[tokio::test]
async fn changed_password_takes_effect_without_restart() {
    let app = TestApp::spawn().await;
    app.add_follow_ups(FIXTURE.dept_a1, &["f1"]).await;
    let (status, _) = app.update(FIXTURE.dept_a1, &body(&["f1"], "UNASSIGN")).await;
    assert_eq!(status, StatusCode::OK);

    let hash = followups::auth::password::hash_password("a-new-password");
    app.database.set_password_hash(USERNAME, &hash).await;

    wait_for_status(&app, StatusCode::UNAUTHORIZED).await;
}

async fn reject_time(app: &TestApp, username: &str) -> Duration {
    let started = Instant::now();
    let (status, _) = app
        .update_as(
            username,
            "wrong-password",
            FIXTURE.dept_a1,
            "",
            &body(&["f1"], "ARCHIVE"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    started.elapsed()
}

#[tokio::test]
async fn unknown_username_costs_a_password_check() {
    let app = TestApp::spawn().await;
    let before = app.auth.password_verifications();
    reject_time(&app, "no-such-subscriber").await;
    assert_eq!(
        app.auth.password_verifications(),
        before + 1,
        "an unknown user runs Argon2 too"
    );

    // Alternate the two kinds, so that load from other tests slows both alike.
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for _ in 0..9 {
        unknown.push(reject_time(&app, "no-such-subscriber").await);
        wrong.push(reject_time(&app, USERNAME).await);
    }
    unknown.sort();
    wrong.sort();
    // Skipping the hash for an unknown user would make it a hundred times faster.
    let ratio = unknown[4].as_secs_f64() / wrong[4].as_secs_f64();
    assert!(
        ratio > 0.25 && ratio < 4.0,
        "unknown {:?} vs wrong password {:?}",
        unknown[4],
        wrong[4]
    );
}

#[tokio::test]
async fn credentials_without_scheme_are_not_echoed() {
    let app = TestApp::spawn().await;
    let encoded = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}"))
    };

    let (status, response, _) = send_with_header(&app, Some(&encoded)).await;

    assert_error_envelope(status, &response, StatusCode::UNAUTHORIZED, "WRONG_CREDENTIAL");
    let text = response.to_string();
    assert!(
        !text.contains(&encoded[..12]),
        "the answer repeats the credentials: {text}"
    );
}
