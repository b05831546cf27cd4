//! Values of a batch create and the JSON row encoding that both backends insert from.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::change_set::format_timestamp;
use super::rows::{optional_person, parse_status};
use super::{Department, StoreError};
use crate::domain::create_plan::{CreateOutcome, CreateProblem, PlannedCreate, StoredFollowUp};
use crate::domain::{CreateItem, FollowUpStatus, OpaqueId};

/// Who creates the follow-ups over HTTP; the history event of each creation names them.
#[derive(Debug, Clone)]
pub struct Author {
    /// The `userUUID` path parameter, which must be a user of the department's dealer.
    pub path_user: OpaqueId,
    pub subscriber_id: i64,
    pub request_id: String,
}

/// A validated batch of follow-ups to create in one department, in one transaction.
#[derive(Debug, Clone)]
pub struct CreateBatch {
    pub department: Department,
    pub items: Vec<CreateItem>,
    /// `None` for an administrative import, which writes no history events because every
    /// event names a service subscriber and a dealership user.
    pub author: Option<Author>,
    pub now: DateTime<Utc>,
    /// When set, the batch is planned and checked but nothing is written.
    pub dry_run: bool,
}

/// One item of a committed batch, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedFollowUp {
    pub uuid: OpaqueId,
    pub outcome: CreateOutcome,
    pub version: i64,
    pub due_date: chrono::NaiveDate,
}

/// What [`Store::create_follow_ups`](super::Store::create_follow_ups) did.
#[derive(Debug, Clone)]
pub enum CreateResult {
    /// Every item was created or already existed with the same content.
    Committed(Vec<CreatedFollowUp>),
    /// `dry_run` was set and every item could be created; nothing changed.
    Planned(Vec<CreatedFollowUp>),
    /// Some items cannot be created; nothing changed.
    Rejected(Vec<CreateProblem>),
    /// The author's path user is not a user of the department's dealer; nothing changed.
    UnknownUser,
}

/// One follow-up to insert, in the column names of `follow_ups`.
#[derive(Debug, Serialize)]
struct NewRow<'a> {
    uuid: &'a str,
    customer_uuid: &'a str,
    task_type_uuid: Option<&'a str>,
    title: &'a str,
    notes: &'a str,
    due_date: String,
    status: &'static str,
    assignee_uuid: Option<&'a str>,
    assignee_fname: Option<&'a str>,
    assignee_lname: Option<&'a str>,
    completed_at: Option<&'a str>,
}

/// Encodes the planned items with outcome `Created` as one JSON array of rows.
///
/// A follow-up created as `COMPLETE` gets `completed_at = now`; its `completed_by` columns
/// are filled by the backend from the author, and stay empty for an import.
pub fn encode_new_rows(planned: &[PlannedCreate], now: &str) -> String {
    let rows: Vec<NewRow<'_>> = planned
        .iter()
        .filter(|p| p.outcome == CreateOutcome::Created)
        .map(|p| new_row(&p.item, now))
        .collect();
    serde_json::to_string(&rows).expect("new rows always serialize")
}

fn new_row<'a>(item: &'a CreateItem, now: &'a str) -> NewRow<'a> {
    let assignee = item.assignee.as_ref();
    let complete = item.status == FollowUpStatus::Complete;
    NewRow {
        uuid: item.uuid.as_str(),
        customer_uuid: item.customer_uuid.as_str(),
        task_type_uuid: item.task_type_uuid.as_ref().map(OpaqueId::as_str),
        title: &item.title,
        notes: &item.notes,
        due_date: item.due_date.expect("planned items have a due date").to_string(),
        status: item.status.as_str(),
        assignee_uuid: assignee.map(|a| a.uuid.as_str()),
        assignee_fname: assignee.map(|a| a.fname.as_str()),
        assignee_lname: assignee.map(|a| a.lname.as_str()),
        completed_at: complete.then_some(now),
    }
}

/// Returns the results of a committed plan, in request order.
pub fn created_follow_ups(planned: Vec<PlannedCreate>) -> Vec<CreatedFollowUp> {
    planned
        .into_iter()
        .map(|p| CreatedFollowUp {
            due_date: p.item.due_date.expect("planned items have a due date"),
            uuid: p.item.uuid,
            outcome: p.outcome,
            version: p.version,
        })
        .collect()
}

/// Encodes ids as a JSON array, for `json_each` and `jsonb_array_elements_text`.
pub fn encode_ids(items: &[CreateItem]) -> String {
    let ids: Vec<&str> = items.iter().map(|item| item.uuid.as_str()).collect();
    serde_json::to_string(&ids).expect("ids always serialize")
}

/// Formats the batch time as stored.
pub fn batch_time(batch: &CreateBatch) -> String {
    format_timestamp(batch.now)
}

/// A stored follow-up whose id a batch requests, as both backends read it.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredRow {
    pub uuid: String,
    pub department_uuid: String,
    pub customer_uuid: Option<String>,
    pub task_type_uuid: Option<String>,
    pub title: String,
    pub notes: String,
    pub due_date: chrono::NaiveDate,
    pub status: String,
    pub assignee_uuid: Option<String>,
    pub assignee_fname: Option<String>,
    pub assignee_lname: Option<String>,
    pub version: i64,
}

impl StoredRow {
    /// Converts the row into the id and the value that planning compares with.
    pub fn into_stored(self) -> Result<(OpaqueId, StoredFollowUp), StoreError> {
        let status = parse_status(&self.status)?;
        let assignee = optional_person(&self.assignee_uuid, &self.assignee_fname, &self.assignee_lname);
        let stored = StoredFollowUp {
            department_uuid: OpaqueId::from_trusted(self.department_uuid),
            customer_uuid: self.customer_uuid,
            task_type_uuid: self.task_type_uuid.map(OpaqueId::from_trusted),
            title: self.title,
            notes: self.notes,
            due_date: self.due_date,
            status,
            assignee,
            version: self.version,
        };
        Ok((OpaqueId::from_trusted(self.uuid), stored))
    }
}
