//! The follow-up object of the fetch answer.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use crate::domain::overdue::is_overdue;
use crate::domain::{FollowUpStatus, OpaqueId, PersonRef};
use crate::storage::FollowUp;

/// A follow-up on the wire. Timestamps are RFC 3339 in UTC with milliseconds; `dueDate` is a
/// calendar date in the dealer's time zone.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpJson {
    uuid: OpaqueId,
    dealer_uuid: OpaqueId,
    dealer_department_uuid: OpaqueId,
    customer_uuid: Option<String>,
    task_type_uuid: Option<OpaqueId>,
    title: String,
    notes: String,
    status: FollowUpStatus,
    due_date: NaiveDate,
    /// Extension: computed at request time in the dealer's time zone.
    overdue: bool,
    assignee: Option<PersonRef>,
    archived: bool,
    archived_date: Option<String>,
    completed_date: Option<String>,
    completed_by: Option<PersonRef>,
    created_date: String,
    updated_date: String,
    version: i64,
}

/// Formats a timestamp as RFC 3339 in UTC with milliseconds, such as `2025-03-10T17:04:05.123Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl FollowUpJson {
    /// Converts a stored follow-up; `today` is the dealer's current date.
    pub fn new(follow_up: FollowUp, today: NaiveDate) -> Self {
        let state = follow_up.state;
        let completion = state.completion;
        Self {
            overdue: is_overdue(state.status, follow_up.due_date, today),
            uuid: follow_up.uuid,
            dealer_uuid: follow_up.dealer_uuid,
            dealer_department_uuid: follow_up.department_uuid,
            customer_uuid: follow_up.customer_uuid,
            task_type_uuid: follow_up.task_type_uuid,
            title: follow_up.title,
            notes: follow_up.notes,
            status: state.status,
            due_date: follow_up.due_date,
            assignee: state.assignee,
            archived: state.archived,
            archived_date: state.archived_at.map(timestamp),
            completed_date: completion.as_ref().map(|c| timestamp(c.at)),
            completed_by: completion.map(|c| c.by),
            created_date: timestamp(follow_up.created_at),
            updated_date: timestamp(follow_up.updated_at),
            version: state.version,
        }
    }
}
