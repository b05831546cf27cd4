//! Verifies Basic credentials against stored Argon2id hashes, caching successes.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, Semaphore};

use super::basic::BasicCredentials;
use super::password::{hash_password, verify_password};
use super::throttle::{LoginThrottle, ThrottleOptions, Throttled};
use crate::metrics::PASSWORD_VERIFICATIONS;
use crate::storage::{Grants, Store, StoreError, SubscriberRecord};

/// Cache settings for verified credentials.
#[derive(Debug, Clone)]
pub struct AuthenticatorOptions {
    /// Maximum number of cached credentials.
    pub cache_capacity: u64,
    /// How long a verified credential stays cached.
    pub cache_ttl: Duration,
    /// How often the server checks the database for changed subscribers or grants.
    pub refresh_interval: Duration,
    /// Maximum Argon2 verifications running at once; each allocates 19 MiB.
    pub max_concurrent_verifications: usize,
    /// Failed-login budget per client address and per username.
    pub throttle: ThrottleOptions,
}

impl Default for AuthenticatorOptions {
    fn default() -> Self {
        Self {
            cache_capacity: 10_000,
            cache_ttl: Duration::from_secs(300),
            refresh_interval: Duration::from_secs(1),
            max_concurrent_verifications: 2,
            throttle: ThrottleOptions::default(),
        }
    }
}

/// An authenticated service subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub id: i64,
    pub username: String,
    pub grants: Grants,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("too many failed logins; retry after {:?}", .0.retry_after)]
    Throttled(Throttled),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Clone)]
struct CachedSubscriber {
    subscriber: Arc<Subscriber>,
    /// The auth generation read before the subscriber was loaded.
    generation: i64,
}

/// Checks credentials, running Argon2 only on a cache miss.
///
/// The cache is keyed by a keyed SHA-256 of username and password, so it never holds a
/// password. Every change to a subscriber or grant bumps a generation counter in the
/// database; [`Authenticator::spawn_refresh`] polls it and drops the whole cache when it moves.
pub struct Authenticator {
    store: Arc<dyn Store>,
    cache: Cache<[u8; 32], CachedSubscriber>,
    generation: AtomicI64,
    cache_key_secret: [u8; 32],
    /// Verified against when the username is unknown, so that such a request takes as long
    /// as one with a wrong password.
    decoy_hash: String,
    /// Argon2 verifications run so far, successful or not.
    verifications: AtomicU64,
    /// Bounds concurrent Argon2 verifications, and so their memory.
    verification_permits: Semaphore,
    /// One lock per credential being verified, so that concurrent first requests with the
    /// same credentials run Argon2 once and the others find the cached result.
    in_flight: Cache<[u8; 32], Arc<Mutex<()>>>,
    throttle: LoginThrottle,
}

impl Authenticator {
    pub async fn new(store: Arc<dyn Store>, options: &AuthenticatorOptions) -> Result<Arc<Self>, StoreError> {
        let generation = store.auth_generation().await?;
        let mut cache_key_secret = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut cache_key_secret);
        let decoy_hash = tokio::task::spawn_blocking(|| hash_password("decoy password"))
            .await
            .expect("hashing does not panic");
        let cache = Cache::builder()
            .max_capacity(options.cache_capacity)
            .time_to_live(options.cache_ttl)
            .build();
        Ok(Arc::new(Self {
            store,
            cache,
            generation: AtomicI64::new(generation),
            cache_key_secret,
            decoy_hash,
            verifications: AtomicU64::new(0),
            verification_permits: Semaphore::new(options.max_concurrent_verifications.max(1)),
            in_flight: Cache::builder().time_to_idle(Duration::from_secs(60)).build(),
            throttle: LoginThrottle::new(&options.throttle),
        }))
    }

    /// Returns the subscriber these credentials belong to.
    ///
    /// Cached credentials are accepted at once. Otherwise a throttled `client` address or
    /// username is rejected before Argon2 runs, and a wrong password counts as a failure.
    pub async fn authenticate(
        &self,
        credentials: &BasicCredentials,
        client: Option<IpAddr>,
    ) -> Result<Arc<Subscriber>, AuthError> {
        let key = self.cache_key(credentials);
        if let Some(subscriber) = self.cached(&key) {
            return Ok(subscriber);
        }
        self.throttle
            .check(&credentials.username, client)
            .map_err(AuthError::Throttled)?;
        let lock = self.in_flight.get_with(key, Default::default);
        let _same_credentials = lock.lock().await;
        if let Some(subscriber) = self.cached(&key) {
            return Ok(subscriber);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let Some(record) = self.verify(credentials).await? else {
            self.throttle.record_failure(&credentials.username, client);
            return Err(AuthError::WrongCredentials);
        };
        let subscriber = Arc::new(Subscriber {
            id: record.id,
            username: record.username,
            grants: record.grants,
        });
        let entry = CachedSubscriber {
            subscriber: subscriber.clone(),
            generation,
        };
        self.cache.insert(key, entry);
        Ok(subscriber)
    }

    /// Returns the cached subscriber for `key` unless subscribers changed since it was cached.
    fn cached(&self, key: &[u8; 32]) -> Option<Arc<Subscriber>> {
        let entry = self.cache.get(key)?;
        let current = entry.generation == self.generation.load(Ordering::Acquire);
        current.then_some(entry.subscriber)
    }

    /// Loads the subscriber and checks the password with Argon2 under a permit; returns
    /// `None` when the username is unknown or inactive or the password is wrong.
    async fn verify(&self, credentials: &BasicCredentials) -> Result<Option<SubscriberRecord>, StoreError> {
        // `subscriber add` rejects usernames with control characters, and PostgreSQL
        // rejects NUL in text parameters, so such a username is unknown without a query.
        let record = if credentials.username.chars().any(char::is_control) {
            None
        } else {
            self.store.find_subscriber(&credentials.username).await?
        };
        let record = record.filter(|r| r.active);
        let hash = record
            .as_ref()
            .map_or_else(|| self.decoy_hash.clone(), |r| r.password_hash.clone());
        let password = credentials.password.clone();
        let _permit = self
            .verification_permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        self.verifications.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(PASSWORD_VERIFICATIONS).increment(1);
        let valid = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .expect("verifying does not panic");
        Ok(record.filter(|_| valid))
    }

    /// Returns how many Argon2 verifications ran, including those against the decoy hash.
    pub fn password_verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// Polls the auth generation and drops cached credentials when it changes.
    pub fn spawn_refresh(self: &Arc<Self>, interval: Duration) -> tokio::task::JoinHandle<()> {
        let authenticator = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                let Some(authenticator) = authenticator.upgrade() else {
                    return;
                };
                authenticator.refresh().await;
            }
        })
    }

    /// Reads the auth generation once and drops the cache if it moved.
    pub async fn refresh(&self) {
        match self.store.auth_generation().await {
            Ok(current) => {
                let previous = self.generation.swap(current, Ordering::AcqRel);
                if previous != current {
                    self.cache.invalidate_all();
                    tracing::info!(
                        generation = current,
                        "subscribers or grants changed; dropped cached credentials"
                    );
                }
            }
            Err(error) => tracing::warn!(%error, "could not read the auth generation"),
        }
    }

    fn cache_key(&self, credentials: &BasicCredentials) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.cache_key_secret);
        hasher.update((credentials.username.len() as u64).to_le_bytes());
        hasher.update(credentials.username.as_bytes());
        hasher.update(credentials.password.as_bytes());
        hasher.finalize().into()
    }
}
