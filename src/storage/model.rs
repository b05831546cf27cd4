//! Values that cross the [`Store`](super::Store) boundary.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{
    BatchPlan, FollowUpFilter, FollowUpState, FollowUpStatus, OpaqueId, PageStart, PersonRef, UpdateCommand,
};

/// Connection settings shared by both backends.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Maximum connections in the pool used for reads (and, on PostgreSQL, writes).
    pub max_connections: u32,
    /// How long a request waits for a free connection, including opening a new one,
    /// before failing.
    pub acquire_timeout: Duration,
    /// How long opening the database at startup may take.
    pub connect_timeout: Duration,
    /// How long one PostgreSQL statement may run before the server cancels it.
    pub statement_timeout: Duration,
    /// SQLite's `synchronous` level for the database file.
    pub sqlite_synchronous: SqliteSynchronous,
    /// How long SQLite waits for a lock held by another process.
    pub sqlite_busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            sqlite_synchronous: SqliteSynchronous::Normal,
            sqlite_busy_timeout: Duration::from_secs(5),
        }
    }
}

/// SQLite durability level, see <https://www.sqlite.org/pragma.html#pragma_synchronous>.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SqliteSynchronous {
    /// In WAL mode, a commit survives a crash of the process but may be lost on power failure.
    Normal,
    /// Every commit is flushed to disk before it is acknowledged.
    Full,
}

/// A department with the dealer it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: i64,
    pub uuid: OpaqueId,
    pub dealer_id: i64,
    pub dealer_uuid: OpaqueId,
}

/// The dealers and departments a subscriber may act on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    pub dealer_ids: Vec<i64>,
    pub department_ids: Vec<i64>,
}

impl Grants {
    /// Whether these grants cover a department: directly or through its dealer.
    pub fn covers(&self, department: &Department) -> bool {
        self.dealer_ids.contains(&department.dealer_id) || self.department_ids.contains(&department.id)
    }
}

/// A service subscriber as stored, with its grants.
#[derive(Debug, Clone)]
pub struct SubscriberRecord {
    pub id: i64,
    pub username: String,
    /// Argon2id hash in PHC string form.
    pub password_hash: String,
    pub active: bool,
    pub grants: Grants,
}

/// A validated bulk update with the context it runs in.
#[derive(Debug, Clone)]
pub struct UpdateBatch {
    pub department: Department,
    /// The `userUUID` path parameter.
    pub path_user: OpaqueId,
    pub command: UpdateCommand,
    /// When set, the batch is applied only if every item would be updated.
    pub all_or_none: bool,
    pub subscriber_id: i64,
    pub request_id: String,
    pub now: DateTime<Utc>,
}

/// The result of [`Store::apply_update`](super::Store::apply_update).
#[derive(Debug, Clone)]
pub enum UpdateResult {
    /// The plan's changes were committed.
    Committed(BatchPlan),
    /// `all_or_none` was set and some item would not be updated; nothing changed.
    Rejected(BatchPlan),
    /// The path user is not a user of the department's dealer; nothing changed.
    UnknownUser,
}

/// A follow-up as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub uuid: OpaqueId,
    pub dealer_uuid: OpaqueId,
    pub department_uuid: OpaqueId,
    pub customer_uuid: Option<String>,
    pub task_type_uuid: Option<OpaqueId>,
    pub title: String,
    pub notes: String,
    /// Calendar date in the dealer's time zone.
    pub due_date: NaiveDate,
    pub state: FollowUpState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One recorded change of a follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEvent {
    /// Row id; later events have larger ids.
    pub id: i64,
    /// The action type, such as `ASSIGN`.
    pub action: String,
    pub status_before: FollowUpStatus,
    pub status_after: FollowUpStatus,
    pub assignee_before: Option<PersonRef>,
    pub assignee_after: Option<PersonRef>,
    pub archived_before: bool,
    pub archived_after: bool,
    pub version_after: i64,
    pub path_user: OpaqueId,
    pub action_taken_by: PersonRef,
    pub subscriber_username: String,
    pub request_id: String,
    pub occurred_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewDealer {
    pub uuid: OpaqueId,
    pub name: String,
    /// IANA time zone name, such as `America/Los_Angeles`.
    pub time_zone: String,
}

#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub uuid: OpaqueId,
    pub dealer_uuid: OpaqueId,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub uuid: OpaqueId,
    pub department_uuid: OpaqueId,
    pub fname: String,
    pub lname: String,
}

#[derive(Debug, Clone)]
pub struct NewTaskType {
    pub uuid: OpaqueId,
    pub dealer_uuid: OpaqueId,
    pub name: String,
    pub description: String,
}

/// The target of a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantScope {
    Dealer(OpaqueId),
    Department(OpaqueId),
}

#[derive(Debug, Clone)]
pub struct NewFollowUp {
    pub uuid: OpaqueId,
    pub customer_uuid: Option<String>,
    /// A task type of the same dealer.
    pub task_type_uuid: Option<OpaqueId>,
    pub title: String,
    pub notes: String,
    /// Calendar date in the dealer's time zone.
    pub due_date: NaiveDate,
    pub state: FollowUpState,
}

impl std::fmt::Display for GrantScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dealer(uuid) => write!(f, "dealer {uuid}"),
            Self::Department(uuid) => write!(f, "department {uuid}"),
        }
    }
}

/// A dealer with its time zone and the ids of its departments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dealer {
    pub id: i64,
    pub uuid: OpaqueId,
    /// IANA time zone name, such as `America/Los_Angeles`.
    pub time_zone: String,
    pub department_ids: Vec<i64>,
}

/// Which departments of a dealer a fetch reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepartmentScope {
    /// Every department of the dealer.
    All,
    /// Only these departments, all of the dealer.
    Only(Vec<i64>),
}

/// One page of a fetch, as the storage runs it.
#[derive(Debug, Clone)]
pub struct FollowUpQuery {
    pub dealer_id: i64,
    pub departments: DepartmentScope,
    pub filter: FollowUpFilter,
    /// The dealer's current calendar date, for the `overdue` filter.
    pub today: NaiveDate,
    pub start: PageStart,
    /// Maximum rows returned.
    pub limit: u32,
    /// Whether to count every matching follow-up, which costs a walk over all of them.
    pub count_total: bool,
}

/// The largest `totalCount` a fetch reports exactly. Counting stops one past it, so a first
/// page costs the same for a dealer with ten thousand or a million follow-ups.
pub const TOTAL_COUNT_CAP: i64 = 1_000;

/// Follow-ups in `(due_date, uuid)` order, with the count of matches when requested: exact
/// up to [`TOTAL_COUNT_CAP`], `TOTAL_COUNT_CAP + 1` when more match.
#[derive(Debug, Clone)]
pub struct FollowUpPage {
    pub follow_ups: Vec<FollowUp>,
    pub total_count: Option<i64>,
}
