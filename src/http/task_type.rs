//! Task types of a dealer (extension: upstream documents no task type endpoints).
//!
//! - `POST /leads/followup/dealer/{dealerUUID}/tasktype` creates one.
//! - `GET /leads/followup/dealer/{dealerUUID}/tasktype/list` lists them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use super::access::{authorize_dealer, authorize_dealer_write, parse_path_id};
use super::authentication::Authenticated;
use super::body::JsonBody;
use super::envelope::Envelope;
use super::error::ApiError;
use super::{rejection, AppState};
use crate::domain::task_type::{validate_task_type, TaskTypeInput};
use crate::domain::OpaqueId;
use crate::storage::{NewTaskType, StoreError, TaskType};

/// The path of the dealer endpoints of this module and of the template endpoints.
#[derive(Debug, Deserialize)]
pub struct DealerPath {
    #[serde(rename = "dealerUUID")]
    pub dealer: String,
}

/// A task type in responses.
#[derive(Debug, Serialize)]
pub struct TaskTypeJson {
    uuid: OpaqueId,
    name: String,
    description: String,
    active: bool,
}

impl From<TaskType> for TaskTypeJson {
    fn from(task_type: TaskType) -> Self {
        Self {
            uuid: task_type.uuid,
            name: task_type.name,
            description: task_type.description,
            active: task_type.active,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedTaskType {
    task_type: TaskTypeJson,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskTypeList {
    task_type_list: Vec<TaskTypeJson>,
}

/// Creates an active task type for the path's dealer.
pub async fn create_task_type(
    State(state): State<AppState>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<DealerPath>, PathRejection>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Envelope<CreatedTaskType>, ApiError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    let dealer_uuid = parse_path_id("dealerUUID", &path.dealer)?;
    authorize_dealer_write(&state, &subscriber, &dealer_uuid).await?;
    rejection::single_content_type(&headers)?;
    let input: TaskTypeInput = body.read().await?;
    let draft = validate_task_type(input)?;

    let new = NewTaskType {
        uuid: draft.uuid.clone(),
        dealer_uuid: dealer_uuid.clone(),
        name: draft.name.clone(),
        description: draft.description.clone(),
    };
    match state.store.create_task_type(new).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists { .. }) => return Err(task_type_conflict(&dealer_uuid, &draft.uuid)),
        Err(other) => return Err(other.into()),
    }
    tracing::info!(
        dealer.uuid = %dealer_uuid,
        task_type.uuid = %draft.uuid,
        "created task type {} for dealer {dealer_uuid}", draft.uuid
    );
    let task_type = TaskTypeJson {
        uuid: draft.uuid,
        name: draft.name,
        description: draft.description,
        active: true,
    };
    Ok(Envelope::ok(CreatedTaskType { task_type }, Vec::new()))
}

/// Lists the task types of the path's dealer, in creation order.
pub async fn list_task_types(
    State(state): State<AppState>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<DealerPath>, PathRejection>,
) -> Result<Envelope<TaskTypeList>, ApiError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    let dealer_uuid = parse_path_id("dealerUUID", &path.dealer)?;
    let access = authorize_dealer(&state, &subscriber, &dealer_uuid).await?;
    let task_types = state.store.list_task_types(access.dealer.id).await?;
    let task_type_list = task_types.into_iter().map(TaskTypeJson::from).collect();
    Ok(Envelope::ok(TaskTypeList { task_type_list }, Vec::new()))
}

fn task_type_conflict(dealer: &OpaqueId, uuid: &OpaqueId) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "TASK_TYPE_CONFLICT",
        format!(
            "dealer {dealer} already has a task type with uuid {uuid}; send another uuid or leave \
             it out to have one generated"
        ),
    )
    .with_metadata("field", "uuid")
    .with_metadata("value", uuid.as_str())
}
