//! Administrative writes: tenants, users, subscribers, grants and follow-up inserts.

use chrono::Utc;
use sqlx::SqlitePool;

use crate::domain::OpaqueId;
use crate::storage::change_set::format_timestamp;
use crate::storage::error::on_conflict;
use crate::storage::{GrantScope, NewDealer, NewDepartment, NewFollowUp, NewTaskType, NewUser, StoreError};

fn now() -> String {
    format_timestamp(Utc::now())
}

pub async fn create_dealer(pool: &SqlitePool, dealer: NewDealer) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO dealers (uuid, name, time_zone, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(dealer.uuid.as_str())
        .bind(&dealer.name)
        .bind(&dealer.time_zone)
        .bind(now())
        .execute(pool)
        .await
        .map_err(on_conflict("dealer", dealer.uuid.as_str()))?;
    Ok(())
}

pub async fn create_department(pool: &SqlitePool, department: NewDepartment) -> Result<(), StoreError> {
    let result = sqlx::query(
        "INSERT INTO departments (uuid, dealer_id, name, created_at)
         SELECT ?1, id, ?2, ?3 FROM dealers WHERE uuid = ?4",
    )
    .bind(department.uuid.as_str())
    .bind(&department.name)
    .bind(now())
    .bind(department.dealer_uuid.as_str())
    .execute(pool)
    .await
    .map_err(on_conflict("department", department.uuid.as_str()))?;
    if result.rows_affected() == 0 {
        return Err(StoreError::not_found("dealer", &department.dealer_uuid));
    }
    Ok(())
}

pub async fn create_user(pool: &SqlitePool, user: NewUser) -> Result<(), StoreError> {
    let result = sqlx::query(
        "INSERT INTO users (uuid, dealer_id, department_id, fname, lname, created_at)
         SELECT ?1, dealer_id, id, ?2, ?3, ?4 FROM departments WHERE uuid = ?5",
    )
    .bind(user.uuid.as_str())
    .bind(&user.fname)
    .bind(&user.lname)
    .bind(now())
    .bind(user.department_uuid.as_str())
    .execute(pool)
    .await
    .map_err(on_conflict("user", user.uuid.as_str()))?;
    if result.rows_affected() == 0 {
        return Err(StoreError::not_found("department", &user.department_uuid));
    }
    Ok(())
}

pub async fn create_task_type(pool: &SqlitePool, task_type: NewTaskType) -> Result<(), StoreError> {
    let result = sqlx::query(
        "INSERT INTO task_types (uuid, dealer_id, name, description, created_at)
         SELECT ?1, id, ?2, ?3, ?4 FROM dealers WHERE uuid = ?5",
    )
    .bind(task_type.uuid.as_str())
    .bind(&task_type.name)
    .bind(&task_type.description)
    .bind(now())
    .bind(task_type.dealer_uuid.as_str())
    .execute(pool)
    .await
    .map_err(on_conflict("task type", task_type.uuid.as_str()))?;
    if result.rows_affected() == 0 {
        return Err(StoreError::not_found("dealer", &task_type.dealer_uuid));
    }
    Ok(())
}

pub async fn create_subscriber(
    pool: &SqlitePool,
    username: &str,
    password_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO subscribers (username, password_hash, created_at) VALUES (?1, ?2, ?3)")
        .bind(username)
        .bind(password_hash)
        .bind(now())
        .execute(pool)
        .await
        .map_err(on_conflict("subscriber", username))?;
    Ok(())
}

pub async fn set_grant(
    pool: &SqlitePool,
    username: &str,
    scope: &GrantScope,
    granted: bool,
) -> Result<bool, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let subscriber: Option<i64> = sqlx::query_scalar("SELECT id FROM subscribers WHERE username = ?1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
    let subscriber = subscriber.ok_or_else(|| StoreError::NotFound {
        kind: "subscriber",
        id: username.to_owned(),
    })?;
    let (table, column, uuid) = match scope {
        GrantScope::Dealer(uuid) => ("dealers", "dealer_id", uuid),
        GrantScope::Department(uuid) => ("departments", "department_id", uuid),
    };
    let target: Option<i64> = sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE uuid = ?1"))
        .bind(uuid.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let kind = if table == "dealers" {
        "dealer"
    } else {
        "department"
    };
    let target = target.ok_or_else(|| StoreError::not_found(kind, uuid))?;
    let statement = if granted {
        format!("INSERT OR IGNORE INTO grants (subscriber_id, {column}) VALUES (?1, ?2)")
    } else {
        format!("DELETE FROM grants WHERE subscriber_id = ?1 AND {column} = ?2")
    };
    let result = sqlx::query(&statement)
        .bind(subscriber)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(result.rows_affected() > 0)
}

pub async fn insert_follow_ups(
    pool: &SqlitePool,
    department: &OpaqueId,
    follow_ups: Vec<NewFollowUp>,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let ids: Option<(i64, i64)> = sqlx::query_as("SELECT id, dealer_id FROM departments WHERE uuid = ?1")
        .bind(department.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let (department_id, dealer_id) = ids.ok_or_else(|| StoreError::not_found("department", department))?;
    let now = now();
    for follow_up in &follow_ups {
        insert_follow_up(&mut tx, dealer_id, department_id, follow_up, &now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn insert_follow_up(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    dealer_id: i64,
    department_id: i64,
    follow_up: &NewFollowUp,
    now: &str,
) -> Result<(), StoreError> {
    let task_type_id = match &follow_up.task_type_uuid {
        Some(uuid) => Some(find_task_type(tx, dealer_id, uuid).await?),
        None => None,
    };
    let state = &follow_up.state;
    let completion = state.completion.as_ref();
    sqlx::query(
        "INSERT INTO follow_ups (uuid, dealer_id, department_id, customer_uuid, task_type_id,
             title, notes, due_date, status, assignee_uuid, assignee_fname, assignee_lname,
             archived, archived_at, completed_at, completed_by_uuid, completed_by_fname,
             completed_by_lname, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?19, ?20)",
    )
    .bind(follow_up.uuid.as_str())
    .bind(dealer_id)
    .bind(department_id)
    .bind(&follow_up.customer_uuid)
    .bind(task_type_id)
    .bind(&follow_up.title)
    .bind(&follow_up.notes)
    .bind(follow_up.due_date.to_string())
    .bind(state.status.as_str())
    .bind(state.assignee.as_ref().map(|a| a.uuid.as_str()))
    .bind(state.assignee.as_ref().map(|a| a.fname.as_str()))
    .bind(state.assignee.as_ref().map(|a| a.lname.as_str()))
    .bind(state.archived)
    .bind(state.archived_at.map(format_timestamp))
    .bind(completion.map(|c| format_timestamp(c.at)))
    .bind(completion.map(|c| c.by.uuid.as_str()))
    .bind(completion.map(|c| c.by.fname.as_str()))
    .bind(completion.map(|c| c.by.lname.as_str()))
    .bind(now)
    .bind(state.version)
    .execute(&mut **tx)
    .await
    .map_err(on_conflict("follow-up", follow_up.uuid.as_str()))?;
    Ok(())
}

async fn find_task_type(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    dealer_id: i64,
    uuid: &OpaqueId,
) -> Result<i64, StoreError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM task_types WHERE dealer_id = ?1 AND uuid = ?2")
        .bind(dealer_id)
        .bind(uuid.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    id.ok_or_else(|| StoreError::not_found("task type", uuid))
}
