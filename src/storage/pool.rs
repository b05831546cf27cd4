//! Connection pool figures for metrics, shared by both backends.

use std::future::Future;
use std::time::Instant;

use sqlx::{Database, Pool};

use crate::metrics::DB_ACQUIRE_WAIT;

/// A snapshot of one connection pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStats {
    /// Pool name used as the `pool` metric label, such as `writer` or `readers`.
    pub pool: &'static str,
    /// Open connections, idle or in use.
    pub size: u32,
    /// Open connections that no request holds.
    pub idle: usize,
    /// Configured maximum of open connections.
    pub max_connections: u32,
}

impl PoolStats {
    /// Reads the current figures of `pool`.
    pub fn of<DB: Database>(name: &'static str, pool: &Pool<DB>) -> Self {
        Self {
            pool: name,
            size: pool.size(),
            idle: pool.num_idle(),
            max_connections: pool.options().get_max_connections(),
        }
    }
}

/// Runs `acquire` (such as `pool.begin()`) and records how long it took as the acquire
/// wait of the named pool.
pub async fn time_acquire<T>(pool: &'static str, acquire: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let result = acquire.await;
    metrics::histogram!(DB_ACQUIRE_WAIT, "pool" => pool).record(started.elapsed().as_secs_f64());
    result
}
