//! Fetch: offset and token paging, page size limits, bad input and authorization.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{
    assert_error_envelope, assign_body, fetched_uuids as uuids, new_follow_up, TestApp, FIXTURE,
    NARROW_PASSWORD, NARROW_USERNAME, OTHER_PASSWORD, OTHER_USERNAME,
};

/// Inserts `count` follow-ups named `f000`, `f001`, ... due over ten days of March 2025.
async fn seed_many(app: &TestApp, count: usize) -> Vec<String> {
    let names: Vec<String> = (0..count).map(|i| format!("f{i:03}")).collect();
    let follow_ups = names
        .iter()
        .enumerate()
        .map(|(i, name)| new_follow_up(name, &format!("2025-03-{:02}", 10 + i % 10)))
        .collect();
    app.insert(FIXTURE.dept_a1, follow_ups).await;
    names
}

#[tokio::test]
async fn offset_paging_walks_in_order() {
    let app = TestApp::spawn().await;
    seed_many(&app, 25).await;
    let (_, all) = app.fetch(FIXTURE.dealer_a, &json!({})).await;
    let all = uuids(&all);
    assert_eq!(all.len(), 25);

    let mut walked = Vec::new();
    for skip in (0..25).step_by(10) {
        let (status, body) = app
            .fetch(
                FIXTURE.dealer_a,
                &json!({"entriesToBeSkipped": skip, "entriesLimitToBeFetched": 10}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["totalCount"], 25);
        walked.extend(uuids(&body));
    }

    assert_eq!(walked, all);
}

#[tokio::test]
async fn limit_above_fifty_is_clamped_with_warning() {
    let app = TestApp::spawn().await;
    seed_many(&app, 60).await;

    let (status, body) = app
        .fetch(FIXTURE.dealer_a, &json!({"entriesLimitToBeFetched": 500}))
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(uuids(&body).len(), 50);
    assert_eq!(body["warnings"][0]["code"], "PAGE_SIZE_CLAMPED");
    assert_eq!(body["warnings"][0]["metadata"]["value"], "500");
    assert!(body["nextPageToken"].is_string());
    let (_, default) = app.fetch(FIXTURE.dealer_a, &json!({})).await;
    assert_eq!(uuids(&default).len(), 50, "the default page size is 50");
    assert_eq!(default["warnings"], Value::Null);
}

#[tokio::test]
async fn bad_values_are_rejected() {
    let app = TestApp::spawn().await;
    seed_many(&app, 3).await;
    let cases = [
        (json!({"entriesToBeSkipped": -1}), "entriesToBeSkipped"),
        (json!({"entriesLimitToBeFetched": -1}), "entriesLimitToBeFetched"),
        (json!({"entriesLimitToBeFetched": 0}), "entriesLimitToBeFetched"),
        (
            json!({"filterData": {"statuses": "COMPLETE"}}),
            "filterData.statuses",
        ),
        (json!({"filterData": {"overdue": "yes"}}), "filterData.overdue"),
        (
            json!({"filterData": {"dueDateFrom": "10/03/2025"}}),
            "filterData.dueDateFrom",
        ),
        (
            json!({"filterData": {"dueDateFrom": "0000-01-01"}}),
            "filterData.dueDateFrom",
        ),
        (
            json!({"filterData": {"dueDateTo": "0000-02-29"}}),
            "filterData.dueDateTo",
        ),
        (json!({"filterData": "overdue"}), "filterData"),
        (json!({"pageToken": "garbage!"}), "pageToken"),
        (
            json!({"dealerDepartmentUUID": FIXTURE.dept_b1}),
            "dealerDepartmentUUID",
        ),
        (
            json!({"dealerDepartmentUUID": "no-such-department"}),
            "dealerDepartmentUUID",
        ),
    ];
    for (body, field) in cases {
        let (status, response) = app.fetch(FIXTURE.dealer_a, &body).await;
        assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        assert_eq!(response["error"]["metadata"]["field"], field, "for {body}");
    }
    let (status, response) = app
        .fetch(FIXTURE.dealer_a, &json!({"entriesToBeSkipped": "2"}))
        .await;
    assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
}

#[tokio::test]
async fn foreign_department_looks_like_missing_one() {
    let app = TestApp::spawn().await;

    let (_, foreign) = app
        .fetch(
            FIXTURE.dealer_a,
            &json!({"dealerDepartmentUUID": FIXTURE.dept_b1}),
        )
        .await;
    let (_, missing) = app
        .fetch(
            FIXTURE.dealer_a,
            &json!({"dealerDepartmentUUID": "department-zz"}),
        )
        .await;

    let foreign = foreign.to_string().replace(FIXTURE.dept_b1, "ID");
    let missing = missing.to_string().replace("department-zz", "ID");
    assert_eq!(foreign, missing);
}

#[tokio::test]
async fn unknown_filter_key_warns() {
    let app = TestApp::spawn().await;
    seed_many(&app, 2).await;

    let (status, body) = app
        .fetch(FIXTURE.dealer_a, &json!({"filterData": {"startDate": "x"}}))
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(uuids(&body).len(), 2);
    assert_eq!(body["warnings"][0]["code"], "UNKNOWN_FILTER_KEY");
    assert_eq!(body["warnings"][0]["metadata"]["key"], "startDate");
}

/// Seeds five follow-ups and returns the token after the first page of two.
async fn first_page_token(app: &TestApp) -> String {
    seed_many(app, 5).await;
    let (_, first) = app
        .fetch(FIXTURE.dealer_a, &json!({"entriesLimitToBeFetched": 2}))
        .await;
    first["nextPageToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn token_rejects_another_filter() {
    let app = TestApp::spawn().await;
    let token = &first_page_token(&app).await;

    let body = json!({"pageToken": token, "filterData": {"overdue": true}});
    let (status, response) = app.fetch(FIXTURE.dealer_a, &body).await;

    assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    assert_eq!(response["error"]["metadata"]["field"], "pageToken");
}

/// Returns `token` with its due date, the `d` field of the token's JSON, replaced.
fn with_token_date(token: &str, due_date: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    let mut cursor: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).unwrap()).unwrap();
    cursor["d"] = json!(due_date);
    URL_SAFE_NO_PAD.encode(cursor.to_string())
}

#[tokio::test]
async fn token_with_out_of_range_date_is_400() {
    let app = TestApp::spawn().await;
    let token = &first_page_token(&app).await;

    for due_date in ["0000-01-01", "-4714-01-01", "-262143-01-01", "+10000-01-01"] {
        let edited = with_token_date(token, due_date);
        let body = json!({"pageToken": edited, "entriesLimitToBeFetched": 2});
        let (status, response) = app.fetch(FIXTURE.dealer_a, &body).await;

        assert_error_envelope(status, &response, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        assert_eq!(response["error"]["metadata"]["field"], "pageToken", "{due_date}");
    }
    let unchanged = with_token_date(token, "2025-03-11");
    let body = json!({"pageToken": unchanged, "entriesLimitToBeFetched": 2});
    let (status, response) = app.fetch(FIXTURE.dealer_a, &body).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(uuids(&response), ["f002", "f003"]);
}

/// Walks every page by token while another task inserts new follow-ups and assigns
/// existing ones: each original follow-up must come back exactly once.
#[tokio::test]
async fn token_paging_survives_concurrent_writes() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let originals = seed_many(&app, 200).await;
    let writer_app = app.clone();
    let writer = tokio::spawn(async move {
        for round in 0..40 {
            let new = (0..3)
                .map(|i| {
                    new_follow_up(
                        &format!("new-{round}-{i}"),
                        &format!("2025-03-{:02}", 10 + (round + i) % 10),
                    )
                })
                .collect();
            writer_app.insert(FIXTURE.dept_a1, new).await;
            let target = format!("f{:03}", (round * 5) % 200);
            let (status, body) = writer_app
                .update(FIXTURE.dept_a1, &assign_body(&[&target], FIXTURE.assignee))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    });

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..200 {
        let mut body = json!({"entriesLimitToBeFetched": 7});
        if let Some(token) = &token {
            body["pageToken"] = json!(token);
        }
        let (status, response) = app.fetch(FIXTURE.dealer_a, &body).await;
        assert_eq!(status, StatusCode::OK, "{response}");
        seen.extend(uuids(&response));
        token = response["nextPageToken"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
        tokio::task::yield_now().await;
    }
    writer.await.unwrap();

    assert!(token.is_none(), "the walk reached the last page");
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len(), "no follow-up was returned twice");
    for original in &originals {
        assert!(distinct.contains(original), "{original} was returned");
    }
}

#[tokio::test]
async fn department_grant_sees_only_its_department() {
    let app = TestApp::spawn().await;
    app.insert(FIXTURE.dept_a1, vec![new_follow_up("in-a1", "2025-03-01")])
        .await;
    app.insert(FIXTURE.dept_a2, vec![new_follow_up("in-a2", "2025-03-02")])
        .await;

    let (_, dealer_wide) = app.fetch(FIXTURE.dealer_a, &json!({})).await;
    let (status, narrow) = app
        .fetch_as(NARROW_USERNAME, NARROW_PASSWORD, FIXTURE.dealer_a, &json!({}))
        .await;
    let (denied_status, denied) = app
        .fetch_as(
            NARROW_USERNAME,
            NARROW_PASSWORD,
            FIXTURE.dealer_a,
            &json!({"dealerDepartmentUUID": FIXTURE.dept_a1}),
        )
        .await;

    assert_eq!(uuids(&dealer_wide), ["in-a1", "in-a2"]);
    assert_eq!(status, StatusCode::OK, "{narrow}");
    assert_eq!(uuids(&narrow), ["in-a2"]);
    assert_eq!(narrow["totalCount"], 1);
    assert_error_envelope(
        denied_status,
        &denied,
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
    );
}

#[tokio::test]
async fn other_dealer_and_unknown_dealer_are_forbidden() {
    let app = TestApp::spawn().await;

    let (status, other) = app
        .fetch_as(OTHER_USERNAME, OTHER_PASSWORD, FIXTURE.dealer_a, &json!({}))
        .await;
    let (missing_status, missing) = app.fetch(FIXTURE.dealer_b, &json!({})).await;
    let (unknown_status, unknown) = app.fetch("no-such-dealer", &json!({})).await;

    assert_error_envelope(status, &other, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    assert_error_envelope(
        missing_status,
        &missing,
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
    );
    assert_error_envelope(
        unknown_status,
        &unknown,
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
    );
}
