//! The PostgreSQL backend, for several servers sharing one database.
//!
//! Reads and writes share one pool. Bulk updates lock their rows with `SELECT ... FOR
//! UPDATE` in row id order, so overlapping batches from any number of servers wait for each
//! other instead of deadlocking. Every connection carries a `statement_timeout`, so a stuck
//! statement cannot hold its connection forever.

mod admin;
mod create;
mod fetch;
mod read;
mod template;
mod update;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::{
    CreateBatch, CreateResult, Dealer, Department, FollowUp, FollowUpPage, FollowUpQuery, GrantScope,
    HistoryEvent, NewDealer, NewDepartment, NewFollowUp, NewTaskType, NewUser, PoolStats, Store, StoreError,
    StoreOptions, SubscriberRecord, UpdateBatch, UpdateResult,
};
use crate::domain::template::TemplateType;
use crate::domain::OpaqueId;
use crate::storage::{CreateTemplateResult, NewTemplate, TaskType, Template};

/// A PostgreSQL database reached through one connection pool.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database named by `url` and applies pending migrations.
    ///
    /// Fails with [`StoreError::Unavailable`] when no connection opens within
    /// `options.connect_timeout`. Servers that start at the same time may all call this,
    /// because sqlx serializes migrations with an advisory lock.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_lazy_with(connect_options(url, options)?);
        let first = tokio::time::timeout(options.connect_timeout, pool.acquire())
            .await
            .map_err(|_| StoreError::Unavailable(Box::new(sqlx::Error::PoolTimedOut)))??;
        drop(first);
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

fn connect_options(url: &str, options: &StoreOptions) -> Result<PgConnectOptions, StoreError> {
    let connect = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::InvalidUrl(format!("{}: {e}", super::redact_url(url))))?
        .application_name("followups")
        .options([("statement_timeout", milliseconds(options.statement_timeout))]);
    Ok(connect)
}

fn milliseconds(duration: Duration) -> String {
    duration.as_millis().to_string()
}

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn auth_generation(&self) -> Result<i64, StoreError> {
        read::auth_generation(&self.pool).await
    }

    async fn find_subscriber(&self, username: &str) -> Result<Option<SubscriberRecord>, StoreError> {
        read::find_subscriber(&self.pool, username).await
    }

    async fn find_department(&self, uuid: &OpaqueId) -> Result<Option<Department>, StoreError> {
        read::find_department(&self.pool, uuid).await
    }

    async fn apply_update(&self, batch: UpdateBatch) -> Result<UpdateResult, StoreError> {
        update::apply_update(&self.pool, batch).await
    }

    async fn find_follow_up(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
    ) -> Result<Option<FollowUp>, StoreError> {
        read::find_follow_up(&self.pool, department, follow_up).await
    }

    async fn follow_up_history(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
    ) -> Result<Vec<HistoryEvent>, StoreError> {
        read::follow_up_history(&self.pool, department, follow_up).await
    }

    async fn create_dealer(&self, dealer: NewDealer) -> Result<(), StoreError> {
        admin::create_dealer(&self.pool, dealer).await
    }

    async fn create_department(&self, department: NewDepartment) -> Result<(), StoreError> {
        admin::create_department(&self.pool, department).await
    }

    async fn create_user(&self, user: NewUser) -> Result<(), StoreError> {
        admin::create_user(&self.pool, user).await
    }

    async fn create_subscriber(&self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        admin::create_subscriber(&self.pool, username, password_hash).await
    }

    async fn create_task_type(&self, task_type: NewTaskType) -> Result<(), StoreError> {
        admin::create_task_type(&self.pool, task_type).await
    }

    async fn list_task_types(&self, dealer_id: i64) -> Result<Vec<TaskType>, StoreError> {
        template::list_task_types(&self.pool, dealer_id).await
    }

    async fn create_template(&self, new: NewTemplate) -> Result<CreateTemplateResult, StoreError> {
        template::create_template(&self.pool, new).await
    }

    async fn list_templates(
        &self,
        dealer_id: i64,
        template_type: TemplateType,
    ) -> Result<Vec<Template>, StoreError> {
        template::list_templates(&self.pool, dealer_id, template_type).await
    }

    async fn set_grant(&self, username: &str, scope: &GrantScope, granted: bool) -> Result<bool, StoreError> {
        admin::set_grant(&self.pool, username, scope, granted).await
    }

    async fn insert_follow_ups(
        &self,
        department: &OpaqueId,
        follow_ups: Vec<NewFollowUp>,
    ) -> Result<(), StoreError> {
        admin::insert_follow_ups(&self.pool, department, follow_ups).await
    }

    async fn dealer_exists(&self, uuid: &OpaqueId) -> Result<bool, StoreError> {
        read::dealer_exists(&self.pool, uuid).await
    }

    async fn follow_up_history_page(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Option<Vec<HistoryEvent>>, StoreError> {
        read::follow_up_history_page(&self.pool, department, follow_up, before, limit).await
    }

    async fn find_dealer(&self, uuid: &OpaqueId) -> Result<Option<Dealer>, StoreError> {
        fetch::find_dealer(&self.pool, uuid).await
    }

    async fn fetch_follow_ups(&self, query: &FollowUpQuery) -> Result<FollowUpPage, StoreError> {
        fetch::fetch_follow_ups(&self.pool, query).await
    }

    async fn create_follow_ups(&self, batch: CreateBatch) -> Result<CreateResult, StoreError> {
        create::create_follow_ups(&self.pool, batch).await
    }

    fn pool_stats(&self) -> Vec<PoolStats> {
        vec![PoolStats::of("primary", &self.pool)]
    }
}
