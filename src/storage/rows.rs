//! Row types shared by both backends and their conversion into domain values.

use chrono::{DateTime, NaiveDate, Utc};

use super::{FollowUp, HistoryEvent, StoreError};
use crate::domain::{Completion, FollowUpState, FollowUpStatus, OpaqueId, PersonName, PersonRef};

/// The columns of `follow_ups` that bulk actions read.
#[derive(Debug, sqlx::FromRow)]
pub struct StateRow {
    pub id: i64,
    pub uuid: String,
    pub status: String,
    pub assignee_uuid: Option<String>,
    pub assignee_fname: Option<String>,
    pub assignee_lname: Option<String>,
    pub archived: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by_uuid: Option<String>,
    pub completed_by_fname: Option<String>,
    pub completed_by_lname: Option<String>,
    pub version: i64,
}

impl StateRow {
    pub fn state(&self) -> Result<FollowUpState, StoreError> {
        let completion = match (&self.completed_by_uuid, self.completed_at) {
            (Some(uuid), Some(at)) => Some(Completion {
                by: person(uuid, &self.completed_by_fname, &self.completed_by_lname),
                at,
            }),
            _ => None,
        };
        Ok(FollowUpState {
            status: parse_status(&self.status)?,
            assignee: optional_person(&self.assignee_uuid, &self.assignee_fname, &self.assignee_lname),
            archived: self.archived,
            archived_at: self.archived_at,
            completion,
            version: self.version,
        })
    }
}

/// A whole follow-up row with its dealer's and department's ids.
#[derive(Debug, sqlx::FromRow)]
pub struct FollowUpRow {
    #[sqlx(flatten)]
    pub state: StateRow,
    pub dealer_uuid: String,
    pub department_uuid: String,
    pub customer_uuid: Option<String>,
    pub task_type_uuid: Option<String>,
    pub title: String,
    pub notes: String,
    pub due_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FollowUpRow {
    pub fn into_follow_up(self) -> Result<FollowUp, StoreError> {
        Ok(FollowUp {
            state: self.state.state()?,
            uuid: OpaqueId::from_trusted(self.state.uuid),
            dealer_uuid: OpaqueId::from_trusted(self.dealer_uuid),
            department_uuid: OpaqueId::from_trusted(self.department_uuid),
            customer_uuid: self.customer_uuid,
            task_type_uuid: self.task_type_uuid.map(OpaqueId::from_trusted),
            title: self.title,
            notes: self.notes,
            due_date: self.due_date,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// One row of `follow_up_events` with the subscriber's username.
#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub action: String,
    pub status_before: String,
    pub status_after: String,
    pub assignee_uuid_before: Option<String>,
    pub assignee_fname_before: Option<String>,
    pub assignee_lname_before: Option<String>,
    pub assignee_uuid_after: Option<String>,
    pub assignee_fname_after: Option<String>,
    pub assignee_lname_after: Option<String>,
    pub archived_before: bool,
    pub archived_after: bool,
    pub version_after: i64,
    pub path_user_uuid: String,
    pub actor_uuid: String,
    pub actor_fname: String,
    pub actor_lname: String,
    pub username: String,
    pub request_id: String,
    pub occurred_at: DateTime<Utc>,
}

impl EventRow {
    pub fn into_event(self) -> Result<HistoryEvent, StoreError> {
        Ok(HistoryEvent {
            id: self.id,
            status_before: parse_status(&self.status_before)?,
            status_after: parse_status(&self.status_after)?,
            assignee_before: optional_person(
                &self.assignee_uuid_before,
                &self.assignee_fname_before,
                &self.assignee_lname_before,
            ),
            assignee_after: optional_person(
                &self.assignee_uuid_after,
                &self.assignee_fname_after,
                &self.assignee_lname_after,
            ),
            action_taken_by: person(&self.actor_uuid, &Some(self.actor_fname), &Some(self.actor_lname)),
            action: self.action,
            archived_before: self.archived_before,
            archived_after: self.archived_after,
            version_after: self.version_after,
            path_user: OpaqueId::from_trusted(self.path_user_uuid),
            subscriber_username: self.username,
            request_id: self.request_id,
            occurred_at: self.occurred_at,
        })
    }
}

pub(super) fn parse_status(value: &str) -> Result<FollowUpStatus, StoreError> {
    FollowUpStatus::parse(value)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown follow-up status {value:?} in the database")))
}

fn person(uuid: &str, fname: &Option<String>, lname: &Option<String>) -> PersonRef {
    PersonRef {
        uuid: OpaqueId::from_trusted(uuid.to_owned()),
        fname: PersonName::from_trusted(fname.clone().unwrap_or_default()),
        lname: PersonName::from_trusted(lname.clone().unwrap_or_default()),
    }
}

pub(super) fn optional_person(
    uuid: &Option<String>,
    fname: &Option<String>,
    lname: &Option<String>,
) -> Option<PersonRef> {
    uuid.as_deref().map(|uuid| person(uuid, fname, lname))
}
