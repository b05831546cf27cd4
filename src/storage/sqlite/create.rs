//! The batch create transaction on SQLite: one INSERT for all new follow-ups and one for
//! their history, whatever the batch size.

use std::collections::HashMap;

use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::domain::create::date_in_zone;
use crate::domain::create_plan::{plan_creates, CreateContext, PlannedCreate};
use crate::domain::{OpaqueId, PersonName, PersonRef};
use crate::storage::create::{
    batch_time, created_follow_ups, encode_ids, encode_new_rows, Author, CreateBatch, CreateResult, StoredRow,
};
use crate::storage::StoreError;

/// Plans the batch against the stored follow-ups and inserts the new ones.
pub async fn create_follow_ups(writer: &SqlitePool, batch: CreateBatch) -> Result<CreateResult, StoreError> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
    let dealer_id = batch.department.dealer_id;
    let actor = match &batch.author {
        Some(author) => match find_user(&mut tx, dealer_id, &author.path_user).await? {
            Some(actor) => Some(actor),
            None => return Ok(CreateResult::UnknownUser),
        },
        None => None,
    };
    let time_zone = dealer_time_zone(&mut tx, dealer_id).await?;
    let task_types = load_task_types(&mut tx, dealer_id).await?;
    let existing = load_existing(&mut tx, dealer_id, &encode_ids(&batch.items)).await?;
    let context = CreateContext {
        task_types: &task_types,
        existing: &existing,
        department_uuid: &batch.department.uuid,
        default_due_date: date_in_zone(&time_zone, batch.now),
    };
    let planned = match plan_creates(batch.items.clone(), &context) {
        Ok(planned) => planned,
        Err(problems) => return Ok(CreateResult::Rejected(problems)),
    };
    if batch.dry_run {
        return Ok(CreateResult::Planned(created_follow_ups(planned)));
    }
    write_new(&mut tx, &batch, actor.as_ref(), &planned).await?;
    tx.commit().await?;
    Ok(CreateResult::Committed(created_follow_ups(planned)))
}

async fn write_new(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &CreateBatch,
    actor: Option<&PersonRef>,
    planned: &[PlannedCreate],
) -> Result<(), StoreError> {
    let now = batch_time(batch);
    let rows = encode_new_rows(planned, &now);
    sqlx::query(INSERT_FOLLOW_UPS)
        .bind(&rows)
        .bind(batch.department.dealer_id)
        .bind(batch.department.id)
        .bind(&now)
        .bind(actor.map(|a| a.uuid.as_str()))
        .bind(actor.map(|a| a.fname.as_str()))
        .bind(actor.map(|a| a.lname.as_str()))
        .execute(&mut **tx)
        .await?;
    if let (Some(author), Some(actor)) = (&batch.author, actor) {
        insert_events(tx, batch, author, actor, &rows, &now).await?;
    }
    Ok(())
}

async fn insert_events(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &CreateBatch,
    author: &Author,
    actor: &PersonRef,
    rows: &str,
    now: &str,
) -> Result<(), StoreError> {
    let newest_before: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM follow_up_events")
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query(INSERT_EVENTS)
        .bind(rows)
        .bind(batch.department.dealer_id)
        .bind(author.path_user.as_str())
        .bind(actor.uuid.as_str())
        .bind(actor.fname.as_str())
        .bind(actor.lname.as_str())
        .bind(author.subscriber_id)
        .bind(&author.request_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query(LINK_FIRST_EVENTS)
        .bind(newest_before)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Returns the path user with the names stored for it, when it is a user of the dealer.
async fn find_user(
    tx: &mut Transaction<'_, Sqlite>,
    dealer_id: i64,
    user: &OpaqueId,
) -> Result<Option<PersonRef>, StoreError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT fname, lname FROM users WHERE dealer_id = ?1 AND uuid = ?2")
            .bind(dealer_id)
            .bind(user.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(fname, lname)| PersonRef {
        uuid: user.clone(),
        fname: PersonName::from_trusted(fname),
        lname: PersonName::from_trusted(lname),
    }))
}

async fn dealer_time_zone(tx: &mut Transaction<'_, Sqlite>, dealer_id: i64) -> Result<String, StoreError> {
    let zone = sqlx::query_scalar("SELECT time_zone FROM dealers WHERE id = ?1")
        .bind(dealer_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(zone)
}

async fn load_task_types(
    tx: &mut Transaction<'_, Sqlite>,
    dealer_id: i64,
) -> Result<HashMap<OpaqueId, bool>, StoreError> {
    let rows: Vec<(String, bool)> =
        sqlx::query_as("SELECT uuid, active FROM task_types WHERE dealer_id = ?1")
            .bind(dealer_id)
            .fetch_all(&mut **tx)
            .await?;
    let task_types = rows
        .into_iter()
        .map(|(uuid, active)| (OpaqueId::from_trusted(uuid), active))
        .collect();
    Ok(task_types)
}

async fn load_existing(
    tx: &mut Transaction<'_, Sqlite>,
    dealer_id: i64,
    ids: &str,
) -> Result<HashMap<OpaqueId, crate::domain::create_plan::StoredFollowUp>, StoreError> {
    let rows: Vec<StoredRow> = sqlx::query_as(
        "SELECT f.uuid, d.uuid AS department_uuid, f.customer_uuid, t.uuid AS task_type_uuid,
                f.title, f.notes, f.due_date, f.status, f.assignee_uuid, f.assignee_fname,
                f.assignee_lname, f.version
         FROM follow_ups f
         JOIN departments d ON d.id = f.department_id
         LEFT JOIN task_types t ON t.id = f.task_type_id
         WHERE f.dealer_id = ?1 AND f.uuid IN (SELECT value FROM json_each(?2))",
    )
    .bind(dealer_id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter().map(StoredRow::into_stored).collect()
}

/// Inserts every encoded row in request order; `?5`-`?7` name the author, if any, as the
/// one who completed follow-ups created as `COMPLETE`.
const INSERT_FOLLOW_UPS: &str = "
INSERT INTO follow_ups (
    uuid, dealer_id, department_id, customer_uuid, task_type_id, title, notes, due_date,
    status, assignee_uuid, assignee_fname, assignee_lname, archived, completed_at,
    completed_by_uuid, completed_by_fname, completed_by_lname, created_at, updated_at, version)
SELECT value ->> 'uuid', ?2, ?3, value ->> 'customer_uuid',
       (SELECT t.id FROM task_types t WHERE t.dealer_id = ?2 AND t.uuid = value ->> 'task_type_uuid'),
       value ->> 'title', value ->> 'notes', value ->> 'due_date', value ->> 'status',
       value ->> 'assignee_uuid', value ->> 'assignee_fname', value ->> 'assignee_lname', 0,
       value ->> 'completed_at',
       CASE WHEN value ->> 'completed_at' IS NOT NULL THEN ?5 END,
       CASE WHEN value ->> 'completed_at' IS NOT NULL THEN ?6 END,
       CASE WHEN value ->> 'completed_at' IS NOT NULL THEN ?7 END,
       ?4, ?4, 1
FROM json_each(?1)
ORDER BY key";

/// Writes one `CREATE` event per new follow-up. A creation has no state before it, so the
/// `_before` columns repeat the initial status and archived flag and leave the assignee empty.
const INSERT_EVENTS: &str = "
INSERT INTO follow_up_events (
    follow_up_id, action, status_before, status_after,
    assignee_uuid_before, assignee_fname_before, assignee_lname_before,
    assignee_uuid_after, assignee_fname_after, assignee_lname_after,
    archived_before, archived_after, version_after,
    path_user_uuid, actor_uuid, actor_fname, actor_lname, subscriber_id, request_id, occurred_at)
SELECT f.id, 'CREATE', f.status, f.status, NULL, NULL, NULL,
       f.assignee_uuid, f.assignee_fname, f.assignee_lname, 0, 0, 1,
       ?3, ?4, ?5, ?6, ?7, ?8, ?9
FROM json_each(?1) AS j
JOIN follow_ups f ON f.dealer_id = ?2 AND f.uuid = j.value ->> 'uuid'
ORDER BY j.key";

/// Makes each event appended after `?1` the newest event of its follow-up. New follow-ups
/// have no earlier event, so the events keep an empty `previous_event_id`.
const LINK_FIRST_EVENTS: &str = "
UPDATE follow_ups SET last_event_id = e.id
FROM follow_up_events e
WHERE e.id > ?1 AND follow_ups.id = e.follow_up_id";
