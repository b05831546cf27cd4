//! The bulk update transaction on SQLite, run by the writer thread.

use chrono::{DateTime, Utc};
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Row};

use super::writer::Writer;
use crate::domain::plan::plan_batch;
use crate::domain::ActionType;
use crate::storage::change_set::{format_timestamp, index_rows, ChangeRow};
use crate::storage::rows::StateRow;
use crate::storage::{StoreError, UpdateBatch, UpdateResult};

/// Applies a batch as one job of the writer. The job runs to the end even when the caller
/// stops waiting, so a client that disconnects cannot leave a batch half applied.
pub async fn apply_update(writer: &Writer, batch: UpdateBatch) -> Result<UpdateResult, StoreError> {
    writer.execute(move |conn| run_update(conn, &batch)).await
}

fn run_update(conn: &Connection, batch: &UpdateBatch) -> Result<UpdateResult, StoreError> {
    if !user_exists(conn, batch)? {
        return Ok(UpdateResult::UnknownUser);
    }
    let loaded = index_rows(load_states(conn, batch)?)?;
    let plan = plan_batch(&batch.command, &loaded.states, batch.now);
    if batch.all_or_none && !plan.all_updated() {
        return Ok(UpdateResult::Rejected(plan));
    }
    if plan.changes().next().is_some() {
        let changes: Vec<ChangeRow<'_>> = plan
            .changes()
            .map(|(id, change)| ChangeRow::new(loaded.row_ids[id], change))
            .collect();
        write_changes(conn, batch, &changes)?;
    }
    Ok(UpdateResult::Committed(plan))
}

fn user_exists(conn: &Connection, batch: &UpdateBatch) -> Result<bool, StoreError> {
    let mut statement = conn.prepare_cached("SELECT 1 FROM users WHERE dealer_id = ?1 AND uuid = ?2")?;
    let found: Option<i64> = statement
        .query_row(
            params![batch.department.dealer_id, batch.path_user.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

/// Loads the requested follow-ups that belong to the batch's department.
fn load_states(conn: &Connection, batch: &UpdateBatch) -> Result<Vec<StateRow>, StoreError> {
    let ids = serde_json::to_string(&batch.command.follow_up_ids).expect("ids serialize");
    let mut statement = conn.prepare_cached(
        "SELECT id, uuid, status, assignee_uuid, assignee_fname, assignee_lname, archived,
                archived_at, completed_at, completed_by_uuid, completed_by_fname,
                completed_by_lname, version
         FROM follow_ups
         WHERE dealer_id = ?1 AND department_id = ?2
           AND uuid IN (SELECT value FROM json_each(?3))",
    )?;
    let rows = statement.query_map(
        params![batch.department.dealer_id, batch.department.id, ids],
        state_row,
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn state_row(row: &Row<'_>) -> rusqlite::Result<StateRow> {
    Ok(StateRow {
        id: row.get(0)?,
        uuid: row.get(1)?,
        status: row.get(2)?,
        assignee_uuid: row.get(3)?,
        assignee_fname: row.get(4)?,
        assignee_lname: row.get(5)?,
        archived: row.get(6)?,
        archived_at: timestamp(row, 7)?,
        completed_at: timestamp(row, 8)?,
        completed_by_uuid: row.get(9)?,
        completed_by_fname: row.get(10)?,
        completed_by_lname: row.get(11)?,
        version: row.get(12)?,
    })
}

/// Reads an optional RFC 3339 timestamp column.
fn timestamp(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let Some(text) = row.get::<_, Option<String>>(index)? else {
        return Ok(None);
    };
    DateTime::parse_from_rfc3339(&text)
        .map(|at| Some(at.with_timezone(&Utc)))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
        })
}

/// Writes every change and its history event with cached prepared statements.
///
/// The writer thread calls SQLite directly, so a statement per follow-up costs a few
/// microseconds; that is cheaper than one statement over a JSON array, whose fields SQLite
/// would parse again for every column. Each action sets only the columns it changes,
/// because SQLite rewrites the entries of every index that contains a column named in
/// the SET clause: an assignment leaves the fetch indexes, which contain the status and
/// the archived flag, untouched.
fn write_changes(
    conn: &Connection,
    batch: &UpdateBatch,
    changes: &[ChangeRow<'_>],
) -> Result<(), StoreError> {
    let now = format_timestamp(batch.now);
    let action = batch.command.action.action_type();
    let mut insert = conn.prepare_cached(INSERT_EVENT)?;
    let mut update = conn.prepare_cached(update_statement(action))?;
    for row in changes {
        insert_event(&mut insert, batch, row, &now)?;
        update_follow_up(&mut update, action, row, conn.last_insert_rowid(), &now)?;
    }
    Ok(())
}

/// Returns the UPDATE that writes the columns `action` changes.
fn update_statement(action: ActionType) -> &'static str {
    match action {
        ActionType::Archive => ARCHIVE_FOLLOW_UP,
        ActionType::MarkAsDone => COMPLETE_FOLLOW_UP,
        ActionType::Assign | ActionType::Unassign => ASSIGN_FOLLOW_UP,
    }
}

/// Writes the new state of one follow-up and links it to `event`, its newest history event.
fn update_follow_up(
    update: &mut CachedStatement<'_>,
    action: ActionType,
    row: &ChangeRow<'_>,
    event: i64,
    now: &str,
) -> Result<(), StoreError> {
    match action {
        ActionType::Archive => {
            update.execute(params![
                row.id,
                row.archived,
                row.archived_at,
                row.version,
                now,
                event
            ])?;
        }
        ActionType::MarkAsDone => {
            update.execute(params![
                row.id,
                row.status,
                row.completed_at,
                row.completed_by_uuid,
                row.completed_by_fname,
                row.completed_by_lname,
                row.version,
                now,
                event,
            ])?;
        }
        ActionType::Assign | ActionType::Unassign => {
            update.execute(params![
                row.id,
                row.assignee_uuid,
                row.assignee_fname,
                row.assignee_lname,
                row.version,
                now,
                event,
            ])?;
        }
    }
    Ok(())
}

fn insert_event(
    insert: &mut CachedStatement<'_>,
    batch: &UpdateBatch,
    row: &ChangeRow<'_>,
    now: &str,
) -> Result<(), StoreError> {
    let actor = &batch.command.action_taken_by;
    insert.execute(params![
        row.id,
        batch.command.action.action_type().as_str(),
        row.status_before,
        row.status,
        row.assignee_uuid_before,
        row.assignee_fname_before,
        row.assignee_lname_before,
        row.assignee_uuid,
        row.assignee_fname,
        row.assignee_lname,
        row.archived_before,
        row.archived,
        row.version,
        batch.path_user.as_str(),
        actor.uuid.as_str(),
        actor.fname.as_str(),
        actor.lname.as_str(),
        batch.subscriber_id,
        batch.request_id,
        now,
    ])?;
    Ok(())
}

const COMPLETE_FOLLOW_UP: &str = "
UPDATE follow_ups SET
    status = ?2, completed_at = ?3, completed_by_uuid = ?4, completed_by_fname = ?5,
    completed_by_lname = ?6, version = ?7, updated_at = ?8, last_event_id = ?9
WHERE id = ?1";

const ASSIGN_FOLLOW_UP: &str = "
UPDATE follow_ups SET
    assignee_uuid = ?2, assignee_fname = ?3, assignee_lname = ?4, version = ?5, updated_at = ?6,
    last_event_id = ?7
WHERE id = ?1";

const ARCHIVE_FOLLOW_UP: &str = "
UPDATE follow_ups SET
    archived = ?2, archived_at = ?3, version = ?4, updated_at = ?5, last_event_id = ?6
WHERE id = ?1";

/// Appends an event linked to the follow-up's newest one before it.
const INSERT_EVENT: &str = "
INSERT INTO follow_up_events (
    follow_up_id, action, status_before, status_after,
    assignee_uuid_before, assignee_fname_before, assignee_lname_before,
    assignee_uuid_after, assignee_fname_after, assignee_lname_after,
    archived_before, archived_after, version_after,
    path_user_uuid, actor_uuid, actor_fname, actor_lname, subscriber_id, request_id, occurred_at,
    previous_event_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
    (SELECT last_event_id FROM follow_ups WHERE id = ?1))";
