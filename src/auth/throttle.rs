//! Slows down password guessing: failed logins are counted per client address and per
//! username, and a key that failed too often must wait before it may try again.
//!
//! Only failures count, and the counts decay at a fixed rate (a GCRA limiter from
//! `governor`), so a throttled key recovers by itself. A throttled username rejects only
//! addresses that have themselves failed on it recently, so the owner can still log in
//! from a clean address while someone else guesses the password.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::clock::Clock as _;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use moka::sync::Cache;

/// Failure budget of one key.
#[derive(Debug, Clone)]
pub struct ThrottleOptions {
    /// Failures a key may make in a row before it is throttled.
    pub burst: u32,
    /// Time after which one more failure is allowed; a throttled key waits this long.
    pub interval: Duration,
    /// How long an address counts as having failed on a username.
    pub memory: Duration,
}

impl Default for ThrottleOptions {
    fn default() -> Self {
        Self {
            burst: 10,
            interval: Duration::from_secs(6),
            memory: Duration::from_secs(15 * 60),
        }
    }
}

/// Why an attempt was rejected without checking its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleReason {
    /// The client address failed too often.
    Address,
    /// The username failed too often, and this address is one of those that failed on it.
    Username,
}

/// A rejected attempt: the reason and when the key may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub reason: ThrottleReason,
    pub retry_after: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Username(String),
}

/// Keys tracked at most, per kind, before stale limiter entries are dropped.
const MAX_TRACKED_KEYS: usize = 100_000;

/// Failure counters and the keys that are throttled until a given instant.
pub struct LoginThrottle {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_username: DefaultKeyedRateLimiter<String>,
    throttled_until: Cache<Key, Instant>,
    failed_pairs: Cache<(String, IpAddr), ()>,
}

impl LoginThrottle {
    /// Creates a throttle in which every key starts with its full failure budget.
    pub fn new(options: &ThrottleOptions) -> Self {
        let burst = NonZeroU32::new(options.burst.max(1)).expect("at least 1");
        let interval = options.interval.max(Duration::from_millis(1));
        let quota = Quota::with_period(interval).expect("positive").allow_burst(burst);
        let longest_wait = interval.saturating_mul(options.burst.max(1));
        Self {
            by_address: RateLimiter::keyed(quota),
            by_username: RateLimiter::keyed(quota),
            throttled_until: bounded_cache(longest_wait),
            failed_pairs: bounded_cache(options.memory),
        }
    }

    /// Rejects the attempt when its address, or its username from an address that failed
    /// on it, is throttled.
    pub fn check(&self, username: &str, address: Option<IpAddr>) -> Result<(), Throttled> {
        if let Some(address) = address {
            self.check_key(&Key::Address(address), ThrottleReason::Address)?;
            if self.failed_pairs.contains_key(&(username.to_owned(), address)) {
                self.check_key(&Key::Username(username.to_owned()), ThrottleReason::Username)?;
            }
        }
        Ok(())
    }

    /// Counts a failed attempt against its address and its username.
    pub fn record_failure(&self, username: &str, address: Option<IpAddr>) {
        if self.by_username.len() > MAX_TRACKED_KEYS {
            self.by_username.retain_recent();
        }
        let username_wait = self.by_username.check_key(&username.to_owned()).err();
        if let Some(not_until) = username_wait {
            let wait = not_until.wait_time_from(self.by_username.clock().now());
            self.throttle(Key::Username(username.to_owned()), wait);
        }
        let Some(address) = address else {
            return;
        };
        self.failed_pairs.insert((username.to_owned(), address), ());
        if self.by_address.len() > MAX_TRACKED_KEYS {
            self.by_address.retain_recent();
        }
        if let Err(not_until) = self.by_address.check_key(&address) {
            let wait = not_until.wait_time_from(self.by_address.clock().now());
            self.throttle(Key::Address(address), wait);
        }
    }

    /// Throttles `key` for `wait`. The log names a throttled address but not a username,
    /// because a mistyped username may contain a password.
    fn throttle(&self, key: Key, wait: Duration) {
        let wait_ms = wait.as_millis() as u64;
        match &key {
            Key::Address(address) => {
                tracing::warn!(client.address = %address, wait_ms, "too many failed logins from an address")
            }
            Key::Username(_) => tracing::warn!(wait_ms, "too many failed logins for one username"),
        }
        self.throttled_until.insert(key, Instant::now() + wait);
    }

    fn check_key(&self, key: &Key, reason: ThrottleReason) -> Result<(), Throttled> {
        let Some(until) = self.throttled_until.get(key) else {
            return Ok(());
        };
        let now = Instant::now();
        if until <= now {
            return Ok(());
        }
        Err(Throttled {
            reason,
            retry_after: until - now,
        })
    }
}

fn bounded_cache<K, V>(time_to_live: Duration) -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder()
        .max_capacity(MAX_TRACKED_KEYS as u64)
        .time_to_live(time_to_live.max(Duration::from_secs(1)))
        .build()
}
