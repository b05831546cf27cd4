//! Fetch: the follow-up object, each filter alone and combined, and overdue in the dealer's
//! time zone.

use chrono::{TimeZone, Utc};
use followups::domain::{Completion, FollowUpState, FollowUpStatus, PersonName, PersonRef};
use followups::storage::NewTaskType;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{archived_state, fetched_uuids as uuids, id, new_follow_up, TestApp, FIXTURE};

fn person(uuid: &str) -> PersonRef {
    PersonRef {
        uuid: id(uuid),
        fname: PersonName::parse("Jane").unwrap(),
        lname: PersonName::parse("Smith").unwrap(),
    }
}

/// Seeds dealer A with follow-ups that differ in one property each.
async fn seed_varied(app: &TestApp) {
    app.store
        .create_task_type(NewTaskType {
            uuid: id("tt-brakes"),
            dealer_uuid: id(FIXTURE.dealer_a),
            name: "Declined brakes".into(),
            description: String::new(),
        })
        .await
        .unwrap();
    let mut typed = new_follow_up("typed", "2025-03-05");
    typed.task_type_uuid = Some(id("tt-brakes"));
    let mut complete = new_follow_up("complete", "2025-03-06");
    complete.state = FollowUpState {
        status: FollowUpStatus::Complete,
        completion: Some(Completion {
            by: person("user-uuid"),
            at: Utc.with_ymd_and_hms(2025, 3, 6, 12, 0, 0).unwrap(),
        }),
        ..FollowUpState::new_open()
    };
    let mut assigned = new_follow_up("assigned", "2025-03-07");
    assigned.state.assignee = Some(person("new-assignee-uuid"));
    let mut customer = new_follow_up("customer", "2025-03-08");
    customer.customer_uuid = Some("customer-2".into());
    let mut archived = new_follow_up("archived", "2025-03-09");
    archived.state = archived_state();
    let plain = new_follow_up("plain", "2025-03-20");
    app.insert(
        FIXTURE.dept_a1,
        vec![typed, complete, assigned, customer, archived, plain],
    )
    .await;
    app.insert(
        FIXTURE.dept_a2,
        vec![new_follow_up("other-department", "2025-03-04")],
    )
    .await;
    app.insert(FIXTURE.dept_b1, vec![new_follow_up("other-dealer", "2025-03-04")])
        .await;
    // 2025-03-10 in Los Angeles, where dealer A is.
    app.clock
        .set(Utc.with_ymd_and_hms(2025, 3, 10, 20, 0, 0).unwrap());
}

async fn fetch_uuids(app: &TestApp, filter: Value) -> Vec<String> {
    let (status, body) = app.fetch(FIXTURE.dealer_a, &json!({"filterData": filter})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    uuids(&body)
}

#[tokio::test]
async fn fetch_returns_documented_object() {
    let app = TestApp::spawn().await;
    seed_varied(&app).await;

    let (status, body) = app
        .fetch(
            FIXTURE.dealer_a,
            &json!({"dealerDepartmentUUID": FIXTURE.dept_a1}),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["statusCode"], 200);
    assert_eq!(body["error"], Value::Null);
    assert_eq!(body["warnings"], Value::Null);
    assert_eq!(body["totalCount"], 5);
    assert_eq!(body["nextPageToken"], Value::Null);
    let complete = &body["followUpsList"][1];
    assert_eq!(complete["uuid"], "complete");
    assert_eq!(complete["dealerUuid"], FIXTURE.dealer_a);
    assert_eq!(complete["dealerDepartmentUuid"], FIXTURE.dept_a1);
    assert_eq!(complete["customerUuid"], "customer-1");
    assert_eq!(complete["taskTypeUuid"], Value::Null);
    assert_eq!(complete["title"], "Follow-up complete");
    assert_eq!(complete["notes"], "");
    assert_eq!(complete["status"], "COMPLETE");
    assert_eq!(complete["dueDate"], "2025-03-06");
    assert_eq!(complete["overdue"], false);
    assert_eq!(complete["assignee"], Value::Null);
    assert_eq!(complete["archived"], false);
    assert_eq!(complete["archivedDate"], Value::Null);
    assert_eq!(complete["completedDate"], "2025-03-06T12:00:00.000Z");
    assert_eq!(
        complete["completedBy"],
        json!({"uuid": "user-uuid", "fname": "Jane", "lname": "Smith"})
    );
    assert_eq!(complete["version"], 1);
    let created = complete["createdDate"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(created).is_ok(), "{created}");
    assert!(created.ends_with('Z'), "{created}");
    assert!(complete["updatedDate"].as_str().unwrap().ends_with('Z'));
    assert_eq!(body["followUpsList"][0]["taskTypeUuid"], "tt-brakes");
    assert_eq!(body["followUpsList"][0]["overdue"], true);
    assert_eq!(body["followUpsList"][2]["assignee"]["uuid"], "new-assignee-uuid");
}

#[tokio::test]
async fn fetch_orders_by_due_date_then_uuid() {
    let app = TestApp::spawn().await;
    app.insert(
        FIXTURE.dept_a1,
        vec![
            new_follow_up("b", "2025-01-02"),
            new_follow_up("c", "2025-01-01"),
            new_follow_up("a", "2025-01-02"),
        ],
    )
    .await;
    app.insert(FIXTURE.dept_a2, vec![new_follow_up("0", "2025-01-02")])
        .await;

    let (_, body) = app.fetch(FIXTURE.dealer_a, &json!({})).await;

    assert_eq!(uuids(&body), ["c", "0", "a", "b"]);
}

#[tokio::test]
async fn each_filter_alone() {
    let app = TestApp::spawn().await;
    seed_varied(&app).await;
    let cases = [
        (
            json!({}),
            vec![
                "other-department",
                "typed",
                "complete",
                "assigned",
                "customer",
                "plain",
            ],
        ),
        (json!({"taskTypeUUIDs": ["tt-brakes"]}), vec!["typed"]),
        (json!({"taskTypeUUIDs": ["unknown-type"]}), vec![]),
        (json!({"statuses": ["COMPLETE"]}), vec!["complete"]),
        (
            json!({"statuses": ["NOT_STARTED", "SCHEDULED"]}),
            vec!["other-department", "typed", "assigned", "customer", "plain"],
        ),
        (json!({"assigneeUUIDs": ["new-assignee-uuid"]}), vec!["assigned"]),
        (json!({"unassigned": false}), vec!["assigned"]),
        (
            json!({"unassigned": true}),
            vec!["other-department", "typed", "complete", "customer", "plain"],
        ),
        (json!({"customerUUIDs": ["customer-2"]}), vec!["customer"]),
        (
            json!({"dueDateFrom": "2025-03-06"}),
            vec!["complete", "assigned", "customer", "plain"],
        ),
        (
            json!({"dueDateTo": "2025-03-06"}),
            vec!["other-department", "typed", "complete"],
        ),
        (
            json!({"dueDateFrom": "2025-03-07", "dueDateTo": "2025-03-07"}),
            vec!["assigned"],
        ),
        (
            json!({"overdue": true}),
            vec!["other-department", "typed", "assigned", "customer"],
        ),
        (json!({"overdue": false}), vec!["complete", "plain"]),
        (
            json!({"includeArchived": true}),
            vec![
                "other-department",
                "typed",
                "complete",
                "assigned",
                "customer",
                "archived",
                "plain",
            ],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            fetch_uuids(&app, filter.clone()).await,
            expected,
            "filterData {filter}"
        );
    }
}

#[tokio::test]
async fn filters_combine_with_and() {
    let app = TestApp::spawn().await;
    seed_varied(&app).await;
    let cases = [
        (
            json!({"statuses": ["NOT_STARTED"], "unassigned": true, "dueDateTo": "2025-03-08"}),
            vec!["other-department", "typed", "customer"],
        ),
        (
            json!({"assigneeUUIDs": ["new-assignee-uuid"], "unassigned": true, "dueDateFrom": "2025-03-07"}),
            vec!["assigned", "customer", "plain"],
        ),
        (
            json!({"includeArchived": true, "dueDateFrom": "2025-03-09", "overdue": true}),
            vec!["archived"],
        ),
        (
            json!({"customerUUIDs": ["customer-1"], "overdue": false}),
            vec!["complete", "plain"],
        ),
        (
            json!({"taskTypeUUIDs": ["tt-brakes"], "statuses": ["COMPLETE"]}),
            vec![],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            fetch_uuids(&app, filter.clone()).await,
            expected,
            "filterData {filter}"
        );
    }
    let (_, body) = app
        .fetch(
            FIXTURE.dealer_a,
            &json!({"dealerDepartmentUUID": FIXTURE.dept_a2, "filterData": {"overdue": true}}),
        )
        .await;
    assert_eq!(uuids(&body), ["other-department"]);
}

#[tokio::test]
async fn overdue_follows_the_dealer_time_zone() {
    let app = TestApp::spawn().await;
    app.insert(FIXTURE.dept_a1, vec![new_follow_up("due-mar-10", "2025-03-10")])
        .await;
    app.insert(FIXTURE.dept_b1, vec![new_follow_up("due-mar-10-b", "2025-03-10")])
        .await;
    let overdue = json!({"filterData": {"overdue": true}});

    // 02:00 UTC on March 11 is still March 10 in Los Angeles, but March 10 22:00 in Toronto.
    app.clock.set(Utc.with_ymd_and_hms(2025, 3, 11, 2, 0, 0).unwrap());
    let (_, los_angeles) = app.fetch(FIXTURE.dealer_a, &json!({})).await;
    assert_eq!(los_angeles["followUpsList"][0]["overdue"], false, "{los_angeles}");
    let (_, body) = app.fetch(FIXTURE.dealer_a, &overdue).await;
    assert!(uuids(&body).is_empty(), "{body}");

    // 05:00 UTC is March 11 in Toronto and still March 10 in Los Angeles.
    app.clock.set(Utc.with_ymd_and_hms(2025, 3, 11, 5, 0, 0).unwrap());
    let (_, body) = app.fetch(FIXTURE.dealer_a, &overdue).await;
    assert!(uuids(&body).is_empty(), "{body}");
    let (_, body) = app
        .fetch_as(
            crate::common::OTHER_USERNAME,
            crate::common::OTHER_PASSWORD,
            FIXTURE.dealer_b,
            &overdue,
        )
        .await;
    assert_eq!(uuids(&body), ["due-mar-10-b"]);

    // 08:00 UTC is March 11 in Los Angeles too.
    app.clock.set(Utc.with_ymd_and_hms(2025, 3, 11, 8, 0, 0).unwrap());
    let (_, body) = app.fetch(FIXTURE.dealer_a, &overdue).await;
    assert_eq!(uuids(&body), ["due-mar-10"]);
    assert_eq!(body["followUpsList"][0]["overdue"], true);
}

#[tokio::test]
async fn total_count_is_capped_with_a_warning() {
    let app = TestApp::spawn().await;
    let follow_ups = (0..1_001)
        .map(|i| new_follow_up(&format!("many-{i:05}"), "2026-12-01"))
        .collect();
    app.insert(FIXTURE.dept_a1, follow_ups).await;

    let (status, body) = app
        .fetch(
            FIXTURE.dealer_a,
            &json!({"dealerDepartmentUUID": FIXTURE.dept_a1}),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["totalCount"], 1_000);
    assert_eq!(body["warnings"][0]["code"], "TOTAL_COUNT_CAPPED", "{body}");
    assert_eq!(body["followUpsList"].as_array().unwrap().len(), 50);

    app.insert(FIXTURE.dept_a2, vec![new_follow_up("single", "2026-12-01")])
        .await;
    let (_, body) = app
        .fetch(
            FIXTURE.dealer_a,
            &json!({"dealerDepartmentUUID": FIXTURE.dept_a2}),
        )
        .await;
    assert_eq!(body["totalCount"], 1, "below the cap the count is exact: {body}");
    assert!(body["warnings"].is_null(), "{body}");
}
