//! WAL checkpoints on a thread and connection of their own.
//!
//! By default SQLite checkpoints on the connection that commits, each time the WAL passes
//! 1,000 pages, so some commits of the writer thread also copy the WAL into the database
//! file and wait for two fsyncs. The writer turns that off and notifies this thread after
//! each commit instead. The thread runs PASSIVE checkpoints, which copy committed pages
//! while the writer goes on appending to the WAL.
//!
//! SQLite restarts the WAL from its beginning only when every frame has been copied. Under
//! continuous writes a checkpoint on another connection may never catch up with the last
//! commit. So when the WAL passes [`CATCH_UP_FRAMES`], this thread sets a flag, and the
//! writer runs one checkpoint itself between two transactions, when nothing is appended.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::storage::StoreError;

/// WAL size, in frames of one page, past which the writer checkpoints itself (64 MiB).
pub const CATCH_UP_FRAMES: i64 = 16_384;

/// Shortest time between two checkpoints, so that each one copies many commits at once.
const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// The writer's side: notifies the checkpoint thread and learns when to catch up.
pub struct Checkpointer {
    commits: SyncSender<()>,
    shared: Arc<Shared>,
}

/// Settings of the checkpoint thread.
pub struct CheckpointOptions<'a> {
    pub path: &'a Path,
    pub busy_timeout: Duration,
    /// WAL size in frames past which the writer checkpoints itself.
    pub catch_up_frames: i64,
}

/// State shared by the writer and the checkpoint thread.
#[derive(Default)]
struct Shared {
    /// Set when the WAL has passed the catch-up size.
    catch_up: AtomicBool,
    /// Set once the writer has logged that the thread stopped, so that it logs it once.
    stop_logged: AtomicBool,
    /// Held while a checkpoint runs. SQLite runs one checkpoint at a time and a second
    /// PASSIVE one returns at once without copying anything, so the writer waits here.
    running: Mutex<()>,
}

impl Checkpointer {
    /// Opens a connection to the database at `path` and starts the checkpoint thread,
    /// which stops once the returned handle is dropped.
    pub fn start(options: &CheckpointOptions<'_>) -> Result<Self, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(options.path, flags)?;
        conn.busy_timeout(options.busy_timeout)?;
        let catch_up_frames = options.catch_up_frames;
        let (commits, receiver) = sync_channel(1);
        let shared = Arc::new(Shared::default());
        let thread_shared = shared.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&conn, &receiver, &thread_shared, catch_up_frames))
            .map_err(|e| StoreError::Database(Box::new(e)))?;
        Ok(Self { commits, shared })
    }

    /// Records a commit, so that the thread checkpoints soon after.
    pub fn committed(&self) {
        match self.commits.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) => {}
            Err(TrySendError::Disconnected(())) => {
                if !self.shared.stop_logged.swap(true, Ordering::Relaxed) {
                    tracing::error!(
                        "the SQLite checkpoint thread has stopped, so the WAL is no longer copied \
                         back; restart the server"
                    );
                }
            }
        }
    }

    /// Runs a checkpoint on the writer's connection when the thread requested one.
    pub fn catch_up(&self, conn: &Connection) {
        if !self.shared.catch_up.swap(false, Ordering::Relaxed) {
            return;
        }
        if let Err(error) = self.shared.checkpoint(conn) {
            tracing::warn!(%error, "SQLite checkpoint on the writer connection failed");
        }
    }
}

fn run(conn: &Connection, commits: &Receiver<()>, shared: &Shared, catch_up_frames: i64) {
    while commits.recv().is_ok() {
        let started = Instant::now();
        match shared.checkpoint(conn) {
            Ok(frames) if frames >= catch_up_frames => shared.catch_up.store(true, Ordering::Relaxed),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "SQLite checkpoint failed"),
        }
        std::thread::sleep(MIN_INTERVAL.saturating_sub(started.elapsed()));
    }
}

impl Shared {
    /// Runs a PASSIVE checkpoint and returns the number of frames in the WAL.
    fn checkpoint(&self, conn: &Connection) -> rusqlite::Result<i64> {
        let _running = self
            .running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: usize = 4096;
    const CATCH_UP: i64 = 256;

    fn open_writer(path: &Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
             CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
        )
        .unwrap();
        conn
    }

    /// Opens the writer connection of a new database at `path` and starts its checkpoints.
    fn start(path: &Path) -> (Connection, Checkpointer) {
        let conn = open_writer(path);
        let checkpointer = Checkpointer::start(&CheckpointOptions {
            path,
            busy_timeout: Duration::from_secs(5),
            catch_up_frames: CATCH_UP,
        })
        .unwrap();
        (conn, checkpointer)
    }

    /// Writes `commits` transactions of eight page-sized rows each, as the writer thread
    /// would, notifying the checkpointer after each.
    fn write(conn: &Connection, checkpointer: &Checkpointer, commits: i64) {
        let body = vec![7u8; PAGE];
        for commit in 0..commits {
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            for row in 0..8 {
                conn.execute(
                    "INSERT INTO pages (id, body) VALUES (?1, ?2)",
                    rusqlite::params![commit * 8 + row, body],
                )
                .unwrap();
            }
            conn.execute_batch("COMMIT").unwrap();
            checkpointer.committed();
            checkpointer.catch_up(conn);
        }
    }

    #[test]
    fn wal_stays_bounded_under_continuous_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.db");
        let (conn, checkpointer) = start(&path);

        // 64 MiB of rows, 64 times the catch-up size. The writer commits faster than it
        // would serve requests, so the WAL passes the catch-up size by the pages written
        // between two checkpoints of the thread.
        write(&conn, &checkpointer, 2_000);

        let wal = std::fs::metadata(dir.path().join("checkpoint.db-wal"))
            .unwrap()
            .len();
        let bound = 16 * 1024 * 1024;
        assert!(wal < bound, "the WAL grew to {wal} bytes, past {bound}");
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM pages", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 16_000);
    }

    #[test]
    fn checkpoints_copy_commits_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.db");
        let (conn, checkpointer) = start(&path);
        let before = std::fs::metadata(&path).unwrap().len();

        write(&conn, &checkpointer, 10);
        std::thread::sleep(MIN_INTERVAL * 10);

        let after = std::fs::metadata(&path).unwrap().len();
        assert!(
            after >= before + 80 * PAGE as u64,
            "the database file stayed at {after} bytes"
        );
    }
}
