//! Schema types of the OpenAPI document: the request bodies and responses of every endpoint,
//! in the exact upstream spelling.
//!
//! The handlers decode requests into permissive `Option` fields and validate them
//! afterwards, and they build responses with private fields, so these types describe the
//! wire format on their own. The API tests validate real responses against the generated
//! schemas, so a field renamed in a handler fails a test until it is renamed here too.
//! Success payloads deny unknown fields, which the document states as
//! `additionalProperties: false`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::domain::{CreateOutcome, FollowUpStatus, Outcome};

/// The pattern of every id: 1 to 128 characters from `A-Z a-z 0-9 _ -`.
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,128}$";

/// An opaque id, compared exactly (case-sensitive).
pub struct Id;

impl PartialSchema for Id {
    fn schema() -> RefOr<Schema> {
        let object = ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(128))
            .pattern(Some(ID_PATTERN))
            .description(Some(
                "An opaque id: 1 to 128 characters from A-Z a-z 0-9 _ -, compared exactly \
                 (case-sensitive).",
            ))
            .examples(["follow-up-uuid-1"])
            .build();
        RefOr::T(Schema::Object(object))
    }
}

impl ToSchema for Id {}

/// Returns the schema of a value that is always `null`.
pub fn null_schema() -> Object {
    ObjectBuilder::new().schema_type(Type::Null).build()
}

/// A non-fatal finding of a successful or failed request.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// A stable code, such as `FOLLOW_UP_NOT_FOUND` or `PAGE_SIZE_CLAMPED`.
    #[schema(examples("FOLLOW_UP_NOT_FOUND"))]
    pub code: String,
    /// A sentence that explains the finding and what to do about it.
    pub description: String,
    /// Details for programs. Values are strings; lists of ids are joined with commas.
    pub metadata: BTreeMap<String, String>,
}

/// The `error` object of a failed request.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// A stable error code; each response of each operation lists the codes it can carry.
    #[schema(examples("INVALID_REQUEST_DATA"))]
    pub code: String,
    /// An explanation of the error, with the offending value, and how to fix it.
    pub description: String,
    /// Machine-readable details such as `field` and `value`.
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
}

/// The envelope of every failed request.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorEnvelope {
    /// The HTTP status, repeated.
    pub status_code: u16,
    pub error: ErrorDetail,
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
}

/// The envelope of a failed bulk update. The 503 responses of overload protection
/// (`SERVER_BUSY`, `REQUEST_TIMED_OUT`) are sent before the endpoint runs and carry only
/// the fields of every error envelope.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateErrorEnvelope {
    /// The HTTP status, repeated.
    pub status_code: u16,
    pub error: ErrorDetail,
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    /// Always `false` on an error.
    pub update_successful: Option<bool>,
    /// With `BATCH_REJECTED`, the requested ids that were already archived; otherwise empty.
    #[serde(rename = "archivedFollowUpUUIDList")]
    pub archived_follow_up_uuid_list: Option<Vec<String>>,
    /// With `BATCH_REJECTED`, the outcome each id would have had.
    pub results: Option<Vec<UpdateItemResult>>,
}

/// A dealership user as follow-ups and history events carry it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[schema(value_type = Id)]
    pub uuid: String,
    #[schema(max_length = 100, examples("Jane"))]
    pub fname: String,
    #[schema(max_length = 100, examples("Smith"))]
    pub lname: String,
}

/// A dealership user in a request. `fname` and `lname` are at most 100 characters without
/// control characters.
#[derive(Serialize, ToSchema)]
pub struct PersonInput {
    #[schema(value_type = Id)]
    pub uuid: String,
    #[schema(max_length = 100, examples("John"))]
    pub fname: Option<String>,
    #[schema(max_length = 100, examples("Doe"))]
    pub lname: Option<String>,
}

/// The bulk action of `followUpActionType`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionType {
    /// The status becomes `COMPLETE`.
    MarkAsDone,
    /// Sets the archived flag; the status is kept.
    Archive,
    /// The assignee becomes `newAssignee`.
    Assign,
    /// Clears the assignee.
    Unassign,
}

/// The body of a bulk update. Other fields are ignored.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRequest {
    /// 1 to `--max-ids-per-request` (default 1000) ids; a repeated id is applied once.
    #[serde(rename = "followUpUUIDs")]
    #[schema(value_type = Vec<Id>, min_items = 1, max_items = 1000)]
    pub follow_up_uuids: Vec<String>,
    pub follow_up_action_type: ActionType,
    /// Required for `ASSIGN`.
    pub new_assignee: Option<PersonInput>,
    /// The user taking the action, recorded as sent.
    pub action_taken_by: PersonInput,
}

/// The outcome of one requested id of a bulk update, in request order.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateItemResult {
    #[serde(rename = "followUpUUID")]
    #[schema(value_type = Id)]
    pub follow_up_uuid: String,
    pub outcome: Outcome,
    /// The follow-up's version after the request; absent for `NOT_FOUND`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// The response to a committed bulk update.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    /// `true`: the batch was committed, including when some ids were skipped with warnings.
    pub update_successful: bool,
    /// The requested ids that were archived before this request.
    #[serde(rename = "archivedFollowUpUUIDList")]
    pub archived_follow_up_uuid_list: Vec<String>,
    /// Extension: one entry per distinct requested id, in request order.
    pub results: Vec<UpdateItemResult>,
}

/// Optional filters of a fetch. Different keys must all match; the values of one list match
/// if any does. `null` and an empty list restrict nothing. Lists hold at most 100 values.
/// An unknown key is ignored with the warning `UNKNOWN_FILTER_KEY`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterData {
    #[serde(rename = "taskTypeUUIDs")]
    #[schema(value_type = Option<Vec<Id>>, max_items = 100)]
    pub task_type_uuids: Option<Vec<String>>,
    #[schema(max_items = 100)]
    pub statuses: Option<Vec<FollowUpStatus>>,
    /// With `unassigned: true`, unassigned follow-ups match too.
    #[serde(rename = "assigneeUUIDs")]
    #[schema(value_type = Option<Vec<Id>>, max_items = 100)]
    pub assignee_uuids: Option<Vec<String>>,
    /// `true`: only unassigned; `false`: only assigned.
    pub unassigned: Option<bool>,
    #[serde(rename = "customerUUIDs")]
    #[schema(value_type = Option<Vec<Id>>, max_items = 100)]
    pub customer_uuids: Option<Vec<String>>,
    /// Due on or after this date (`yyyy-MM-dd`, 0001-01-01 to 9999-12-31).
    #[schema(format = Date)]
    pub due_date_from: Option<String>,
    /// Due on or before this date (`yyyy-MM-dd`, 0001-01-01 to 9999-12-31); not before
    /// `dueDateFrom`.
    #[schema(format = Date)]
    pub due_date_to: Option<String>,
    /// `true`: only overdue; `false`: only those not overdue.
    pub overdue: Option<bool>,
    /// Default `false`: archived follow-ups are left out.
    pub include_archived: Option<bool>,
}

/// The body of a fetch. Other fields are ignored.
#[derive(Serialize, ToSchema)]
pub struct FetchRequest {
    /// Narrows the fetch to one department of the dealer.
    #[serde(rename = "dealerDepartmentUUID")]
    #[schema(value_type = Option<Id>)]
    pub dealer_department_uuid: Option<String>,
    /// Offset, default 0. Must be 0 or absent with `pageToken`.
    #[serde(rename = "entriesToBeSkipped")]
    #[schema(minimum = 0)]
    pub entries_to_be_skipped: Option<i64>,
    /// Page size, default 50; a value above 50 is clamped with the warning `PAGE_SIZE_CLAMPED`.
    #[serde(rename = "entriesLimitToBeFetched")]
    #[schema(minimum = 1)]
    pub entries_limit_to_be_fetched: Option<i64>,
    #[serde(rename = "filterData")]
    pub filter_data: Option<FilterData>,
    /// Extension: `nextPageToken` of the previous page, sent with the same
    /// `dealerDepartmentUUID` and `filterData`.
    #[serde(rename = "pageToken")]
    pub page_token: Option<String>,
}

/// A follow-up. Timestamps are RFC 3339 in UTC with milliseconds.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FollowUp {
    #[schema(value_type = Id)]
    pub uuid: String,
    #[schema(value_type = Id)]
    pub dealer_uuid: String,
    #[schema(value_type = Id)]
    pub dealer_department_uuid: String,
    #[schema(required = true)]
    pub customer_uuid: Option<String>,
    #[schema(required = true)]
    pub task_type_uuid: Option<String>,
    pub title: String,
    pub notes: String,
    pub status: FollowUpStatus,
    /// A calendar date in the dealer's time zone.
    #[schema(format = Date)]
    pub due_date: String,
    /// Extension: not `COMPLETE` and due before the current date in the dealer's time zone.
    pub overdue: bool,
    #[schema(required = true)]
    pub assignee: Option<Person>,
    pub archived: bool,
    #[schema(required = true, format = DateTime)]
    pub archived_date: Option<String>,
    #[schema(required = true, format = DateTime)]
    pub completed_date: Option<String>,
    #[schema(required = true)]
    pub completed_by: Option<Person>,
    #[schema(format = DateTime)]
    pub created_date: String,
    #[schema(format = DateTime)]
    pub updated_date: String,
    /// Grows by one with each change.
    pub version: i64,
}

/// The response to a fetch.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FetchResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    /// Ordered by `dueDate`, then `uuid`.
    pub follow_ups_list: Vec<FollowUp>,
    /// Extension: matching follow-ups, counted up to 1000; `null` on pages fetched with
    /// `pageToken`.
    #[schema(required = true)]
    pub total_count: Option<i64>,
    /// Extension: the token of the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

/// The state of a follow-up before or after a recorded change.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryState {
    pub status: FollowUpStatus,
    #[schema(required = true)]
    pub assignee: Option<Person>,
    pub archived: bool,
    /// Only in `after`: the version the change produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// One recorded change of a follow-up.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryEvent {
    /// `CREATE` or the bulk action, such as `ASSIGN`.
    #[schema(examples("ASSIGN"))]
    pub action: String,
    pub before: HistoryState,
    pub after: HistoryState,
    /// The `userUUID` path parameter of the request.
    #[schema(value_type = Id)]
    pub path_user_uuid: String,
    pub action_taken_by: Person,
    /// The username of the service subscriber that sent the request.
    pub subscriber: String,
    /// The `X-Request-Id` of the request.
    pub request_id: String,
    #[schema(format = DateTime)]
    pub time: String,
}

/// One page of a follow-up's history, newest first.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    pub history_list: Vec<HistoryEvent>,
    /// The token of the next, older page; `null` on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

/// One follow-up to create. `customerUuid` and `taskTypeUuid` are accepted as spellings of
/// `customerUUID` and `taskTypeUUID`.
#[derive(Serialize, ToSchema)]
pub struct CreateItemRequest {
    /// Generated as 64 lower-case hex characters when missing; a repeated create with the
    /// same id and content returns the stored follow-up.
    #[schema(value_type = Option<Id>)]
    pub uuid: Option<String>,
    #[serde(rename = "customerUUID")]
    #[schema(value_type = Id)]
    pub customer_uuid: String,
    /// An active task type of the department's dealer.
    #[serde(rename = "taskTypeUUID")]
    #[schema(value_type = Option<Id>)]
    pub task_type_uuid: Option<String>,
    /// Not blank, no control characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Line breaks and tabs are allowed.
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// `yyyy-MM-dd`, 0001-01-01 to 9999-12-31. Defaults to the current date in the dealer's
    /// time zone.
    #[serde(rename = "dueDate")]
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// Default `NOT_STARTED`.
    pub status: Option<FollowUpStatus>,
    pub assignee: Option<PersonInput>,
}

/// The body of a create request.
#[derive(Serialize, ToSchema)]
pub struct CreateRequest {
    /// 1 to `--max-ids-per-request` (default 1000) follow-ups, created in one transaction.
    #[serde(rename = "followUps")]
    #[schema(min_items = 1, max_items = 1000)]
    pub follow_ups: Vec<CreateItemRequest>,
}

/// The result of one item of a create request, in request order.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreatedItem {
    #[serde(rename = "followUpUUID")]
    #[schema(value_type = Id)]
    pub follow_up_uuid: String,
    pub outcome: CreateOutcome,
    pub version: i64,
    #[schema(format = Date)]
    pub due_date: String,
}

/// The response to a committed create request.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    pub results: Vec<CreatedItem>,
}

/// The body of a task type create request.
#[derive(Serialize, ToSchema)]
pub struct TaskTypeRequest {
    /// Generated as 64 lower-case hex characters when missing.
    #[schema(value_type = Option<Id>)]
    pub uuid: Option<String>,
    /// Not blank, no control characters.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Line breaks and tabs are allowed.
    #[schema(max_length = 1000)]
    pub description: Option<String>,
}

/// A kind of follow-up work that a dealer defines.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskType {
    #[schema(value_type = Id)]
    pub uuid: String,
    pub name: String,
    pub description: String,
    pub active: bool,
}

/// The response to a task type create request.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskTypeResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    pub task_type: TaskType,
}

/// A dealer's task types, in creation order.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskTypeListResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    pub task_type_list: Vec<TaskType>,
}

/// The channel a template is written for, exactly in this case.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum TemplateType {
    Email,
    Text,
}

/// The language and region a template is written for, exactly in this case.
#[derive(Serialize, ToSchema)]
pub enum Locale {
    #[serde(rename = "en-us")]
    EnUs,
    #[serde(rename = "fr-ca")]
    FrCa,
}

/// The body of a template create request. Other fields are ignored.
#[derive(Serialize, ToSchema)]
pub struct TemplateRequest {
    /// Extension: generated as 64 lower-case hex characters when missing.
    #[schema(value_type = Option<Id>)]
    pub uuid: Option<String>,
    /// When sent, it must equal the path's `dealerUUID`.
    #[serde(rename = "dealerUUID")]
    #[schema(value_type = Option<Id>)]
    pub dealer_uuid: Option<String>,
    /// A task type of the dealer, active or not.
    #[serde(rename = "taskTypeUUID")]
    #[schema(value_type = Id)]
    pub task_type_uuid: String,
    #[serde(rename = "type")]
    pub template_type: TemplateType,
    /// Default `false`. `true` replaces the current default of the same task type, type and
    /// locale, with the warning `DEFAULT_TEMPLATE_REPLACED`.
    #[serde(rename = "isDefault")]
    pub is_default: Option<bool>,
    /// Default `false`; stored as sent.
    pub multi: Option<bool>,
    /// Not blank, no control characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Not blank; line breaks and tabs are allowed.
    #[schema(min_length = 1, max_length = 10000)]
    pub message: String,
    pub locale: Locale,
    /// Default `false`: whether `message` is a FreeMarker template. It is stored, not rendered.
    #[serde(rename = "isFreemarkerTemplate")]
    pub is_freemarker_template: Option<bool>,
}

/// A message template, with `dealerUUID` and `taskTypeUUID` in capitals as upstream spells them.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[schema(value_type = Id)]
    pub uuid: String,
    #[serde(rename = "dealerUUID")]
    #[schema(value_type = Id)]
    pub dealer_uuid: String,
    #[serde(rename = "taskTypeUUID")]
    #[schema(value_type = Id)]
    pub task_type_uuid: String,
    #[serde(rename = "type")]
    pub template_type: TemplateType,
    #[serde(rename = "isDefault")]
    pub is_default: bool,
    pub multi: bool,
    pub title: String,
    pub message: String,
    pub locale: Locale,
    #[serde(rename = "isFreemarkerTemplate")]
    pub is_freemarker_template: bool,
}

/// The response to a template create request.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none; `DEFAULT_TEMPLATE_REPLACED` names a replaced default.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    pub template: Template,
}

/// A dealer's templates of one type, in creation order. Upstream names the key
/// `templateTypeList`, although it contains templates.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateListResponse {
    pub status_code: u16,
    #[schema(schema_with = null_schema)]
    pub error: (),
    /// `null` when there are none.
    #[schema(required = true)]
    pub warnings: Option<Vec<Warning>>,
    pub template_type_list: Vec<Template>,
}

/// The response to a health probe.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProbeResponse {
    /// `ok` from `/healthz`, `ready` from `/readyz`.
    #[schema(examples("ok"))]
    pub status: String,
}
