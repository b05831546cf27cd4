//! A fresh database per test, on the backend that `FOLLOWUPS_TEST_BACKEND` names.
//!
//! `sqlite` (the default) uses a file in a temporary directory. `postgres` creates a
//! database with a unique name on the server at `FOLLOWUPS_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432`) and drops it when the test ends, also when it
//! fails. Databases left behind by test processes that were killed are dropped by the
//! next test run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Connection, PgConnection, SqlitePool};
use tempfile::TempDir;
use tokio::sync::OnceCell;

/// Prefix of every test database name, followed by the test process id.
const NAME_PREFIX: &str = "followups_test_";

/// The database backend the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Reads the backend from `FOLLOWUPS_TEST_BACKEND`.
pub fn backend() -> Backend {
    match std::env::var("FOLLOWUPS_TEST_BACKEND").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => Backend::Sqlite,
        Ok("postgres") => Backend::Postgres,
        Ok(other) => panic!("FOLLOWUPS_TEST_BACKEND={other:?} is invalid; use sqlite or postgres"),
    }
}

/// Returns the URL of the PostgreSQL server for test databases, without a database name.
pub fn postgres_server_url() -> String {
    let url = std::env::var("FOLLOWUPS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    url.trim_end_matches('/').to_owned()
}

/// A database that exists as long as this value does.
pub struct TestDatabase {
    /// The URL that `followups` and `storage::open` accept.
    pub url: String,
    location: Location,
}

enum Location {
    /// The directory is removed with the value.
    Sqlite {
        _directory: TempDir,
    },
    Postgres {
        server_url: String,
        name: String,
    },
}

impl TestDatabase {
    /// Creates an empty database on the selected backend.
    pub async fn create() -> Self {
        match backend() {
            Backend::Sqlite => Self::create_sqlite(),
            Backend::Postgres => Self::create_postgres().await,
        }
    }

    fn create_sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("followups.db").display());
        Self {
            url,
            location: Location::Sqlite { _directory: dir },
        }
    }

    async fn create_postgres() -> Self {
        static STALE_DROPPED: OnceCell<()> = OnceCell::const_new();
        static NEXT: AtomicU64 = AtomicU64::new(0);

        let server_url = postgres_server_url();
        STALE_DROPPED
            .get_or_init(|| drop_stale_databases(&server_url))
            .await;
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("{NAME_PREFIX}{}_{n}", std::process::id());
        let mut admin = connect_admin(&server_url).await;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        Self {
            url: format!("{server_url}/{name}"),
            location: Location::Postgres { server_url, name },
        }
    }

    /// Overwrites a subscriber's password hash directly in the database.
    pub async fn set_password_hash(&self, username: &str, hash: &str) {
        match &self.location {
            Location::Sqlite { .. } => {
                let pool = SqlitePool::connect(&self.url).await.unwrap();
                sqlx::query("UPDATE subscribers SET password_hash = ?1 WHERE username = ?2")
                    .bind(hash)
                    .bind(username)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            Location::Postgres { .. } => {
                let mut connection = PgConnection::connect(&self.url).await.unwrap();
                sqlx::query("UPDATE subscribers SET password_hash = $1 WHERE username = $2")
                    .bind(hash)
                    .bind(username)
                    .execute(&mut connection)
                    .await
                    .unwrap();
            }
        }
    }

    /// Counts the history events that each request id wrote.
    pub async fn events_per_request(&self) -> HashMap<String, i64> {
        let query = "SELECT request_id, COUNT(*) FROM follow_up_events GROUP BY request_id";
        let groups: Vec<(String, i64)> = match &self.location {
            Location::Sqlite { .. } => {
                let pool = SqlitePool::connect(&self.url).await.unwrap();
                sqlx::query_as(query).fetch_all(&pool).await.unwrap()
            }
            Location::Postgres { .. } => {
                let mut connection = PgConnection::connect(&self.url).await.unwrap();
                sqlx::query_as(query).fetch_all(&mut connection).await.unwrap()
            }
        };
        groups.into_iter().collect()
    }
}

impl Drop for TestDatabase {
    /// Drops a PostgreSQL test database on a thread of its own, because `Drop` cannot
    /// await and may run inside the test's runtime.
    fn drop(&mut self) {
        let Location::Postgres { server_url, name } = &self.location else {
            return;
        };
        let (server_url, owned_name) = (server_url.clone(), name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(drop_database(&server_url, &owned_name));
        })
        .join();
        if dropped.is_err() {
            eprintln!("could not drop test database {name}; the next test run drops it");
        }
    }
}

async fn connect_admin(server_url: &str) -> PgConnection {
    let url = format!("{server_url}/postgres");
    match PgConnection::connect(&url).await {
        Ok(connection) => connection,
        Err(error) => panic!(
            "PostgreSQL at {server_url} is unreachable: {error}; start it or set \
             FOLLOWUPS_TEST_POSTGRES_URL"
        ),
    }
}

async fn drop_database(server_url: &str, name: &str) {
    let mut admin = connect_admin(server_url).await;
    // FORCE ends the sessions of servers that the test left running.
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}

/// Drops test databases whose test process no longer runs.
async fn drop_stale_databases(server_url: &str) {
    let mut admin = connect_admin(server_url).await;
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
            .bind(NAME_PREFIX)
            .fetch_all(&mut admin)
            .await
            .unwrap();
    for name in names.iter().filter(|name| !owner_is_running(name)) {
        drop_database(server_url, name).await;
    }
}

/// Checks whether the process whose id is in a test database name still runs.
///
/// Without `/proc` (outside Linux) every owner counts as running, so nothing is dropped.
fn owner_is_running(name: &str) -> bool {
    let proc = std::path::Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    let pid = name
        .strip_prefix(NAME_PREFIX)
        .and_then(|rest| rest.split('_').next())
        .unwrap_or_default();
    !pid.is_empty() && proc.join(pid).exists()
}
