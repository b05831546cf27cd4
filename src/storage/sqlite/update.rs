//! The bulk update transaction on SQLite, run by the writer thread.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::writer::Writer;
use crate::domain::plan::plan_batch;
use crate::storage::change_set::{encode_changes, format_timestamp, index_rows};
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
        write_changes(conn, batch, &encode_changes(&plan, &loaded.row_ids))?;
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

/// Writes every change with one UPDATE and its history with one INSERT.
fn write_changes(conn: &Connection, batch: &UpdateBatch, changes: &str) -> Result<(), StoreError> {
    let now = format_timestamp(batch.now);
    conn.prepare_cached(UPDATE_FOLLOW_UPS)?
        .execute(params![changes, now])?;
    let actor = &batch.command.action_taken_by;
    conn.prepare_cached(INSERT_EVENTS)?.execute(params![
        changes,
        batch.command.action.action_type().as_str(),
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

const UPDATE_FOLLOW_UPS: &str = "
UPDATE follow_ups SET
    status = c.status,
    assignee_uuid = c.assignee_uuid,
    assignee_fname = c.assignee_fname,
    assignee_lname = c.assignee_lname,
    archived = c.archived,
    archived_at = c.archived_at,
    completed_at = c.completed_at,
    completed_by_uuid = c.completed_by_uuid,
    completed_by_fname = c.completed_by_fname,
    completed_by_lname = c.completed_by_lname,
    version = c.version,
    updated_at = ?2
FROM (
    SELECT value ->> 'id' AS id, value ->> 'status' AS status,
           value ->> 'assignee_uuid' AS assignee_uuid,
           value ->> 'assignee_fname' AS assignee_fname,
           value ->> 'assignee_lname' AS assignee_lname,
           value ->> 'archived' AS archived, value ->> 'archived_at' AS archived_at,
           value ->> 'completed_at' AS completed_at,
           value ->> 'completed_by_uuid' AS completed_by_uuid,
           value ->> 'completed_by_fname' AS completed_by_fname,
           value ->> 'completed_by_lname' AS completed_by_lname,
           value ->> 'version' AS version
    FROM json_each(?1)
) AS c
WHERE follow_ups.id = c.id";

const INSERT_EVENTS: &str = "
INSERT INTO follow_up_events (
    follow_up_id, action, status_before, status_after,
    assignee_uuid_before, assignee_fname_before, assignee_lname_before,
    assignee_uuid_after, assignee_fname_after, assignee_lname_after,
    archived_before, archived_after, version_after,
    path_user_uuid, actor_uuid, actor_fname, actor_lname, subscriber_id, request_id, occurred_at)
SELECT value ->> 'id', ?2, value ->> 'status_before', value ->> 'status',
       value ->> 'assignee_uuid_before', value ->> 'assignee_fname_before',
       value ->> 'assignee_lname_before',
       value ->> 'assignee_uuid', value ->> 'assignee_fname', value ->> 'assignee_lname',
       value ->> 'archived_before', value ->> 'archived', value ->> 'version',
       ?3, ?4, ?5, ?6, ?7, ?8, ?9
FROM json_each(?1)
ORDER BY key";
