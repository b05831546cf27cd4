//! The embedded SQLite backend.
//!
//! SQLite allows one writer at a time, so all writes go through a pool of exactly one
//! connection and queue in the application instead of in SQLite's busy handler. Reads use
//! a separate pool of read-only connections, which WAL mode lets run beside the writer.
//! Write transactions start with `BEGIN IMMEDIATE`, so a transaction that reads before it
//! writes never fails to upgrade its lock.

mod admin;
mod read;
mod update;

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::{
    Department, FollowUp, GrantScope, HistoryEvent, NewDealer, NewDepartment, NewFollowUp, NewTaskType,
    NewUser, PoolStats, SqliteSynchronous, Store, StoreError, StoreOptions, SubscriberRecord, UpdateBatch,
    UpdateResult,
};
use crate::domain::OpaqueId;

/// A SQLite database file with one writer connection and a pool of readers.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing) and migrates the database file named by `url`.
    ///
    /// In-memory databases are not supported, because the writer and the readers must
    /// share one database.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = connect_options(url, options)?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&writer).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect.read_only(true))
            .await?;
        Ok(Self { writer, readers })
    }
}

fn connect_options(url: &str, options: &StoreOptions) -> Result<SqliteConnectOptions, StoreError> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Err(StoreError::InvalidUrl(format!(
            "{url} is an in-memory database; use a file such as sqlite:followups.db"
        )));
    }
    let synchronous = match options.sqlite_synchronous {
        SqliteSynchronous::Normal => sqlx::sqlite::SqliteSynchronous::Normal,
        SqliteSynchronous::Full => sqlx::sqlite::SqliteSynchronous::Full,
    };
    let connect = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::InvalidUrl(format!("{url}: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .busy_timeout(options.sqlite_busy_timeout)
        .foreign_keys(true);
    Ok(connect)
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.readers).await?;
        Ok(())
    }

    async fn auth_generation(&self) -> Result<i64, StoreError> {
        read::auth_generation(&self.readers).await
    }

    async fn find_subscriber(&self, username: &str) -> Result<Option<SubscriberRecord>, StoreError> {
        read::find_subscriber(&self.readers, username).await
    }

    async fn find_department(&self, uuid: &OpaqueId) -> Result<Option<Department>, StoreError> {
        read::find_department(&self.readers, uuid).await
    }

    async fn apply_update(&self, batch: UpdateBatch) -> Result<UpdateResult, StoreError> {
        update::apply_update(&self.writer, batch).await
    }

    async fn find_follow_up(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
    ) -> Result<Option<FollowUp>, StoreError> {
        read::find_follow_up(&self.readers, department, follow_up).await
    }

    async fn follow_up_history(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
    ) -> Result<Vec<HistoryEvent>, StoreError> {
        read::follow_up_history(&self.readers, department, follow_up).await
    }

    async fn create_dealer(&self, dealer: NewDealer) -> Result<(), StoreError> {
        admin::create_dealer(&self.writer, dealer).await
    }

    async fn create_department(&self, department: NewDepartment) -> Result<(), StoreError> {
        admin::create_department(&self.writer, department).await
    }

    async fn create_user(&self, user: NewUser) -> Result<(), StoreError> {
        admin::create_user(&self.writer, user).await
    }

    async fn create_subscriber(&self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        admin::create_subscriber(&self.writer, username, password_hash).await
    }

    async fn create_task_type(&self, task_type: NewTaskType) -> Result<(), StoreError> {
        admin::create_task_type(&self.writer, task_type).await
    }

    async fn set_grant(&self, username: &str, scope: &GrantScope, granted: bool) -> Result<(), StoreError> {
        admin::set_grant(&self.writer, username, scope, granted).await
    }

    async fn insert_follow_ups(
        &self,
        department: &OpaqueId,
        follow_ups: Vec<NewFollowUp>,
    ) -> Result<(), StoreError> {
        admin::insert_follow_ups(&self.writer, department, follow_ups).await
    }

    async fn dealer_exists(&self, uuid: &OpaqueId) -> Result<bool, StoreError> {
        read::dealer_exists(&self.readers, uuid).await
    }

    fn pool_stats(&self) -> Vec<PoolStats> {
        vec![
            PoolStats::of("writer", &self.writer),
            PoolStats::of("readers", &self.readers),
        ]
    }
}
