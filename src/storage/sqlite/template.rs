//! Task type lists and templates on SQLite.
//!
//! Template creations run on the administrative pool of one connection and start with
//! `BEGIN IMMEDIATE`, so two creations never interleave, in this process or another one.

use chrono::Utc;
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::domain::template::TemplateType;
use crate::domain::OpaqueId;
use crate::storage::change_set::format_timestamp;
use crate::storage::error::on_conflict;
use crate::storage::template::{task_types, TemplateRow, LIST_TASK_TYPES, LIST_TEMPLATES};
use crate::storage::{CreateTemplateResult, NewTemplate, StoreError, TaskType, Template};

pub async fn list_task_types(pool: &SqlitePool, dealer_id: i64) -> Result<Vec<TaskType>, StoreError> {
    let rows = sqlx::query_as(LIST_TASK_TYPES)
        .bind(dealer_id)
        .fetch_all(pool)
        .await?;
    Ok(task_types(rows))
}

pub async fn list_templates(
    pool: &SqlitePool,
    dealer_id: i64,
    template_type: TemplateType,
) -> Result<Vec<Template>, StoreError> {
    let rows: Vec<TemplateRow> = sqlx::query_as(LIST_TEMPLATES)
        .bind(dealer_id)
        .bind(template_type.as_str())
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(TemplateRow::into_template).collect()
}

pub async fn create_template(
    pool: &SqlitePool,
    template: NewTemplate,
) -> Result<CreateTemplateResult, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let draft = &template.draft;
    let task_type_id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM task_types WHERE dealer_id = ?1 AND uuid = ?2")
            .bind(template.dealer_id)
            .bind(draft.task_type_uuid.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let Some(task_type_id) = task_type_id else {
        return Ok(CreateTemplateResult::UnknownTaskType);
    };
    let demoted = match draft.is_default {
        true => demote_default(&mut tx, task_type_id, &template).await?,
        false => None,
    };
    insert_template(&mut tx, task_type_id, &template).await?;
    tx.commit().await?;
    Ok(CreateTemplateResult::Created { demoted })
}

/// Clears the default flag of the current default, if any, and returns its id.
async fn demote_default(
    tx: &mut Transaction<'_, Sqlite>,
    task_type_id: i64,
    template: &NewTemplate,
) -> Result<Option<OpaqueId>, StoreError> {
    let demoted: Option<String> = sqlx::query_scalar(
        "UPDATE templates SET is_default = 0
         WHERE task_type_id = ?1 AND type = ?2 AND locale = ?3 AND is_default = 1
         RETURNING uuid",
    )
    .bind(task_type_id)
    .bind(template.draft.template_type.as_str())
    .bind(template.draft.locale.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(demoted.map(OpaqueId::from_trusted))
}

async fn insert_template(
    tx: &mut Transaction<'_, Sqlite>,
    task_type_id: i64,
    template: &NewTemplate,
) -> Result<(), StoreError> {
    let draft = &template.draft;
    sqlx::query(
        "INSERT INTO templates (uuid, dealer_id, task_type_id, type, is_default, multi, title,
             message, locale, is_freemarker_template, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .bind(draft.uuid.as_str())
    .bind(template.dealer_id)
    .bind(task_type_id)
    .bind(draft.template_type.as_str())
    .bind(draft.is_default)
    .bind(draft.multi)
    .bind(&draft.title)
    .bind(&draft.message)
    .bind(draft.locale.as_str())
    .bind(draft.is_freemarker_template)
    .bind(format_timestamp(Utc::now()))
    .execute(&mut **tx)
    .await
    .map_err(on_conflict("template", draft.uuid.as_str()))?;
    Ok(())
}
