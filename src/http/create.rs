//! `POST /leads/followup/department/{departmentUUID}/user/{userUUID}`: creates follow-ups
//! in one transaction. Upstream has no public create endpoint, so this one is an extension.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Extension;
use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::access::{authorize_department, parse_path_id};
use super::authentication::Authenticated;
use super::body::JsonBody;
use super::envelope::Envelope;
use super::error::ApiError;
use super::request_id::RequestId;
use super::update::{unknown_user, UpdatePath};
use super::{rejection, AppState};
use crate::domain::create_batch::{validate_create, BatchValidationError, CreateFollowUpsInput};
use crate::domain::plan::join_ids;
use crate::domain::{CreateOutcome, CreateProblem, OpaqueId};
use crate::storage::{Author, CreateBatch, CreateResult, CreatedFollowUp};

/// The success payload: one result per requested follow-up, in request order.
#[derive(Debug, Serialize)]
pub struct CreatePayload {
    results: Vec<CreatedItem>,
}

/// The follow-up created for one item, or the stored one that the item repeats.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedItem {
    #[serde(rename = "followUpUUID")]
    follow_up_uuid: OpaqueId,
    outcome: CreateOutcome,
    version: i64,
    due_date: NaiveDate,
}

impl From<CreatedFollowUp> for CreatedItem {
    fn from(created: CreatedFollowUp) -> Self {
        Self {
            follow_up_uuid: created.uuid,
            outcome: created.outcome,
            version: created.version,
            due_date: created.due_date,
        }
    }
}

/// Creates the follow-ups of the body in the path's department.
pub async fn create_follow_ups(
    State(state): State<AppState>,
    Extension(request_id): Extension<RequestId>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<UpdatePath>, PathRejection>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Envelope<CreatePayload>, ApiError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    let department_uuid = parse_path_id("departmentUUID", &path.department)?;
    let path_user = parse_path_id("userUUID", &path.user)?;
    let department = authorize_department(&state, &subscriber, &department_uuid).await?;
    rejection::single_content_type(&headers)?;
    let input: CreateFollowUpsInput = body.read().await?;
    let items = validate_create(input, state.limits.max_ids_per_request).map_err(invalid_batch)?;

    let author = Author {
        path_user: path_user.clone(),
        subscriber_id: subscriber.id,
        request_id: request_id.0,
    };
    let batch = CreateBatch {
        department,
        items,
        author: Some(author),
        now: Utc::now(),
        dry_run: false,
    };
    match state.store.create_follow_ups(batch).await? {
        CreateResult::Committed(created) => {
            log_created(&department_uuid, &created);
            let results = created.into_iter().map(CreatedItem::from).collect();
            Ok(Envelope::ok(CreatePayload { results }, Vec::new()))
        }
        CreateResult::Rejected(problems) => Err(rejected(&problems)),
        CreateResult::UnknownUser => Err(unknown_user(&path_user)),
        CreateResult::Planned(_) => unreachable!("the batch is not a dry run"),
    }
}

fn log_created(department: &OpaqueId, created: &[CreatedFollowUp]) {
    let new = created
        .iter()
        .filter(|c| c.outcome == CreateOutcome::Created)
        .count();
    tracing::info!(
        department.uuid = %department,
        follow_up.created = new,
        follow_up.existing = created.len() - new,
        "created follow-ups in department {department}"
    );
}

fn invalid_batch(error: BatchValidationError) -> ApiError {
    let count = error.count;
    let mut api_error = ApiError::from(error.first);
    if count > 1 {
        api_error.description = format!(
            "{}; {} more invalid field(s) follow, so check every item",
            api_error.description,
            count - 1
        );
    }
    api_error.with_metadata("invalidFieldCount", count)
}

/// Answers the first bad item with 400, or the first conflicting one with 409 when every
/// problem is a conflict with stored follow-ups.
fn rejected(problems: &[CreateProblem]) -> ApiError {
    let first_bad = problems.iter().find(|p| !p.is_conflict());
    let (status, code, first) = match first_bad {
        Some(problem) => (StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA", problem),
        None => (StatusCode::CONFLICT, "FOLLOW_UP_CONFLICT", &problems[0]),
    };
    let field = format!("followUps[{}].{}", first.index, first.field);
    let mut description = format!("{field} {} (received {:?})", first.reason(), first.value);
    if problems.len() > 1 {
        description = format!(
            "{description}; {} more item(s) have problems, and nothing was created",
            problems.len() - 1
        );
    }
    let mut error = ApiError::new(status, code, description)
        .with_metadata("field", field)
        .with_metadata("value", first.value.as_str());
    if status == StatusCode::CONFLICT {
        let ids: Vec<OpaqueId> = problems
            .iter()
            .map(|p| OpaqueId::from_trusted(p.value.clone()))
            .collect();
        error = error.with_metadata("followUpUUIDs", join_ids(&ids));
    }
    error
}
