//! Storage behind the [`Store`] trait, with SQLite and PostgreSQL implementations.
//!
//! No SQL lives outside this module. Each backend has its own migrations under
//! `migrations/<backend>/`.

mod change_set;
pub mod create;
mod error;
pub mod model;
mod pool;
pub mod postgres;
mod rows;
pub mod sqlite;
pub mod template;

use std::sync::Arc;

use async_trait::async_trait;

pub use create::{Author, CreateBatch, CreateResult, CreatedFollowUp};
pub use error::StoreError;
pub use model::*;
pub use pool::{time_acquire, PoolStats};
pub use template::{CreateTemplateResult, NewTemplate, TaskType, Template};

use crate::domain::template::TemplateType;
use crate::domain::OpaqueId;

/// Everything the service reads and writes.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks that the database responds.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Returns a counter that grows whenever any subscriber or grant changes.
    async fn auth_generation(&self) -> Result<i64, StoreError>;

    /// Looks up a subscriber by username, with its grants.
    async fn find_subscriber(&self, username: &str) -> Result<Option<SubscriberRecord>, StoreError>;

    /// Looks up a department with the dealer it belongs to.
    async fn find_department(&self, uuid: &OpaqueId) -> Result<Option<Department>, StoreError>;

    /// Applies a bulk update in one transaction.
    async fn apply_update(&self, batch: UpdateBatch) -> Result<UpdateResult, StoreError>;

    /// Reads one follow-up of a department.
    async fn find_follow_up(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
    ) -> Result<Option<FollowUp>, StoreError>;

    /// Reads the history of one follow-up of a department, oldest first.
    async fn follow_up_history(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
    ) -> Result<Vec<HistoryEvent>, StoreError>;

    /// Reads up to `limit` events of one follow-up of a department, newest first, starting
    /// below the event id `before` when given. Returns `None` when the department has no
    /// such follow-up.
    async fn follow_up_history_page(
        &self,
        department: &OpaqueId,
        follow_up: &OpaqueId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Option<Vec<HistoryEvent>>, StoreError>;

    async fn create_dealer(&self, dealer: NewDealer) -> Result<(), StoreError>;
    async fn create_department(&self, department: NewDepartment) -> Result<(), StoreError>;
    async fn create_user(&self, user: NewUser) -> Result<(), StoreError>;
    async fn create_subscriber(&self, username: &str, password_hash: &str) -> Result<(), StoreError>;
    async fn create_task_type(&self, task_type: NewTaskType) -> Result<(), StoreError>;

    /// Reads every task type of a dealer, in creation order.
    async fn list_task_types(&self, dealer_id: i64) -> Result<Vec<TaskType>, StoreError>;

    /// Creates a template in one transaction. A new default demotes the stored default of
    /// the same task type, type and locale. Creations for one task type run one at a time.
    async fn create_template(&self, template: NewTemplate) -> Result<CreateTemplateResult, StoreError>;

    /// Reads every template of one type of a dealer, in creation order.
    async fn list_templates(
        &self,
        dealer_id: i64,
        template_type: TemplateType,
    ) -> Result<Vec<Template>, StoreError>;

    /// Adds (`granted = true`) or removes a subscriber's grant on a dealer or department.
    /// Returns whether a grant was added or removed: `false` when there was nothing to do.
    async fn set_grant(&self, username: &str, scope: &GrantScope, granted: bool) -> Result<bool, StoreError>;

    /// Creates a batch of follow-ups in one department in one transaction.
    ///
    /// Items whose id is stored with the same content are answered as they are; any
    /// unknown task type, repeated id or conflicting content rejects the whole batch.
    async fn create_follow_ups(&self, batch: CreateBatch) -> Result<CreateResult, StoreError>;

    /// Inserts follow-ups into one department in one transaction.
    async fn insert_follow_ups(
        &self,
        department: &OpaqueId,
        follow_ups: Vec<NewFollowUp>,
    ) -> Result<(), StoreError>;

    /// Whether a dealer with this id exists.
    async fn dealer_exists(&self, uuid: &OpaqueId) -> Result<bool, StoreError>;

    /// Looks up a dealer with its time zone and the ids of its departments.
    async fn find_dealer(&self, uuid: &OpaqueId) -> Result<Option<Dealer>, StoreError>;

    /// Reads one page of a dealer's follow-ups in `(due_date, uuid)` order.
    async fn fetch_follow_ups(&self, query: &FollowUpQuery) -> Result<FollowUpPage, StoreError>;

    /// Reports the figures of each connection pool, for metrics; none by default.
    fn pool_stats(&self) -> Vec<PoolStats> {
        Vec::new()
    }

    /// Closes the connections once the process is done with the store, leaving the database
    /// file complete without its side files where the backend has any.
    async fn close(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Opens the store named by a database URL and applies pending migrations.
///
/// `sqlite:` URLs select the embedded backend, `postgres:` and `postgresql:` URLs PostgreSQL.
pub async fn open(url: &str, options: &StoreOptions) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        let store = sqlite::SqliteStore::open(url, options).await?;
        return Ok(Arc::new(store));
    }
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let store = postgres::PgStore::open(url, options).await?;
        return Ok(Arc::new(store));
    }
    Err(StoreError::InvalidUrl(format!(
        "unsupported database URL scheme in {:?}; use sqlite:PATH or postgres://HOST/DATABASE",
        redact_url(url)
    )))
}

/// Removes the password from a database URL so that it can be shown in messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}
