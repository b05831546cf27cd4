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
//! Requests wait during that checkpoint, so the thread first does what it can of the
//! same work: it flushes the database file and copies the frames appended meanwhile.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
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
    /// WAL size in frames when the writer last checkpointed it. The WAL restarts only at the
    /// next commit, so a checkpoint of this thread in between still reports this size.
    caught_up_frames: AtomicI64,
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
        let thread = CheckpointThread::open(options)?;
        let (commits, receiver) = sync_channel(1);
        let shared = Arc::new(Shared::default());
        let thread_shared = shared.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || thread.run(&receiver, &thread_shared))
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
        self.shared.catch_up(conn);
    }
}

/// The checkpoint thread's own connection and handle on the database file.
struct CheckpointThread {
    conn: Connection,
    /// The database file, which this thread flushes before requesting a catch-up.
    database: File,
    catch_up_frames: i64,
}

impl CheckpointThread {
    fn open(options: &CheckpointOptions<'_>) -> Result<Self, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(options.path, flags)?;
        conn.busy_timeout(options.busy_timeout)?;
        let database = File::open(options.path).map_err(|e| StoreError::Database(Box::new(e)))?;
        Ok(Self {
            conn,
            database,
            catch_up_frames: options.catch_up_frames,
        })
    }

    fn run(&self, commits: &Receiver<()>, shared: &Shared) {
        while commits.recv().is_ok() {
            let started = Instant::now();
            // While a requested catch-up is pending, a checkpoint here would only delay it.
            if !shared.catch_up.load(Ordering::Relaxed) {
                self.checkpoint(shared);
            }
            std::thread::sleep(MIN_INTERVAL.saturating_sub(started.elapsed()));
        }
    }

    /// Runs one PASSIVE checkpoint and requests a catch-up when the WAL has grown too long,
    /// unless the writer already checkpointed this WAL, which then restarts with the
    /// writer's next commit.
    fn checkpoint(&self, shared: &Shared) {
        match shared.checkpoint(&self.conn) {
            Ok(frames)
                if frames >= self.catch_up_frames
                    && frames != shared.caught_up_frames.load(Ordering::Relaxed) =>
            {
                self.prepare_catch_up(shared);
                shared.catch_up.store(true, Ordering::Relaxed);
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "SQLite checkpoint failed"),
        }
    }

    /// Does ahead of a catch-up as much of its work as this thread can, because no request
    /// is served while the catch-up runs.
    ///
    /// SQLite flushes the database file only at the end of a checkpoint that copied the
    /// whole WAL. Under continuous writes that is the catch-up, which would then flush every
    /// page this thread's checkpoints copied since the last one. So this thread flushes
    /// those pages itself and copies the frames appended meanwhile. A second round handles
    /// the commits made during the first, so the catch-up copies and flushes only the
    /// commits of the second.
    fn prepare_catch_up(&self, shared: &Shared) {
        for _ in 0..2 {
            if let Err(error) = self.database.sync_data() {
                tracing::warn!(%error, "flushing the SQLite database file failed");
            }
            if let Err(error) = shared.checkpoint(&self.conn) {
                tracing::warn!(%error, "SQLite checkpoint failed");
            }
        }
    }
}

impl Shared {
    /// Runs a checkpoint on the writer's connection when the thread requested one.
    fn catch_up(&self, conn: &Connection) {
        if !self.catch_up.swap(false, Ordering::Relaxed) {
            return;
        }
        match self.checkpoint(conn) {
            Ok(frames) => self.caught_up_frames.store(frames, Ordering::Relaxed),
            Err(error) => tracing::warn!(%error, "SQLite checkpoint on the writer connection failed"),
        }
    }

    /// Runs a PASSIVE checkpoint and returns the number of frames in the WAL.
    fn checkpoint(&self, conn: &Connection) -> rusqlite::Result<i64> {
        let _running = self
            .running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
    }
}

/// Maximum time that [`final_checkpoint`] retries.
const FINAL_CHECKPOINT_LIMIT: Duration = Duration::from_secs(2);

/// Copies the whole WAL of the database at `path` into the database file, on a connection
/// of its own: the writer connection runs its jobs inside a transaction, where SQLite
/// rejects a checkpoint.
///
/// The checkpoint is PASSIVE, so it waits for no other connection. It is retried for up to
/// [`FINAL_CHECKPOINT_LIMIT`] while the checkpoint thread runs one (SQLite runs one at a
/// time and reports the second as busy) or a reader still uses older frames. Past that, it
/// logs a warning and leaves the rest to the next start.
pub fn final_checkpoint(path: &Path) -> Result<(), StoreError> {
    let conn = Connection::open(path)?;
    let deadline = Instant::now() + FINAL_CHECKPOINT_LIMIT;
    loop {
        let (busy, frames, copied): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;
        if busy == 0 && copied == frames {
            return Ok(());
        }
        if Instant::now() >= deadline {
            tracing::warn!(
                frames,
                copied,
                "the WAL was not copied completely into the database file; the next start \
                 copies the rest"
            );
            return Ok(());
        }
        std::thread::sleep(MIN_INTERVAL / 5);
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
    fn one_catch_up_per_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.db");
        let conn = open_writer(&path);
        let thread = CheckpointThread::open(&CheckpointOptions {
            path: &path,
            busy_timeout: Duration::from_secs(5),
            catch_up_frames: CATCH_UP,
        })
        .unwrap();
        let shared = Shared::default();
        insert_rows(&conn, CATCH_UP * 2);

        thread.checkpoint(&shared);
        assert!(shared.catch_up.load(Ordering::Relaxed), "no catch-up requested");

        shared.catch_up(&conn);
        thread.checkpoint(&shared);
        // The WAL keeps its size until the next commit restarts it.
        assert!(
            !shared.catch_up.load(Ordering::Relaxed),
            "a second catch-up requested for a WAL already copied"
        );

        insert_rows(&conn, CATCH_UP * 2);
        thread.checkpoint(&shared);
        assert!(
            shared.catch_up.load(Ordering::Relaxed),
            "no catch-up after the restart"
        );
    }

    #[test]
    fn final_checkpoint_waits_for_a_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.db");
        let conn = open_writer(&path);
        insert_rows(&conn, 4);
        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM pages", [], |row| row.get(0))
            .unwrap();
        // Frames past the reader's snapshot, which a checkpoint cannot copy while it reads.
        insert_rows(&conn, 4);
        let release = std::thread::spawn(move || {
            std::thread::sleep(MIN_INTERVAL * 4);
            reader.execute_batch("COMMIT").unwrap();
        });

        final_checkpoint(&path).unwrap();
        release.join().unwrap();

        let copy = dir.path().join("copy.db");
        std::fs::copy(&path, &copy).unwrap();
        let rows: i64 = Connection::open(&copy)
            .unwrap()
            .query_row("SELECT count(*) FROM pages", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 8, "the database file alone lacks commits");
    }

    /// Commits `rows` page-sized rows, one per transaction, with no checkpoint.
    fn insert_rows(conn: &Connection, rows: i64) {
        let body = vec![7u8; PAGE];
        for _ in 0..rows {
            conn.execute("INSERT INTO pages (body) VALUES (?1)", [&body])
                .unwrap();
        }
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
