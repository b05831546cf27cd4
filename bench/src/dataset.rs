//! A fresh database seeded with one dealer, one department and N open follow-ups.

use std::sync::Arc;

use anyhow::Context;
use followups::auth::password::hash_password;
use followups::domain::{FollowUpState, OpaqueId};
use followups::storage::{
    self, GrantScope, NewDealer, NewDepartment, NewFollowUp, NewUser, Store, StoreOptions,
};
use sqlx::Connection;

use crate::Backend;

pub const USERNAME: &str = "bench";
pub const PASSWORD: &str = "bench-password";
pub const DEALER: &str = "bench-dealer";
pub const DEPARTMENT: &str = "bench-department";
pub const USER: &str = "bench-user";

/// Rows inserted per transaction while seeding.
const SEED_CHUNK: usize = 10_000;

pub struct Dataset {
    pub url: String,
    pub store: Arc<dyn Store>,
    pub follow_up_ids: Vec<String>,
    /// The PostgreSQL server URL and database name, to drop it afterwards.
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Dataset {
    pub async fn create(backend: Backend, follow_ups: usize, postgres_url: &str) -> anyhow::Result<Self> {
        let (url, dir, postgres) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite:{}", dir.path().join("bench.db").display());
                (url, Some(dir), None)
            }
            Backend::Postgres => {
                let name = format!("followups_bench_{}", std::process::id());
                recreate_database(postgres_url, &name).await?;
                let url = format!("{}/{name}", postgres_url.trim_end_matches('/'));
                (url, None, Some((postgres_url.to_owned(), name)))
            }
        };
        let store = storage::open(&url, &StoreOptions::default())
            .await
            .context("opening the store")?;
        let follow_up_ids = (0..follow_ups).map(|i| format!("bench-{i:07}")).collect();
        let dataset = Self {
            url,
            store,
            follow_up_ids,
            postgres,
            _dir: dir,
        };
        dataset.seed().await?;
        Ok(dataset)
    }

    async fn seed(&self) -> anyhow::Result<()> {
        let store = self.store.as_ref();
        let id = |value: &str| OpaqueId::from_trusted(value.to_owned());
        let dealer = NewDealer {
            uuid: id(DEALER),
            name: "Bench Motors".into(),
            time_zone: "America/Chicago".into(),
        };
        store.create_dealer(dealer).await?;
        let department = NewDepartment {
            uuid: id(DEPARTMENT),
            dealer_uuid: id(DEALER),
            name: "Service".into(),
        };
        store.create_department(department).await?;
        let user = NewUser {
            uuid: id(USER),
            department_uuid: id(DEPARTMENT),
            fname: "Bench".into(),
            lname: "User".into(),
        };
        store.create_user(user).await?;
        store
            .create_subscriber(USERNAME, &hash_password(PASSWORD))
            .await?;
        store
            .set_grant(USERNAME, &GrantScope::Dealer(id(DEALER)), true)
            .await?;
        let today = chrono::Utc::now().date_naive();
        for (index, chunk) in self.follow_up_ids.chunks(SEED_CHUNK).enumerate() {
            let rows = chunk
                .iter()
                .enumerate()
                .map(|(offset, uuid)| NewFollowUp {
                    uuid: id(uuid),
                    customer_uuid: None,
                    task_type_uuid: None,
                    title: "Call about declined brake work".into(),
                    notes: String::new(),
                    due_date: today + chrono::Duration::days(((index * SEED_CHUNK + offset) % 365) as i64),
                    state: FollowUpState::new_open(),
                })
                .collect();
            store.insert_follow_ups(&id(DEPARTMENT), rows).await?;
        }
        self.analyze().await
    }

    /// Refreshes PostgreSQL's planner statistics, as autovacuum would after a bulk load.
    /// Without them the planner believes the freshly filled table is empty and picks the
    /// due-date indexes, scanning the whole department, over the unique `(dealer_id, uuid)` one.
    async fn analyze(&self) -> anyhow::Result<()> {
        if self.postgres.is_some() {
            let mut conn = sqlx::PgConnection::connect(&self.url).await?;
            sqlx::query("ANALYZE").execute(&mut conn).await?;
        }
        Ok(())
    }

    pub fn database_name(&self) -> Option<&str> {
        self.postgres.as_ref().map(|(_, name)| name.as_str())
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        drop(self.store);
        if let Some((server, name)) = &self.postgres {
            let mut conn = sqlx::PgConnection::connect(&format!("{server}/postgres")).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await?;
        }
        Ok(())
    }
}

async fn recreate_database(server: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .with_context(|| format!("connecting to PostgreSQL at {server}"))?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await?;
    Ok(())
}
