use crate::domain::OpaqueId;

/// A boxed driver error.
pub type DriverError = Box<dyn std::error::Error + Send + Sync>;

/// A storage failure, split by what the caller can do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is busy; retrying later may succeed.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] DriverError),
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: String },
    #[error("{kind} {id} already exists")]
    AlreadyExists { kind: &'static str, id: String },
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value cannot be read back, such as an unknown status.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] DriverError),
}

impl StoreError {
    pub fn not_found(kind: &'static str, id: &OpaqueId) -> Self {
        Self::NotFound {
            kind,
            id: id.to_string(),
        }
    }
}

/// Maps a unique-constraint violation to [`StoreError::AlreadyExists`] for a `kind` with
/// this `id`, and any other error as [`From<sqlx::Error>`] does.
pub(super) fn on_conflict<'a>(
    kind: &'static str,
    id: &'a str,
) -> impl FnOnce(sqlx::Error) -> StoreError + 'a {
    move |error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::AlreadyExists {
            kind,
            id: id.to_owned(),
        },
        _ => StoreError::from(error),
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            Self::Unavailable(Box::new(error))
        } else {
            Self::Database(Box::new(error))
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        let busy = matches!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        );
        if busy {
            Self::Unavailable(Box::new(error))
        } else {
            Self::Database(Box::new(error))
        }
    }
}

/// Whether an error means the database is unreachable, overloaded or locked.
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or_default();
            // SQLite: 5 SQLITE_BUSY, 6 SQLITE_LOCKED (primary and extended codes).
            // PostgreSQL: class 08 connection exceptions, 57P01-57P03 shutdown, 53300 too many connections.
            matches!(
                code,
                "5" | "6" | "517" | "261" | "262" | "53300" | "57P01" | "57P02" | "57P03"
            ) || code.starts_with("08")
        }
        _ => false,
    }
}
