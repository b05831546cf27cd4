//! The `serve` and `demo` subcommands.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use tokio::net::TcpListener;

use super::args::ServeArgs;
use crate::auth::{AuthenticatorOptions, ThrottleOptions};
use crate::demo::{self, DemoData};
use crate::http::Limits;
use crate::server::{self, ConnectionOptions};
use crate::storage::{self, redact_url, Store, StoreOptions};

/// Store settings taken from `serve` options.
pub fn store_options(args: &ServeArgs) -> StoreOptions {
    StoreOptions {
        max_connections: args.db_max_connections,
        acquire_timeout: Duration::from_secs(args.db_acquire_timeout_secs),
        connect_timeout: Duration::from_secs(args.db_connect_timeout_secs),
        statement_timeout: Duration::from_secs(args.db_statement_timeout_secs),
        sqlite_synchronous: args.sqlite_synchronous,
        ..StoreOptions::default()
    }
}

pub async fn serve(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    let store = open_store(database_url, &store_options(&args)).await?;
    let demo_data = match args.demo {
        true => Some(
            demo::seed(store.as_ref())
                .await
                .context("seeding the demo data failed")?,
        ),
        false => None,
    };
    let listener = TcpListener::bind(args.listen).await.with_context(|| {
        format!(
            "could not listen on {}; pick another address with --listen",
            args.listen
        )
    })?;
    let state = server::build_state(store.clone(), &auth_options(&args), limits(&args)).await?;
    let address = listener.local_addr()?;
    if let Some(data) = &demo_data {
        print_demo_banner(data, address);
    }
    let shutdown = server::shutdown_signal();
    tracing::info!(%address, database = %redact_url(database_url), "listening");
    server::run(listener, state, shutdown, connection_options(&args)).await;
    if let Err(error) = store.close().await {
        tracing::warn!(%error, "closing the database failed; the next start recovers from the WAL");
    }
    tracing::info!("stopped");
    Ok(())
}

fn auth_options(args: &ServeArgs) -> AuthenticatorOptions {
    AuthenticatorOptions {
        cache_ttl: Duration::from_secs(args.auth_cache_ttl_secs),
        refresh_interval: Duration::from_millis(args.auth_refresh_ms),
        max_concurrent_verifications: args.max_concurrent_password_checks as usize,
        throttle: ThrottleOptions {
            burst: args.login_failure_burst,
            interval: Duration::from_millis(args.login_failure_interval_ms),
            ..ThrottleOptions::default()
        },
        ..AuthenticatorOptions::default()
    }
}

fn connection_options(args: &ServeArgs) -> ConnectionOptions {
    ConnectionOptions {
        drain_timeout: Duration::from_secs(args.shutdown_timeout_secs),
        header_read_timeout: Duration::from_secs(args.header_read_timeout_secs),
    }
}

fn limits(args: &ServeArgs) -> Limits {
    Limits {
        max_ids_per_request: args.max_ids_per_request as usize,
        request_timeout: Duration::from_millis(args.request_timeout_ms),
        max_concurrent_requests: args.max_concurrent_requests as usize,
        rate_limit_per_second: args.rate_limit_per_second,
        rate_limit_burst: args.rate_limit_burst,
    }
}

pub async fn open_store(database_url: &str, options: &StoreOptions) -> anyhow::Result<Arc<dyn Store>> {
    storage::open(database_url, options)
        .await
        .with_context(|| format!("could not open the database {}", redact_url(database_url)))
}

pub async fn demo(database_url: &str, json: bool) -> anyhow::Result<()> {
    let store = open_store(database_url, &StoreOptions::default()).await?;
    let data = demo::seed(store.as_ref()).await?;
    store.close().await.context("closing the database failed")?;
    if json {
        println!("{}", serde_json::to_string(&data)?);
    } else {
        print_demo_banner(&data, "127.0.0.1:8080".parse().expect("valid address"));
    }
    Ok(())
}

/// Prints the demo credentials and one ready-to-paste request per documented sample.
fn print_demo_banner(data: &DemoData, address: SocketAddr) {
    let department = &data.dealers[0].departments[0];
    let actor = &department.users[0];
    let assignee = &department.users[1];
    let ids = &department.follow_up_uuids;
    let url = format!(
        "http://{address}/leads/followup/department/{}/user/{}/list",
        department.uuid, actor.uuid
    );
    let credentials =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", data.username, data.password));
    let by = format!(
        r#""actionTakenBy": {{"uuid": "{}", "fname": "{}", "lname": "{}"}}"#,
        actor.uuid, actor.fname, actor.lname
    );
    let samples = [
        (
            "Mark as done",
            format!(
                r#"{{"followUpUUIDs": ["{}", "{}"], "followUpActionType": "MARK_AS_DONE", {by}}}"#,
                ids[0], ids[1]
            ),
        ),
        (
            "Assign",
            format!(
                r#"{{"followUpUUIDs": ["{}"], "followUpActionType": "ASSIGN", "newAssignee": {{"uuid": "{}", "fname": "{}", "lname": "{}"}}, {by}}}"#,
                ids[2], assignee.uuid, assignee.fname, assignee.lname
            ),
        ),
        (
            "Archive",
            format!(
                r#"{{"followUpUUIDs": ["{}"], "followUpActionType": "ARCHIVE", {by}}}"#,
                ids[3]
            ),
        ),
    ];
    println!(
        "Demo data is ready. Service subscriber: {} / password: {}",
        data.username, data.password
    );
    println!(
        "Dealer {:?}, department {:?}: {}",
        data.dealers[0].name, department.name, department.uuid
    );
    for (title, body) in samples {
        println!("\n# {title}");
        println!(
            "curl --location --request PUT '{url}' \\\n--header 'accept: application/json' \\\n--header 'authorization: Basic {credentials}' \\\n--header 'Content-Type: application/json' \\\n--data '{body}'"
        );
    }
    println!();
}
