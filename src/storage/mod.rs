//! Storage behind the [`Store`] trait, with SQLite and PostgreSQL implementations.
//!
//! No SQL lives outside this module. Each backend has its own migrations under
//! `migrations/<backend>/`.

mod change_set;
mod error;
pub mod model;
mod pool;
mod rows;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

pub use error::StoreError;
pub use model::*;
pub use pool::{time_acquire, PoolStats};

use crate::domain::OpaqueId;

/// Everything the service reads and writes.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks that the database answers.
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

    async fn create_dealer(&self, dealer: NewDealer) -> Result<(), StoreError>;
    async fn create_department(&self, department: NewDepartment) -> Result<(), StoreError>;
    async fn create_user(&self, user: NewUser) -> Result<(), StoreError>;
    async fn create_subscriber(&self, username: &str, password_hash: &str) -> Result<(), StoreError>;
    async fn create_task_type(&self, task_type: NewTaskType) -> Result<(), StoreError>;

    /// Adds (`granted = true`) or removes a subscriber's grant on a dealer or department.
    async fn set_grant(&self, username: &str, scope: &GrantScope, granted: bool) -> Result<(), StoreError>;

    /// Inserts follow-ups into one department in one transaction.
    async fn insert_follow_ups(
        &self,
        department: &OpaqueId,
        follow_ups: Vec<NewFollowUp>,
    ) -> Result<(), StoreError>;

    /// Whether a dealer with this id exists.
    async fn dealer_exists(&self, uuid: &OpaqueId) -> Result<bool, StoreError>;

    /// Reports the figures of each connection pool, for metrics; none by default.
    fn pool_stats(&self) -> Vec<PoolStats> {
        Vec::new()
    }
}

/// Opens the store named by a database URL and applies pending migrations.
///
/// `sqlite:` URLs select the embedded backend.
pub async fn open(url: &str, options: &StoreOptions) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        let store = sqlite::SqliteStore::open(url, options).await?;
        return Ok(Arc::new(store));
    }
    Err(StoreError::InvalidUrl(format!(
        "unsupported database URL scheme in {:?}; use sqlite:PATH",
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
