//! `POST /leads/followup/dealer/{dealerUUID}/list`: one page of a dealer's follow-ups.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::access::{authorize_dealer, parse_path_id, DealerAccess};
use super::authentication::Authenticated;
use super::body::JsonBody;
use super::envelope::Envelope;
use super::error::ApiError;
use super::follow_up_json::FollowUpJson;
use super::{rejection, AppState};
use crate::domain::fetch::{next_page_token, validate_fetch};
use crate::domain::overdue::today_in;
use crate::domain::{FetchCommand, FetchFollowUpsInput, OpaqueId, PageStart, SortKey, Warning};
use crate::storage::{DepartmentScope, FollowUpQuery, StoreError, TOTAL_COUNT_CAP};

#[derive(Debug, Deserialize)]
pub struct DealerPath {
    #[serde(rename = "dealerUUID")]
    dealer: String,
}

/// The success payload. `totalCount` and `nextPageToken` are extensions.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchPayload {
    follow_ups_list: Vec<FollowUpJson>,
    /// Matching follow-ups at the time of the request; `null` on pages fetched by token.
    total_count: Option<i64>,
    /// Token of the next page; `null` on the last page.
    next_page_token: Option<String>,
}

pub async fn fetch_follow_ups(
    State(state): State<AppState>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<DealerPath>, PathRejection>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Envelope<FetchPayload>, ApiError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    let dealer_uuid = parse_path_id("dealerUUID", &path.dealer)?;
    let access = authorize_dealer(&state, &subscriber, &dealer_uuid).await?;
    rejection::single_content_type(&headers)?;
    let input: FetchFollowUpsInput = body.read().await?;
    let (command, mut warnings) = validate_fetch(input)?;
    let departments = department_scope(&state, &access, command.department.as_ref()).await?;
    let zone: Tz = access.dealer.time_zone.parse().map_err(|_| {
        StoreError::Corrupt(format!(
            "dealer {} has the unknown time zone {:?}",
            access.dealer.uuid, access.dealer.time_zone
        ))
    })?;
    let today = today_in(zone, state.clock.now());
    let query = FollowUpQuery {
        dealer_id: access.dealer.id,
        departments,
        filter: command.filter.clone(),
        today,
        start: command.start.clone(),
        // One row more than the page shows whether another page follows.
        limit: command.limit + 1,
        count_total: !matches!(command.start, PageStart::After(_)),
    };
    let mut page = state.store.fetch_follow_ups(&query).await?;
    if page.total_count.is_some_and(|count| count > TOTAL_COUNT_CAP) {
        page.total_count = Some(TOTAL_COUNT_CAP);
        warnings.push(total_count_capped());
    }
    Ok(Envelope::ok(payload(&command, page, today), warnings))
}

fn total_count_capped() -> Warning {
    let description = format!(
        "more than {TOTAL_COUNT_CAP} follow-ups match, so totalCount shows {TOTAL_COUNT_CAP}; \
         narrow filterData for an exact count, or walk the pages with pageToken"
    );
    Warning::new("TOTAL_COUNT_CAPPED", description).with("cap", TOTAL_COUNT_CAP.to_string())
}

fn payload(
    command: &FetchCommand,
    page: crate::storage::FollowUpPage,
    today: chrono::NaiveDate,
) -> FetchPayload {
    let mut follow_ups = page.follow_ups;
    let more = follow_ups.len() > command.limit as usize;
    follow_ups.truncate(command.limit as usize);
    let next_page_token = match (more, follow_ups.last()) {
        (true, Some(last)) => Some(next_page_token(
            command,
            &SortKey {
                due_date: last.due_date,
                uuid: last.uuid.clone(),
            },
        )),
        _ => None,
    };
    FetchPayload {
        follow_ups_list: follow_ups
            .into_iter()
            .map(|f| FollowUpJson::new(f, today))
            .collect(),
        total_count: page.total_count,
        next_page_token,
    }
}

/// Narrows the subscriber's access to `dealerDepartmentUUID` when the request names one.
///
/// A department of another dealer is answered exactly like one that does not exist.
async fn department_scope(
    state: &AppState,
    access: &DealerAccess,
    department: Option<&OpaqueId>,
) -> Result<DepartmentScope, ApiError> {
    let Some(uuid) = department else {
        return Ok(access.scope.clone());
    };
    let found = state.find_department(uuid).await?;
    let Some(found) = found.filter(|d| d.dealer_id == access.dealer.id) else {
        return Err(ApiError::bad_request(format!(
            "dealerDepartmentUUID {uuid} is not a department of dealer {}; send one of its \
             departments or leave the field out to fetch the whole dealer",
            access.dealer.uuid
        ))
        .with_metadata("field", "dealerDepartmentUUID")
        .with_metadata("value", uuid.as_str()));
    };
    let allowed = match &access.scope {
        DepartmentScope::All => true,
        DepartmentScope::Only(ids) => ids.contains(&found.id),
    };
    if !allowed {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "NOT_AUTHORIZED_REQUEST",
            format!(
                "the service subscriber has no grant on department {uuid} or its dealer; ask the \
                 administrator for a grant, or fetch a department that is granted"
            ),
        )
        .with_metadata("dealerDepartmentUUID", uuid.as_str()));
    }
    Ok(DepartmentScope::Only(vec![found.id]))
}
