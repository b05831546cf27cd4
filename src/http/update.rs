//! `PUT /leads/followup/department/{departmentUUID}/user/{userUUID}/list`: the bulk update.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{authorize_department, parse_path_id};
use super::authentication::Authenticated;
use super::body::JsonBody;
use super::context::RequestContext;
use super::envelope::Envelope;
use super::error::ApiError;
use super::fallback::method_not_allowed_error;
use super::request_id::RequestId;
use super::{rejection, AppState};
use crate::domain::plan::join_ids;
use crate::domain::update::validate_update;
use crate::domain::{BatchPlan, OpaqueId, Outcome, UpdateCommand, UpdateFollowUpsInput};
use crate::metrics::FOLLOW_UP_OUTCOMES;
use crate::storage::{UpdateBatch, UpdateResult};

#[derive(Debug, Deserialize)]
pub struct UpdatePath {
    #[serde(rename = "departmentUUID")]
    pub(super) department: String,
    #[serde(rename = "userUUID")]
    pub(super) user: String,
}

/// The query string. An unknown parameter, such as a misspelled `allornone`, is rejected
/// rather than ignored, so that a batch is never applied without a check the client asked for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateQuery {
    #[serde(rename = "allOrNone")]
    all_or_none: Option<String>,
}

/// The success payload. `results` is an extension that upstream clients ignore.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePayload {
    update_successful: bool,
    #[serde(rename = "archivedFollowUpUUIDList")]
    archived_follow_up_uuid_list: Vec<OpaqueId>,
    results: Vec<ItemResult>,
}

/// The outcome of one requested id, in request order.
#[derive(Debug, Serialize)]
pub struct ItemResult {
    #[serde(rename = "followUpUUID")]
    follow_up_uuid: OpaqueId,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
}

/// An error of this endpoint: the envelope plus `updateSuccessful: false`.
#[derive(Debug)]
pub struct UpdateError(ApiError);

impl From<ApiError> for UpdateError {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

impl IntoResponse for UpdateError {
    fn into_response(self) -> Response {
        let mut error = self.0.with_extra("updateSuccessful", false);
        if !error.extra.contains_key("archivedFollowUpUUIDList") {
            error = error.with_extra("archivedFollowUpUUIDList", json!([]));
        }
        error.into_response()
    }
}

// Each argument is an axum extractor, so grouping them in a struct would only add a type.
#[allow(clippy::too_many_arguments)]
pub async fn update_follow_ups(
    State(state): State<AppState>,
    Extension(request_id): Extension<RequestId>,
    Extension(context): Extension<RequestContext>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<UpdatePath>, PathRejection>,
    query: Result<Query<UpdateQuery>, QueryRejection>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Envelope<UpdatePayload>, UpdateError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    context.set_department(&path.department);
    let department_uuid = parse_path_id("departmentUUID", &path.department)?;
    let path_user = parse_path_id("userUUID", &path.user)?;
    let department = authorize_department(&state, &subscriber, &department_uuid).await?;
    let Query(query) =
        query.map_err(|e| rejection::from_query(e, "the only parameter is allOrNone=true|false"))?;
    let all_or_none = parse_all_or_none(query.all_or_none.as_deref())?;
    rejection::single_content_type(&headers)?;
    let input: UpdateFollowUpsInput = body.read().await?;
    context.set_follow_up_count(input.follow_up_uuids.as_ref().map_or(0, Vec::len));
    let command = validate_update(input, state.limits.max_ids_per_request).map_err(ApiError::from)?;
    let batch = UpdateBatch {
        department,
        path_user,
        command,
        all_or_none,
        subscriber_id: subscriber.id,
        request_id: request_id.0,
        now: Utc::now(),
    };
    let command = batch.command.clone();
    let department_uuid = batch.department.uuid.clone();
    let path_user = batch.path_user.clone();
    match state.store.apply_update(batch).await.map_err(ApiError::from)? {
        UpdateResult::Committed(plan) => {
            count_outcomes(&command, &plan);
            let warnings = plan.warnings(&command, &department_uuid);
            Ok(Envelope::ok(payload(&plan, true), warnings))
        }
        UpdateResult::Rejected(plan) => Err(rejected(&plan, plan.warnings(&command, &department_uuid))),
        UpdateResult::UnknownUser => Err(unknown_user(&path_user).into()),
    }
}

/// Counts the per-item outcomes of a committed batch.
fn count_outcomes(command: &UpdateCommand, plan: &BatchPlan) {
    let action = command.action.action_type().as_str();
    for item in &plan.items {
        let outcome = item.outcome.as_str();
        metrics::counter!(FOLLOW_UP_OUTCOMES, "action" => action, "outcome" => outcome).increment(1);
    }
}

/// Rejects a method other than PUT on the update path with 405.
pub async fn update_method_not_allowed(method: Method, uri: Uri) -> UpdateError {
    method_not_allowed_error(&method, &uri).into()
}

fn parse_all_or_none(value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "query parameter allOrNone must be true or false (received {other:?})"
        ))
        .with_metadata("field", "allOrNone")),
    }
}

/// Builds the payload; `committed` tells whether planned versions took effect.
fn payload(plan: &BatchPlan, committed: bool) -> UpdatePayload {
    let results = plan
        .items
        .iter()
        .map(|item| ItemResult {
            follow_up_uuid: item.id.clone(),
            outcome: item.outcome,
            version: match (&item.change, committed) {
                (Some(change), false) => Some(change.before.version),
                _ => item.version,
            },
        })
        .collect();
    UpdatePayload {
        update_successful: committed,
        archived_follow_up_uuid_list: plan.ids_with(Outcome::AlreadyArchived),
        results,
    }
}

fn rejected(plan: &BatchPlan, warnings: Vec<crate::domain::Warning>) -> UpdateError {
    let skipped: Vec<OpaqueId> = plan
        .items
        .iter()
        .filter(|item| item.outcome != Outcome::Updated)
        .map(|item| item.id.clone())
        .collect();
    let description = format!(
        "allOrNone=true and {} of {} follow-ups would not be updated ({}), so nothing was \
         changed; remove those ids or retry without allOrNone",
        skipped.len(),
        plan.items.len(),
        plan.describe_skipped()
    );
    let payload = payload(plan, false);
    let error = ApiError::new(StatusCode::CONFLICT, "BATCH_REJECTED", description)
        .with_metadata("followUpUUIDs", join_ids(&skipped))
        .with_warnings(warnings)
        .with_extra(
            "archivedFollowUpUUIDList",
            json!(payload.archived_follow_up_uuid_list),
        )
        .with_extra("results", json!(payload.results));
    UpdateError(error)
}

pub(super) fn unknown_user(user: &OpaqueId) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "USER_NOT_FOUND",
        format!(
            "path parameter userUUID {user} is not a user of this department's dealer; send the id \
             of the dealership user taking the action"
        ),
    )
    .with_metadata("userUUID", user.as_str())
}
