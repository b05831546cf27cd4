//! One annotated function per operation. The functions are never called: the router in
//! [`crate::http::router`] maps the same paths to the real handlers, and the API tests send a
//! request to every documented path and method to show that each one is routed.
//!
//! The error responses are not listed here; [`super::errors`] adds them to every operation.

use super::schema::{
    CreateRequest, CreateResponse, FetchRequest, FetchResponse, HistoryResponse, Id, ProbeResponse,
    TaskTypeListResponse, TaskTypeRequest, TaskTypeResponse, TemplateListResponse, TemplateRequest,
    TemplateResponse, TemplateType, UpdateRequest, UpdateResponse,
};

/// Mark as done, archive, assign or unassign follow-ups in bulk
///
/// The whole request is one transaction. Each distinct id gets an outcome in `results`:
/// `UPDATED`, `ALREADY_ARCHIVED`, `NOT_FOUND` (warning `FOLLOW_UP_NOT_FOUND`) or `NO_CHANGE`
/// (warning `FOLLOW_UP_UNCHANGED`). A repeated id is applied once, with the warning
/// `DUPLICATE_FOLLOW_UP_UUID`. Errors also carry `"updateSuccessful": false` and
/// `archivedFollowUpUUIDList`, except the 503 responses `SERVER_BUSY` and `REQUEST_TIMED_OUT`.
#[utoipa::path(
    put,
    path = "/leads/followup/department/{departmentUUID}/user/{userUUID}/list",
    operation_id = "updateFollowUps",
    tag = "follow-ups",
    params(
        ("departmentUUID" = Id, Path, description = "The department the follow-ups belong to."),
        ("userUUID" = Id, Path, description = "The dealership user through whom the action is taken; a user of the department's dealer."),
        ("allOrNone" = Option<bool>, Query, description = "Extension: `true` applies the batch only if every id would be `UPDATED`; otherwise the response is 409 `BATCH_REJECTED` and nothing changes. Any other query parameter is a 400."),
    ),
    request_body(content = UpdateRequest, example = json!({
        "followUpUUIDs": ["follow-up-uuid-1", "follow-up-uuid-2"],
        "followUpActionType": "ASSIGN",
        "newAssignee": {"uuid": "new-assignee-uuid", "fname": "Jane", "lname": "Smith"},
        "actionTakenBy": {"uuid": "user-uuid", "fname": "John", "lname": "Doe"}
    })),
    responses(
        (status = 200, description = "The batch was committed.", body = UpdateResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "updateSuccessful": true,
            "archivedFollowUpUUIDList": [],
            "results": [
                {"followUpUUID": "follow-up-uuid-1", "outcome": "UPDATED", "version": 2},
                {"followUpUUID": "follow-up-uuid-2", "outcome": "UPDATED", "version": 3}
            ]
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn update_follow_ups() {}

/// Fetch one page of a dealer's follow-ups
///
/// A subscriber with a grant on the dealer reads all its departments; one with grants on
/// some departments reads only those. Follow-ups are ordered by `dueDate`, then `uuid`.
/// Offset paging uses `entriesToBeSkipped`; the extension `pageToken` pages consistently
/// while follow-ups change.
#[utoipa::path(
    post,
    path = "/leads/followup/dealer/{dealerUUID}/list",
    operation_id = "fetchFollowUps",
    tag = "follow-ups",
    params(("dealerUUID" = Id, Path, description = "The dealer whose follow-ups are fetched.")),
    request_body(content = FetchRequest, example = json!({
        "dealerDepartmentUUID": "department-uuid",
        "entriesToBeSkipped": 0,
        "entriesLimitToBeFetched": 50,
        "filterData": {"statuses": ["NOT_STARTED", "SCHEDULED"], "overdue": true}
    })),
    responses(
        (status = 200, description = "One page of follow-ups.", body = FetchResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "followUpsList": [{
                "uuid": "follow-up-uuid",
                "dealerUuid": "dealer-uuid",
                "dealerDepartmentUuid": "department-uuid",
                "customerUuid": "customer-uuid",
                "taskTypeUuid": "task-type-uuid",
                "title": "Call about declined brake work",
                "notes": "",
                "status": "NOT_STARTED",
                "dueDate": "2025-03-10",
                "overdue": true,
                "assignee": {"uuid": "user-uuid", "fname": "Jane", "lname": "Smith"},
                "archived": false,
                "archivedDate": null,
                "completedDate": null,
                "completedBy": null,
                "createdDate": "2025-03-01T16:20:00.000Z",
                "updatedDate": "2025-03-02T09:05:12.345Z",
                "version": 2
            }],
            "totalCount": 1,
            "nextPageToken": null
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn fetch_follow_ups() {}

/// List the recorded changes of one follow-up, newest first (extension)
///
/// Events written while a client pages do not shift the pages still to come. Any query
/// parameter other than `limit` and `pageToken`, or one given twice, is a 400.
#[utoipa::path(
    get,
    path = "/leads/followup/department/{departmentUUID}/followup/{followUpUUID}/history",
    operation_id = "listFollowUpHistory",
    tag = "follow-ups",
    params(
        ("departmentUUID" = Id, Path, description = "The department of the follow-up."),
        ("followUpUUID" = Id, Path, description = "The follow-up."),
        ("limit" = Option<i64>, Query, description = "Events per page, 1 to 50, default 50; a larger value is clamped with the warning `PAGE_SIZE_CLAMPED`."),
        ("pageToken" = Option<String>, Query, description = "`nextPageToken` of the previous page."),
    ),
    responses(
        (status = 200, description = "One page of events.", body = HistoryResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "historyList": [{
                "action": "ASSIGN",
                "before": {"status": "NOT_STARTED", "assignee": null, "archived": false},
                "after": {
                    "status": "NOT_STARTED",
                    "assignee": {"uuid": "new-assignee-uuid", "fname": "Jane", "lname": "Smith"},
                    "archived": false,
                    "version": 2
                },
                "pathUserUuid": "user-uuid",
                "actionTakenBy": {"uuid": "user-uuid", "fname": "John", "lname": "Doe"},
                "subscriber": "acme-dms",
                "requestId": "5f0c6b1e-8d1c-4a53-9d0e-2f1b7b3c9a10",
                "time": "2025-03-02T09:05:12.345Z"
            }],
            "nextPageToken": null
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn list_follow_up_history() {}

/// Create up to 1000 follow-ups in one transaction (extension)
///
/// Each new follow-up starts at version 1 with one history event `CREATE`. Sending a `uuid`
/// makes the request safe to retry: an id stored with the same content has the outcome
/// `ALREADY_EXISTS`, and one stored with other content fails with 409 `FOLLOW_UP_CONFLICT`.
#[utoipa::path(
    post,
    path = "/leads/followup/department/{departmentUUID}/user/{userUUID}",
    operation_id = "createFollowUps",
    tag = "follow-ups",
    params(
        ("departmentUUID" = Id, Path, description = "The department the follow-ups are created in."),
        ("userUUID" = Id, Path, description = "The dealership user who creates them; a user of the department's dealer."),
    ),
    request_body(content = CreateRequest, example = json!({
        "followUps": [{
            "uuid": "follow-up-uuid-1",
            "customerUUID": "customer-uuid",
            "taskTypeUUID": "task-type-uuid",
            "title": "Call about declined brake work",
            "notes": "Quoted front pads and rotors",
            "dueDate": "2026-04-30",
            "status": "NOT_STARTED",
            "assignee": {"uuid": "new-assignee-uuid", "fname": "Jane", "lname": "Smith"}
        }]
    })),
    responses(
        (status = 200, description = "Every follow-up was created or already stored with the same content.", body = CreateResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "results": [
                {"followUpUUID": "follow-up-uuid-1", "outcome": "CREATED", "version": 1, "dueDate": "2026-04-30"}
            ]
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn create_follow_ups() {}

/// Create a task type (extension)
///
/// Needs a grant on the dealer; a grant on some of its departments is not enough.
#[utoipa::path(
    post,
    path = "/leads/followup/dealer/{dealerUUID}/tasktype",
    operation_id = "createTaskType",
    tag = "task types",
    params(("dealerUUID" = Id, Path, description = "The dealer that defines the task type.")),
    request_body(content = TaskTypeRequest, example = json!({
        "uuid": "task-type-uuid",
        "name": "Declined service",
        "description": "Customers who declined recommended work"
    })),
    responses(
        (status = 200, description = "The task type was created.", body = TaskTypeResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "taskType": {"uuid": "task-type-uuid", "name": "Declined service", "description": "Customers who declined recommended work", "active": true}
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn create_task_type() {}

/// List a dealer's task types in creation order (extension)
///
/// Needs a grant on the dealer or on one of its departments.
#[utoipa::path(
    get,
    path = "/leads/followup/dealer/{dealerUUID}/tasktype/list",
    operation_id = "listTaskTypes",
    tag = "task types",
    params(("dealerUUID" = Id, Path, description = "The dealer.")),
    responses(
        (status = 200, description = "The dealer's task types.", body = TaskTypeListResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "taskTypeList": [
                {"uuid": "task-type-uuid", "name": "Declined service", "description": "", "active": true}
            ]
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn list_task_types() {}

/// Create an EMAIL or TEXT message template for one of the dealer's task types
///
/// Needs a grant on the dealer. A template with `isDefault: true` replaces the current
/// default of the same task type, type and locale in the same transaction, with the
/// warning `DEFAULT_TEMPLATE_REPLACED`.
#[utoipa::path(
    post,
    path = "/leads/followup/dealer/{dealerUUID}/template",
    operation_id = "createTemplate",
    tag = "templates",
    params(("dealerUUID" = Id, Path, description = "The dealer that owns the task type.")),
    request_body(content = TemplateRequest, example = json!({
        "dealerUUID": "dealer-uuid",
        "taskTypeUUID": "task-type-uuid",
        "type": "EMAIL",
        "isDefault": true,
        "multi": false,
        "title": "Follow-up for Declined Service",
        "message": "Dear ${customerName}, we noticed you declined some service recommendations.",
        "locale": "en-us",
        "isFreemarkerTemplate": true
    })),
    responses(
        (status = 200, description = "The template was created.", body = TemplateResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "template": {
                "uuid": "template-uuid-1",
                "dealerUUID": "dealer-uuid",
                "taskTypeUUID": "task-type-uuid",
                "type": "EMAIL",
                "isDefault": true,
                "multi": false,
                "title": "Follow-up for Declined Service",
                "message": "Dear ${customerName}, we noticed you declined some service recommendations.",
                "locale": "en-us",
                "isFreemarkerTemplate": true
            }
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn create_template() {}

/// List a dealer's templates of one type in creation order
///
/// Needs a grant on the dealer or on one of its departments. The list key is
/// `templateTypeList`, as upstream names it.
#[utoipa::path(
    get,
    path = "/leads/followup/dealer/{dealerUUID}/templatetype/{templateType}/list",
    operation_id = "listTemplates",
    tag = "templates",
    params(
        ("dealerUUID" = Id, Path, description = "The dealer."),
        ("templateType" = TemplateType, Path, description = "`EMAIL` or `TEXT`; another value is a 400."),
    ),
    responses(
        (status = 200, description = "The dealer's templates of this type.", body = TemplateListResponse, example = json!({
            "statusCode": 200,
            "error": null,
            "warnings": null,
            "templateTypeList": [{
                "uuid": "template-uuid-1",
                "dealerUUID": "dealer-uuid",
                "taskTypeUUID": "task-type-uuid",
                "type": "EMAIL",
                "isDefault": true,
                "multi": false,
                "title": "Follow-up for Declined Service",
                "message": "Dear ${customerName}, we noticed you declined some service recommendations.",
                "locale": "en-us",
                "isFreemarkerTemplate": true
            }]
        })),
    ),
    security(("basicAuth" = [])),
)]
pub fn list_templates() {}

/// Liveness probe
///
/// Returns 200 while the process runs. Needs no credentials.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "operations",
    responses((status = 200, description = "The process runs.", body = ProbeResponse, example = json!({"status": "ok"}))),
)]
pub fn healthz() {}

/// Readiness probe
///
/// Returns 200 when the database responds, and 503 `DATABASE_UNAVAILABLE` otherwise.
/// Needs no credentials.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "operations",
    responses((status = 200, description = "The database responds.", body = ProbeResponse, example = json!({"status": "ready"}))),
)]
pub fn readyz() {}

/// Metrics in the Prometheus text format, version 0.0.4
///
/// Needs no credentials, so expose the port only to the scraper.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    responses((
        status = 200,
        description = "Every metric of the process.",
        body = String,
        content_type = "text/plain; version=0.0.4; charset=utf-8",
        example = "# TYPE followups_http_requests_total counter\nfollowups_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1\n"
    )),
)]
pub fn metrics() {}
