//! `GET /leads/followup/department/{departmentUUID}/followup/{followUpUUID}/history`: the
//! recorded changes of one follow-up, newest first. An extension of the upstream API.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::access::{authorize_department, parse_path_id};
use super::authentication::Authenticated;
use super::envelope::Envelope;
use super::error::ApiError;
use super::follow_up_json::timestamp;
use super::{rejection, AppState};
use crate::domain::history::{next_history_token, validate_history_query, HistoryQueryInput};
use crate::domain::{FollowUpStatus, OpaqueId, PersonRef};
use crate::storage::HistoryEvent;

#[derive(Debug, Deserialize)]
pub struct HistoryPath {
    #[serde(rename = "departmentUUID")]
    department: String,
    #[serde(rename = "followUpUUID")]
    follow_up: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPayload {
    history_list: Vec<EventJson>,
    /// Token of the next, older page; `null` on the last page.
    next_page_token: Option<String>,
}

/// One recorded change on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EventJson {
    action: String,
    before: StateJson,
    after: StateJson,
    /// The `userUUID` path parameter of the update request.
    path_user_uuid: OpaqueId,
    action_taken_by: PersonRef,
    /// Username of the service subscriber that sent the request.
    subscriber: String,
    request_id: String,
    time: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StateJson {
    status: FollowUpStatus,
    assignee: Option<PersonRef>,
    archived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
}

pub async fn follow_up_history(
    State(state): State<AppState>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<HistoryPath>, PathRejection>,
    query: Result<Query<HistoryQueryInput>, QueryRejection>,
) -> Result<Envelope<HistoryPayload>, ApiError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    let department_uuid = parse_path_id("departmentUUID", &path.department)?;
    let follow_up = parse_path_id("followUpUUID", &path.follow_up)?;
    authorize_department(&state, &subscriber, &department_uuid).await?;
    let Query(query) = query.map_err(|e| {
        rejection::from_query(
            e,
            "the parameters are limit and pageToken, each optional and at most once",
        )
    })?;
    let (request, warnings) = validate_history_query(query)?;
    let events = state
        .store
        .follow_up_history_page(&department_uuid, &follow_up, request.before, request.limit + 1)
        .await?
        .ok_or_else(|| not_found(&department_uuid, &follow_up))?;
    Ok(Envelope::ok(payload(events, request.limit as usize), warnings))
}

fn payload(mut events: Vec<HistoryEvent>, limit: usize) -> HistoryPayload {
    let more = events.len() > limit;
    events.truncate(limit);
    let next_page_token = match (more, events.last()) {
        (true, Some(last)) => Some(next_history_token(last.id)),
        _ => None,
    };
    HistoryPayload {
        history_list: events.into_iter().map(event_json).collect(),
        next_page_token,
    }
}

fn event_json(event: HistoryEvent) -> EventJson {
    EventJson {
        action: event.action,
        before: StateJson {
            status: event.status_before,
            assignee: event.assignee_before,
            archived: event.archived_before,
            version: None,
        },
        after: StateJson {
            status: event.status_after,
            assignee: event.assignee_after,
            archived: event.archived_after,
            version: Some(event.version_after),
        },
        path_user_uuid: event.path_user,
        action_taken_by: event.action_taken_by,
        subscriber: event.subscriber_username,
        request_id: event.request_id,
        time: timestamp(event.occurred_at),
    }
}

/// The answer for a follow-up that is missing from the department, whether it exists
/// elsewhere or not at all.
fn not_found(department: &OpaqueId, follow_up: &OpaqueId) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "FOLLOW_UP_NOT_FOUND",
        format!(
            "department {department} has no follow-up {follow_up}; check both ids, and use the \
             department the follow-up belongs to"
        ),
    )
    .with_metadata("followUpUUID", follow_up.as_str())
}
