//! Reads on the read-only SQLite pool.

use sqlx::SqlitePool;

use crate::domain::OpaqueId;
use crate::storage::rows::{EventRow, FollowUpRow};
use crate::storage::{Department, FollowUp, Grants, HistoryEvent, StoreError, SubscriberRecord};

pub async fn auth_generation(pool: &SqlitePool) -> Result<i64, StoreError> {
    let generation = sqlx::query_scalar("SELECT generation FROM auth_generation WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(generation)
}

pub async fn find_subscriber(
    pool: &SqlitePool,
    username: &str,
) -> Result<Option<SubscriberRecord>, StoreError> {
    let row: Option<(i64, String, String, bool)> =
        sqlx::query_as("SELECT id, username, password_hash, active FROM subscribers WHERE username = ?1")
            .bind(username)
            .fetch_optional(pool)
            .await?;
    let Some((id, username, password_hash, active)) = row else {
        return Ok(None);
    };
    let grants: Vec<(Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT dealer_id, department_id FROM grants WHERE subscriber_id = ?1")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let grants = Grants {
        dealer_ids: grants.iter().filter_map(|(dealer, _)| *dealer).collect(),
        department_ids: grants.iter().filter_map(|(_, department)| *department).collect(),
    };
    Ok(Some(SubscriberRecord {
        id,
        username,
        password_hash,
        active,
        grants,
    }))
}

pub async fn find_department(pool: &SqlitePool, uuid: &OpaqueId) -> Result<Option<Department>, StoreError> {
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT d.id, d.dealer_id, r.uuid FROM departments d
         JOIN dealers r ON r.id = d.dealer_id WHERE d.uuid = ?1",
    )
    .bind(uuid.as_str())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, dealer_id, dealer_uuid)| Department {
        id,
        uuid: uuid.clone(),
        dealer_id,
        dealer_uuid: OpaqueId::from_trusted(dealer_uuid),
    }))
}

pub async fn dealer_exists(pool: &SqlitePool, uuid: &OpaqueId) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM dealers WHERE uuid = ?1")
        .bind(uuid.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

pub async fn find_follow_up(
    pool: &SqlitePool,
    department: &OpaqueId,
    follow_up: &OpaqueId,
) -> Result<Option<FollowUp>, StoreError> {
    let row: Option<FollowUpRow> = sqlx::query_as(
        "SELECT f.*, r.uuid AS dealer_uuid, d.uuid AS department_uuid, t.uuid AS task_type_uuid
         FROM follow_ups f
         JOIN departments d ON d.id = f.department_id
         JOIN dealers r ON r.id = f.dealer_id
         LEFT JOIN task_types t ON t.id = f.task_type_id
         WHERE d.uuid = ?1 AND f.dealer_id = d.dealer_id AND f.uuid = ?2",
    )
    .bind(department.as_str())
    .bind(follow_up.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(FollowUpRow::into_follow_up).transpose()
}

pub async fn follow_up_history(
    pool: &SqlitePool,
    department: &OpaqueId,
    follow_up: &OpaqueId,
) -> Result<Vec<HistoryEvent>, StoreError> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "WITH RECURSIVE chain (id) AS (
             SELECT f.last_event_id FROM follow_ups f
             JOIN departments d ON d.id = f.department_id
             WHERE d.uuid = ?1 AND f.dealer_id = d.dealer_id AND f.uuid = ?2
             UNION ALL
             SELECT e.previous_event_id FROM follow_up_events e JOIN chain c ON e.id = c.id
         )
         SELECT e.*, s.username
         FROM chain c
         JOIN follow_up_events e ON e.id = c.id
         JOIN subscribers s ON s.id = e.subscriber_id
         ORDER BY e.id",
    )
    .bind(department.as_str())
    .bind(follow_up.as_str())
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(EventRow::into_event).collect()
}

pub async fn follow_up_history_page(
    pool: &SqlitePool,
    department: &OpaqueId,
    follow_up: &OpaqueId,
    before: Option<i64>,
    limit: u32,
) -> Result<Option<Vec<HistoryEvent>>, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT f.id FROM follow_ups f JOIN departments d ON d.id = f.department_id
         WHERE d.uuid = ?1 AND f.dealer_id = d.dealer_id AND f.uuid = ?2",
    )
    .bind(department.as_str())
    .bind(follow_up.as_str())
    .fetch_optional(pool)
    .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    let rows: Vec<EventRow> = sqlx::query_as(HISTORY_PAGE)
        .bind(id)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    let events = rows
        .into_iter()
        .map(EventRow::into_event)
        .collect::<Result<_, _>>()?;
    Ok(Some(events))
}

/// Walks the follow-up `?1`'s events from the newest, or from the one before event `?2`,
/// towards older ones, `?3` at most. An event `?2` of another follow-up starts nowhere,
/// so its page is empty.
const HISTORY_PAGE: &str = "
WITH RECURSIVE chain (id) AS (
    SELECT CASE WHEN ?2 IS NULL THEN f.last_event_id
                ELSE (SELECT b.previous_event_id FROM follow_up_events b
                      WHERE b.id = ?2 AND b.follow_up_id = f.id)
           END
    FROM follow_ups f WHERE f.id = ?1
    UNION ALL
    SELECT e.previous_event_id FROM follow_up_events e JOIN chain c ON e.id = c.id
    LIMIT ?3
)
SELECT e.*, s.username
FROM chain c
JOIN follow_up_events e ON e.id = c.id
JOIN subscribers s ON s.id = e.subscriber_id
ORDER BY e.id DESC";
