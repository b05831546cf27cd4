//! The per-subscriber request rate limit, a GCRA limiter from `governor`.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::context::RateLimitStatus;

type KeyedLimiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Allows each subscriber `burst` requests at once, refilled at `per_second`.
pub struct SubscriberRateLimit {
    limiter: KeyedLimiter,
    burst: u32,
    interval: Duration,
}

/// A request over the limit: the headers to send and how long to wait.
#[derive(Debug, Clone, Copy)]
pub struct RateLimited {
    pub status: RateLimitStatus,
    pub retry_after: Duration,
}

impl SubscriberRateLimit {
    /// Creates the limit, or returns `None` when `per_second` is 0, which turns it off.
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        let per_second = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(1)).expect("at least 1");
        let quota = Quota::per_second(per_second).allow_burst(burst);
        Some(Self {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            burst: burst.get(),
            interval: quota.replenish_interval(),
        })
    }

    /// Takes one request from the subscriber's budget.
    pub fn check(&self, username: &str) -> Result<RateLimitStatus, RateLimited> {
        match self.limiter.check_key(&username.to_owned()) {
            Ok(snapshot) => Ok(self.status(snapshot.remaining_burst_capacity())),
            Err(not_until) => Err(RateLimited {
                status: self.status(0),
                retry_after: not_until.wait_time_from(self.limiter.clock().now()),
            }),
        }
    }

    /// Builds the status with `remaining` requests left. The budget is full again after
    /// one interval per used request.
    fn status(&self, remaining: u32) -> RateLimitStatus {
        let used = self.burst.saturating_sub(remaining);
        let reset = self.interval.saturating_mul(used);
        RateLimitStatus {
            limit: self.burst,
            remaining,
            reset_secs: ceil_secs(reset),
        }
    }
}

/// Whole seconds, rounded up, as `Retry-After` and `RateLimit-Reset` require.
pub fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}
