//! A batch's planned changes encoded as one JSON array, so that each backend writes the
//! whole batch with one UPDATE and one INSERT instead of a statement per follow-up.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::domain::{BatchPlan, Change, FollowUpState, OpaqueId, PersonRef};

/// One changed follow-up: its row id, the state after the change, and the event columns.
#[derive(Debug, Serialize)]
pub struct ChangeRow<'a> {
    pub id: i64,
    pub status: &'static str,
    pub assignee_uuid: Option<&'a str>,
    pub assignee_fname: Option<&'a str>,
    pub assignee_lname: Option<&'a str>,
    pub archived: bool,
    pub archived_at: Option<String>,
    pub completed_at: Option<String>,
    pub completed_by_uuid: Option<&'a str>,
    pub completed_by_fname: Option<&'a str>,
    pub completed_by_lname: Option<&'a str>,
    pub version: i64,
    pub status_before: &'static str,
    pub assignee_uuid_before: Option<&'a str>,
    pub assignee_fname_before: Option<&'a str>,
    pub assignee_lname_before: Option<&'a str>,
    pub archived_before: bool,
}

impl<'a> ChangeRow<'a> {
    pub fn new(id: i64, change: &'a Change) -> Self {
        let (before, after) = (&change.before, &change.after);
        let completed_by = after.completion.as_ref().map(|c| &c.by);
        Self {
            id,
            status: after.status.as_str(),
            assignee_uuid: uuid(after.assignee.as_ref()),
            assignee_fname: fname(after.assignee.as_ref()),
            assignee_lname: lname(after.assignee.as_ref()),
            archived: after.archived,
            archived_at: after.archived_at.map(format_timestamp),
            completed_at: after.completion.as_ref().map(|c| format_timestamp(c.at)),
            completed_by_uuid: uuid(completed_by),
            completed_by_fname: fname(completed_by),
            completed_by_lname: lname(completed_by),
            version: after.version,
            status_before: before.status.as_str(),
            assignee_uuid_before: uuid(before.assignee.as_ref()),
            assignee_fname_before: fname(before.assignee.as_ref()),
            assignee_lname_before: lname(before.assignee.as_ref()),
            archived_before: before.archived,
        }
    }
}

fn uuid(person: Option<&PersonRef>) -> Option<&str> {
    person.map(|p| p.uuid.as_str())
}

fn fname(person: Option<&PersonRef>) -> Option<&str> {
    person.map(|p| p.fname.as_str())
}

fn lname(person: Option<&PersonRef>) -> Option<&str> {
    person.map(|p| p.lname.as_str())
}

/// Formats a timestamp as RFC 3339 in UTC with milliseconds, which sorts as text.
pub fn format_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Loaded follow-ups: the states that planning needs and the row ids that writing needs.
pub struct LoadedStates {
    pub states: HashMap<OpaqueId, FollowUpState>,
    pub row_ids: HashMap<OpaqueId, i64>,
}

/// Indexes loaded rows by follow-up id.
pub fn index_rows(rows: Vec<super::rows::StateRow>) -> Result<LoadedStates, super::StoreError> {
    let mut states = HashMap::with_capacity(rows.len());
    let mut row_ids = HashMap::with_capacity(rows.len());
    for row in rows {
        let state = row.state()?;
        let uuid = OpaqueId::from_trusted(row.uuid);
        row_ids.insert(uuid.clone(), row.id);
        states.insert(uuid, state);
    }
    Ok(LoadedStates { states, row_ids })
}

/// Encodes the plan's changes as a JSON array of [`ChangeRow`]s.
pub fn encode_changes(plan: &BatchPlan, row_ids: &HashMap<OpaqueId, i64>) -> String {
    let rows: Vec<ChangeRow<'_>> = plan
        .changes()
        .map(|(id, change)| ChangeRow::new(row_ids[id], change))
        .collect();
    serde_json::to_string(&rows).expect("change rows always serialize")
}
