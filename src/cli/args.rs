//! Command-line arguments. Every option can also be set through the environment variable
//! named in its help.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::import::FileFormat;
use crate::storage::SqliteSynchronous;

#[derive(Debug, Parser)]
#[command(name = "followups", version, about = "Follow-up service for car dealerships")]
pub struct Cli {
    /// Database URL: sqlite:PATH for the embedded database (created when missing), or
    /// postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE for PostgreSQL.
    #[arg(
        long,
        global = true,
        env = "FOLLOWUPS_DATABASE_URL",
        default_value = "sqlite:followups.db"
    )]
    pub database_url: String,

    /// Log output format.
    #[arg(long, global = true, env = "FOLLOWUPS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// Seed the demo data set (if missing) and print its ids and credentials.
    Demo {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage dealers.
    #[command(subcommand)]
    Dealer(DealerCommand),
    /// Manage departments.
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// Manage dealership users (the people who act on and are assigned follow-ups).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage service subscribers (API credentials).
    #[command(subcommand)]
    Subscriber(SubscriberCommand),
    /// Allow a subscriber to act on a dealer (all its departments) or one department.
    Grant(GrantArgs),
    /// Remove a grant made with `grant`.
    Revoke(GrantArgs),
    /// Import follow-ups into a department from a CSV or JSON Lines file, all or nothing.
    Import(ImportArgs),
    /// Print the OpenAPI 3.1 document of the HTTP API, as served at /openapi.json.
    Openapi,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "FOLLOWUPS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Seed the demo data set when missing and print credentials and sample requests.
    #[arg(long, env = "FOLLOWUPS_DEMO")]
    pub demo: bool,

    /// Maximum follow-up ids in one bulk update request, and follow-ups in one create request.
    #[arg(long, env = "FOLLOWUPS_MAX_IDS_PER_REQUEST", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_ids_per_request: u32,

    /// Maximum database connections: the read pool on SQLite (which always writes through
    /// one more), the whole pool on PostgreSQL.
    #[arg(long, env = "FOLLOWUPS_DB_MAX_CONNECTIONS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_max_connections: u32,

    /// Seconds a request waits for a free database connection before it fails with 503.
    #[arg(long, env = "FOLLOWUPS_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub db_acquire_timeout_secs: u64,

    /// Seconds that opening the database at startup may take before the server exits.
    #[arg(long, env = "FOLLOWUPS_DB_CONNECT_TIMEOUT_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub db_connect_timeout_secs: u64,

    /// Seconds one PostgreSQL statement may run before it is cancelled (ignored on SQLite).
    #[arg(long, env = "FOLLOWUPS_DB_STATEMENT_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub db_statement_timeout_secs: u64,

    /// SQLite synchronous level: normal survives process crashes, full also power loss.
    #[arg(long, env = "FOLLOWUPS_SQLITE_SYNCHRONOUS", value_enum, default_value_t = SqliteSynchronous::Normal)]
    pub sqlite_synchronous: SqliteSynchronous,

    /// Seconds a verified credential stays in the in-memory cache.
    #[arg(long, env = "FOLLOWUPS_AUTH_CACHE_TTL_SECS", default_value_t = 300)]
    pub auth_cache_ttl_secs: u64,

    /// Milliseconds between checks for changed subscribers or grants; a change drops the cache.
    #[arg(long, env = "FOLLOWUPS_AUTH_REFRESH_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(10..))]
    pub auth_refresh_ms: u64,

    /// Seconds that SIGTERM or Ctrl-C waits for in-flight requests before the server stops.
    #[arg(long, env = "FOLLOWUPS_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30)]
    pub shutdown_timeout_secs: u64,

    /// Seconds a client may take to send the headers of a request before the server closes
    /// the connection. Keep-alive connections idle this long are closed too.
    #[arg(long, env = "FOLLOWUPS_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_read_timeout_secs: u64,

    /// Milliseconds a request may take before it is answered with 503 REQUEST_TIMED_OUT.
    #[arg(long, env = "FOLLOWUPS_REQUEST_TIMEOUT_MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_ms: u64,

    /// Requests in progress at once; further requests are answered with 503 SERVER_BUSY.
    #[arg(long, env = "FOLLOWUPS_MAX_CONCURRENT_REQUESTS", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_concurrent_requests: u32,

    /// Requests per second each service subscriber may sustain (429 beyond); 0 turns it off.
    #[arg(long, env = "FOLLOWUPS_RATE_LIMIT_PER_SECOND", default_value_t = 200)]
    pub rate_limit_per_second: u32,

    /// Requests a service subscriber may send at once before the per-second rate applies.
    #[arg(long, env = "FOLLOWUPS_RATE_LIMIT_BURST", default_value_t = 400,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_burst: u32,

    /// Argon2 password checks running at once; each takes 19 MiB of memory.
    #[arg(long, env = "FOLLOWUPS_MAX_CONCURRENT_PASSWORD_CHECKS", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_concurrent_password_checks: u32,

    /// Failed logins a client address or username may make in a row before it is throttled.
    #[arg(long, env = "FOLLOWUPS_LOGIN_FAILURE_BURST", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub login_failure_burst: u32,

    /// Milliseconds after which a throttled client address or username may fail once more.
    #[arg(long, env = "FOLLOWUPS_LOGIN_FAILURE_INTERVAL_MS", default_value_t = 6_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub login_failure_interval_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum DealerCommand {
    /// Add a dealer and print its uuid.
    Add {
        /// Display name of the dealership (1 to 200 characters).
        #[arg(long)]
        name: String,
        /// IANA time zone of the dealership, such as America/Los_Angeles.
        #[arg(long)]
        time_zone: String,
        /// Id to use instead of a generated one.
        #[arg(long)]
        uuid: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DepartmentCommand {
    /// Add a department to a dealer and print its uuid.
    Add {
        /// Uuid of the dealer.
        #[arg(long)]
        dealer: String,
        /// Display name of the department, such as Service (1 to 200 characters).
        #[arg(long)]
        name: String,
        /// Id to use instead of a generated one.
        #[arg(long)]
        uuid: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to a department and print its uuid.
    Add {
        /// Uuid of the user's department.
        #[arg(long)]
        department: String,
        /// First name (at most 100 characters).
        #[arg(long)]
        fname: String,
        /// Last name (at most 100 characters).
        #[arg(long)]
        lname: String,
        /// Id to use instead of a generated one.
        #[arg(long)]
        uuid: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SubscriberCommand {
    /// Add a service subscriber. The password is read from standard input with
    /// --password-stdin, otherwise generated and printed once.
    Add {
        /// Login name used in HTTP Basic credentials; no ':' or control characters.
        #[arg(long)]
        username: String,
        /// Read the password (at least 12 characters) from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false, id = "target")]
pub struct GrantTarget {
    /// Uuid of a dealer: the grant covers all its departments.
    #[arg(long)]
    pub dealer: Option<String>,
    /// Uuid of one department.
    #[arg(long)]
    pub department: Option<String>,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    /// Username of the service subscriber.
    #[arg(long)]
    pub username: String,
    #[command(flatten)]
    pub target: GrantTarget,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import: CSV with a header row, or JSON Lines.
    pub file: PathBuf,
    /// Uuid of the department that receives the follow-ups.
    #[arg(long)]
    pub department: String,
    /// File format; by default taken from the extension (.csv, .jsonl or .ndjson).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
}
