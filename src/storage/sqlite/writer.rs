//! The single SQLite writer: one connection on a dedicated thread with group commit.
//!
//! SQLite allows one writer at a time. Instead of letting requests wait in SQLite's busy
//! handler, write jobs queue on a channel. The writer thread takes every queued job, runs
//! each in its own savepoint inside one `BEGIN IMMEDIATE` transaction, commits once, and
//! only then replies to the jobs. A job that fails rolls back to its savepoint alone; a failed
//! commit fails every job of the group. So each job is atomic, and the commit cost is
//! shared by all requests that arrived while the previous group was being written.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{mpsc, oneshot};

use super::checkpoint::{CheckpointOptions, Checkpointer, CATCH_UP_FRAMES};
use crate::storage::{SqliteSynchronous, StoreError};

/// Jobs committed together at most; bounds the latency a group adds to its first job.
const MAX_GROUP: usize = 64;

/// Page cache of the writer connection in KiB. In the benchmark, 16 and 32 MiB updated no
/// more follow-ups per second than 8 MiB, and each added its size to the server's RSS.
const WRITER_CACHE_KIB: u32 = 8 * 1024;

/// Queued jobs at most before callers wait for room.
const QUEUE_CAPACITY: usize = 4096;

type Job = Box<dyn GroupJob>;

trait GroupJob: Send {
    /// Runs the job's statements inside its savepoint.
    fn run(&mut self, conn: &Connection) -> Result<(), StoreError>;
    /// Replies to the caller once the group's commit succeeded or failed.
    fn finish(self: Box<Self>, commit: Result<(), String>);
}

struct ClosureJob<T, F> {
    work: Option<F>,
    /// When the job was queued, to report how long it waited for the writer.
    queued: Instant,
    outcome: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> GroupJob for ClosureJob<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let waited = self.queued.elapsed().as_secs_f64();
        metrics::histogram!(crate::metrics::DB_ACQUIRE_WAIT, "pool" => "writer").record(waited);
        let work = self.work.take().expect("a job runs once");
        let outcome = catch_unwind(AssertUnwindSafe(|| work(conn)))
            .unwrap_or_else(|_| Err(StoreError::Corrupt("a write job panicked".into())));
        let result = match &outcome {
            Ok(_) => Ok(()),
            Err(_) => Err(StoreError::Corrupt("job failed".into())),
        };
        self.outcome = Some(outcome);
        result
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let outcome = match (commit, self.outcome) {
            (Ok(()), None) => Err(StoreError::Corrupt("the write job did not run".into())),
            (Err(message), None) => Err(StoreError::Unavailable(message.into())),
            (Ok(()), Some(outcome)) => outcome,
            (Err(_), Some(Err(error))) => Err(error),
            (Err(message), Some(Ok(_))) => Err(StoreError::Unavailable(message.into())),
        };
        let _ = self.reply.send(outcome);
    }
}

/// Handle to the writer thread. Dropping every handle stops the thread.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Jobs queued or running.
    pending: Arc<AtomicUsize>,
}

/// Connection settings of the writer.
pub struct WriterOptions<'a> {
    pub path: &'a Path,
    pub synchronous: SqliteSynchronous,
    pub busy_timeout: Duration,
}

impl Writer {
    /// Opens the writer connection and starts its thread.
    pub fn start(options: &WriterOptions<'_>) -> Result<Self, StoreError> {
        let conn = open_connection(options)?;
        let checkpointer = Checkpointer::start(&CheckpointOptions {
            path: options.path,
            busy_timeout: options.busy_timeout,
            catch_up_frames: CATCH_UP_FRAMES,
        })?;
        let (jobs, receiver) = mpsc::channel(QUEUE_CAPACITY);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run_writer(&conn, &checkpointer, receiver))
            .map_err(|e| StoreError::Database(Box::new(e)))?;
        Ok(Self {
            jobs,
            pending: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Runs `work` atomically in the next group and returns its result after the commit.
    pub async fn execute<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = ClosureJob {
            work: Some(work),
            queued: Instant::now(),
            outcome: None,
            reply,
        };
        self.pending.fetch_add(1, Ordering::Relaxed);
        let _pending = PendingGuard(&self.pending);
        self.jobs
            .send(Box::new(job))
            .await
            .map_err(|_| writer_stopped())?;
        answer.await.map_err(|_| writer_stopped())?
    }

    /// Whether no job is queued or running, for pool metrics.
    pub fn is_idle(&self) -> bool {
        self.pending.load(Ordering::Relaxed) == 0
    }
}

/// Counts a job as pending until its caller stops waiting for it.
struct PendingGuard<'a>(&'a AtomicUsize);

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn writer_stopped() -> StoreError {
    StoreError::Unavailable("the SQLite writer thread has stopped".into())
}

fn open_connection(options: &WriterOptions<'_>) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(options.path, flags)?;
    conn.busy_timeout(options.busy_timeout)?;
    let synchronous = match options.synchronous {
        SqliteSynchronous::Normal => "NORMAL",
        SqliteSynchronous::Full => "FULL",
    };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;"
    ))?;
    conn.execute_batch(&format!(
        "PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -{WRITER_CACHE_KIB};"
    ))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn run_writer(conn: &Connection, checkpointer: &Checkpointer, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.blocking_recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match receiver.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let commit = write_group(conn, &mut group);
        match &commit {
            Ok(()) => checkpointer.committed(),
            Err(message) => {
                tracing::error!(error = %message, jobs = group.len(), "SQLite group commit failed")
            }
        }
        for job in group {
            job.finish(commit.clone());
        }
        checkpointer.catch_up(conn);
    }
}

/// Runs a group in one transaction; returns the commit's outcome.
fn write_group(conn: &Connection, group: &mut [Job]) -> Result<(), String> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())?;
    for job in group.iter_mut() {
        if let Err(error) = run_in_savepoint(conn, job.as_mut()) {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(error.to_string());
        }
    }
    if let Err(error) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(error.to_string());
    }
    Ok(())
}

/// Runs one job; its failure rolls back only its own savepoint. Returns an error only when
/// the savepoint itself cannot be managed, which ends the whole group.
fn run_in_savepoint(conn: &Connection, job: &mut dyn GroupJob) -> Result<(), rusqlite::Error> {
    conn.execute_batch("SAVEPOINT job")?;
    if job.run(conn).is_err() {
        conn.execute_batch("ROLLBACK TO job")?;
    }
    conn.execute_batch("RELEASE job")
}
