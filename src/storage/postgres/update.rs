//! The bulk update transaction on PostgreSQL.

use sqlx::{PgPool, Postgres, Transaction};

use crate::domain::plan::plan_batch;
use crate::domain::OpaqueId;
use crate::storage::change_set::{encode_changes, index_rows};
use crate::storage::rows::StateRow;
use crate::storage::{time_acquire, StoreError, UpdateBatch, UpdateResult};

/// Runs the batch on its own task, so that a client that disconnects mid-request cannot
/// cancel the transaction halfway; PostgreSQL then commits or rolls back as a whole.
pub async fn apply_update(pool: &PgPool, batch: UpdateBatch) -> Result<UpdateResult, StoreError> {
    let pool = pool.clone();
    let task = tokio::spawn(async move { run_update(&pool, batch).await });
    match task.await {
        Ok(result) => result,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

async fn run_update(pool: &PgPool, batch: UpdateBatch) -> Result<UpdateResult, StoreError> {
    let mut tx = time_acquire("writer", pool.begin()).await?;
    if !user_exists(&mut tx, batch.department.dealer_id, &batch.path_user).await? {
        return Ok(UpdateResult::UnknownUser);
    }
    let rows = lock_states(&mut tx, &batch).await?;
    let loaded = index_rows(rows)?;
    let plan = plan_batch(&batch.command, &loaded.states, batch.now);
    if batch.all_or_none && !plan.all_updated() {
        return Ok(UpdateResult::Rejected(plan));
    }
    if plan.changes().next().is_some() {
        let changes = encode_changes(&plan, &loaded.row_ids);
        let row_ids: Vec<i64> = plan.changes().map(|(id, _)| loaded.row_ids[id]).collect();
        write_changes(&mut tx, &batch, &changes, &row_ids).await?;
    }
    tx.commit().await?;
    Ok(UpdateResult::Committed(plan))
}

async fn user_exists(
    tx: &mut Transaction<'_, Postgres>,
    dealer_id: i64,
    user: &OpaqueId,
) -> Result<bool, StoreError> {
    let found = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE dealer_id = $1 AND uuid = $2)")
        .bind(dealer_id)
        .bind(user.as_str())
        .fetch_one(&mut **tx)
        .await?;
    Ok(found)
}

/// Loads and locks the requested follow-ups that belong to the batch's department.
///
/// Every transaction locks in row id order, so two batches that share follow-ups wait
/// for each other instead of each holding a lock the other needs. `department_id + 0`
/// keeps the planner on the unique `(dealer_id, uuid)` index: with statistics from before
/// a bulk load it otherwise combines the due-date indexes and reads the whole department.
async fn lock_states(
    tx: &mut Transaction<'_, Postgres>,
    batch: &UpdateBatch,
) -> Result<Vec<StateRow>, StoreError> {
    let ids: Vec<&str> = batch.command.follow_up_ids.iter().map(OpaqueId::as_str).collect();
    let rows = sqlx::query_as(
        "SELECT id, uuid, status, assignee_uuid, assignee_fname, assignee_lname, archived,
                archived_at, completed_at, completed_by_uuid, completed_by_fname,
                completed_by_lname, version
         FROM follow_ups
         WHERE dealer_id = $1 AND department_id + 0 = $2 AND uuid = ANY($3)
         ORDER BY id
         FOR UPDATE",
    )
    .bind(batch.department.dealer_id)
    .bind(batch.department.id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows)
}

/// Writes every change with one UPDATE and its history with one INSERT.
///
/// `row_ids` repeats the changed ids as an array: the planner cannot see how many rows
/// `jsonb_to_recordset` returns, guesses 100, and without `f.id = ANY($3)` may join them by
/// scanning every follow-up instead of looking each one up by primary key.
async fn write_changes(
    tx: &mut Transaction<'_, Postgres>,
    batch: &UpdateBatch,
    changes: &str,
    row_ids: &[i64],
) -> Result<(), StoreError> {
    sqlx::query(UPDATE_FOLLOW_UPS)
        .bind(changes)
        .bind(batch.now)
        .bind(row_ids)
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
        .bind(batch.now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The change set of `$1` as a table `c`, in the JSON shape of `change_set::ChangeRow`.
macro_rules! change_table {
    () => {
        "jsonb_to_recordset($1::jsonb) AS c (
            id bigint, status text, assignee_uuid text, assignee_fname text,
            assignee_lname text, archived boolean, archived_at timestamptz,
            completed_at timestamptz, completed_by_uuid text, completed_by_fname text,
            completed_by_lname text, version bigint, status_before text,
            assignee_uuid_before text, assignee_fname_before text,
            assignee_lname_before text, archived_before boolean)"
    };
}

const UPDATE_FOLLOW_UPS: &str = concat!(
    "
UPDATE follow_ups AS f SET
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
    updated_at = $2
FROM ",
    change_table!(),
    "
WHERE f.id = c.id AND f.id = ANY($3)"
);

const INSERT_EVENTS: &str = concat!(
    "
INSERT INTO follow_up_events (
    follow_up_id, action, status_before, status_after,
    assignee_uuid_before, assignee_fname_before, assignee_lname_before,
    assignee_uuid_after, assignee_fname_after, assignee_lname_after,
    archived_before, archived_after, version_after,
    path_user_uuid, actor_uuid, actor_fname, actor_lname, subscriber_id, request_id, occurred_at)
SELECT c.id, $2, c.status_before, c.status,
       c.assignee_uuid_before, c.assignee_fname_before, c.assignee_lname_before,
       c.assignee_uuid, c.assignee_fname, c.assignee_lname,
       c.archived_before, c.archived, c.version,
       $3, $4, $5, $6, $7, $8, $9
FROM ",
    change_table!(),
    "
ORDER BY c.id"
);
