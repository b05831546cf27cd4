//! The embedded SQLite backend.
//!
//! SQLite allows one writer at a time. Bulk updates, the hot write path, go to the
//! [`writer::Writer`] thread, which queues them in the application and commits them in
//! groups. Migrations and the rare administrative writes use a separate sqlx pool of one
//! connection. Reads use a pool of read-only connections, which WAL mode lets run beside
//! the writer. Every write transaction of more than one statement starts with `BEGIN IMMEDIATE`, so a transaction that
//! reads before it writes never fails to upgrade its lock.

mod admin;
mod checkpoint;
mod create;
mod fetch;
#[cfg(test)]
mod migration_tests;
mod read;
mod template;
mod update;
mod writer;

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::{
    CreateBatch, CreateResult, Dealer, Department, FollowUp, FollowUpPage, FollowUpQuery, GrantScope,
    HistoryEvent, NewDealer, NewDepartment, NewFollowUp, NewTaskType, NewUser, PoolStats, SqliteSynchronous,
    Store, StoreError, StoreOptions, SubscriberRecord, UpdateBatch, UpdateResult,
};
use crate::domain::template::TemplateType;
use crate::domain::OpaqueId;
use crate::storage::{CreateTemplateResult, NewTemplate, TaskType, Template};

/// A SQLite database file with one writer connection and a pool of readers.
#[derive(Clone)]
pub struct SqliteStore {
    /// Migrations and administrative writes.
    admin: SqlitePool,
    writer: writer::Writer,
    readers: SqlitePool,
    /// The database file.
    path: std::path::PathBuf,
}

impl SqliteStore {
    /// Opens (creating when missing) and migrates the database file named by `url`.
    ///
    /// In-memory databases are not supported, because the writer and the readers must
    /// share one database.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = connect_options(url, options)?;
        let admin = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&admin).await?;
        let writer = writer::Writer::start(&writer::WriterOptions {
            path: connect.get_filename(),
            synchronous: options.sqlite_synchronous,
            busy_timeout: options.sqlite_busy_timeout,
        })?;
        let path = connect.get_filename().to_owned();
        let readers = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect.read_only(true))
            .await?;
        Ok(Self {
            admin,
            writer,
            readers,
            path,
        })
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

    async fn follow_up_history_page(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Option<Vec<HistoryEvent>>, StoreError> {
        read::follow_up_history_page(&self.readers, department, follow_up, before, limit).await
    }

    async fn create_dealer(&self, dealer: NewDealer) -> Result<(), StoreError> {
        admin::create_dealer(&self.admin, dealer).await
    }

    async fn create_department(&self, department: NewDepartment) -> Result<(), StoreError> {
        admin::create_department(&self.admin, department).await
    }

    async fn create_user(&self, user: NewUser) -> Result<(), StoreError> {
        admin::create_user(&self.admin, user).await
    }

    async fn create_subscriber(&self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        admin::create_subscriber(&self.admin, username, password_hash).await
    }

    async fn create_task_type(&self, task_type: NewTaskType) -> Result<(), StoreError> {
        admin::create_task_type(&self.admin, task_type).await
    }

    async fn list_task_types(&self, dealer_id: i64) -> Result<Vec<TaskType>, StoreError> {
        template::list_task_types(&self.readers, dealer_id).await
    }

    async fn create_template(&self, new: NewTemplate) -> Result<CreateTemplateResult, StoreError> {
        template::create_template(&self.admin, new).await
    }

    async fn list_templates(
        &self,
        dealer_id: i64,
        template_type: TemplateType,
    ) -> Result<Vec<Template>, StoreError> {
        template::list_templates(&self.readers, dealer_id, template_type).await
    }

    async fn set_grant(&self, username: &str, scope: &GrantScope, granted: bool) -> Result<bool, StoreError> {
        admin::set_grant(&self.admin, username, scope, granted).await
    }

    async fn create_follow_ups(&self, batch: CreateBatch) -> Result<CreateResult, StoreError> {
        create::create_follow_ups(&self.admin, batch).await
    }

    async fn insert_follow_ups(
        &self,
        department: &OpaqueId,
        follow_ups: Vec<NewFollowUp>,
    ) -> Result<(), StoreError> {
        admin::insert_follow_ups(&self.admin, department, follow_ups).await
    }

    async fn dealer_exists(&self, uuid: &OpaqueId) -> Result<bool, StoreError> {
        read::dealer_exists(&self.readers, uuid).await
    }

    async fn find_dealer(&self, uuid: &OpaqueId) -> Result<Option<Dealer>, StoreError> {
        fetch::find_dealer(&self.readers, uuid).await
    }

    async fn fetch_follow_ups(&self, query: &FollowUpQuery) -> Result<FollowUpPage, StoreError> {
        fetch::fetch_follow_ups(&self.readers, query).await
    }

    fn pool_stats(&self) -> Vec<PoolStats> {
        let writer = PoolStats {
            pool: "writer",
            size: 1,
            idle: usize::from(self.writer.is_idle()),
            max_connections: 1,
        };
        vec![
            writer,
            PoolStats::of("admin", &self.admin),
            PoolStats::of("readers", &self.readers),
        ]
    }

    /// Closes the reader and admin pools, then copies the WAL into the database file, so
    /// that the file alone contains every commit.
    async fn close(&self) -> Result<(), StoreError> {
        self.readers.close().await;
        self.admin.close().await;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || checkpoint::final_checkpoint(&path))
            .await
            .map_err(|e| StoreError::Database(Box::new(e)))?
    }
}
