//! The bulk update transaction on SQLite.

use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::domain::plan::plan_batch;
use crate::domain::OpaqueId;
use crate::storage::change_set::{encode_changes, format_timestamp, index_rows};
use crate::storage::rows::StateRow;
use crate::storage::{time_acquire, StoreError, UpdateBatch, UpdateResult};

/// Runs the batch on its own task, so that a client that disconnects mid-request cannot
/// cancel the transaction halfway; SQLite then commits or rolls back as a whole.
pub async fn apply_update(writer: &SqlitePool, batch: UpdateBatch) -> Result<UpdateResult, StoreError> {
    let writer = writer.clone();
    let task = tokio::spawn(async move { run_update(&writer, batch).await });
    match task.await {
        Ok(result) => result,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

async fn run_update(writer: &SqlitePool, batch: UpdateBatch) -> Result<UpdateResult, StoreError> {
    let mut tx = time_acquire("writer", writer.begin_with("BEGIN IMMEDIATE")).await?;
    if !user_exists(&mut tx, batch.department.dealer_id, &batch.path_user).await? {
        return Ok(UpdateResult::UnknownUser);
    }
    let rows = load_states(&mut tx, &batch).await?;
    let loaded = index_rows(rows)?;
    let plan = plan_batch(&batch.command, &loaded.states, batch.now);
    if batch.all_or_none && !plan.all_updated() {
        return Ok(UpdateResult::Rejected(plan));
    }
    if plan.changes().next().is_some() {
        let changes = encode_changes(&plan, &loaded.row_ids);
        write_changes(&mut tx, &batch, &changes).await?;
    }
    tx.commit().await?;
    Ok(UpdateResult::Committed(plan))
}

async fn user_exists(
    tx: &mut Transaction<'_, Sqlite>,
    dealer_id: i64,
    user: &OpaqueId,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE dealer_id = ?1 AND uuid = ?2")
        .bind(dealer_id)
        .bind(user.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

/// Loads the requested follow-ups that belong to the batch's department.
async fn load_states(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &UpdateBatch,
) -> Result<Vec<StateRow>, StoreError> {
    let ids = serde_json::to_string(&batch.command.follow_up_ids).expect("ids serialize");
    let rows = sqlx::query_as(
        "SELECT id, uuid, status, assignee_uuid, assignee_fname, assignee_lname, archived,
                archived_at, completed_at, completed_by_uuid, completed_by_fname,
                completed_by_lname, version
         FROM follow_ups
         WHERE dealer_id = ?1 AND department_id = ?2
           AND uuid IN (SELECT value FROM json_each(?3))",
    )
    .bind(batch.department.dealer_id)
    .bind(batch.department.id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows)
}

/// Writes every change with one UPDATE and its history with one INSERT.
async fn write_changes(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &UpdateBatch,
    changes: &str,
) -> Result<(), StoreError> {
    let now = format_timestamp(batch.now);
    sqlx::query(UPDATE_FOLLOW_UPS)
        .bind(changes)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    let actor = &batch.command.action_taken_by;
    sqlx::query(INSERT_EVENTS)
        .bind(changes)
        .bind(batch.command.action.action_type().as_str())
        .bind(batch.path_user.as_str())
        .bind(actor.uuid.as_str())
        .bind(actor.fname.as_str())
        .bind(actor.lname.as_str())
        .bind(batch.subscriber_id)
        .bind(&batch.request_id)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
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
