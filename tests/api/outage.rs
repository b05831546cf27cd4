//! While the database is unreachable the server responds with 503 quickly, and once the
//! database is back the same server process serves again without losing acknowledged work.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;
use crate::database::{backend, Backend};
use crate::process::start_server;
use crate::proxy::Proxy;

const BATCH: usize = 5;
const FOLLOW_UPS: usize = 20;
/// The server's `--db-acquire-timeout-secs` in this test.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);
/// A request during the outage must fail within the acquire timeout plus this margin.
const MARGIN: Duration = Duration::from_secs(2);

fn follow_up_ids() -> Vec<String> {
    (0..FOLLOW_UPS).map(|i| format!("outage-{i}")).collect()
}

/// An HTTP client of one server.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base_url: String,
}

/// One response: status, `Retry-After` header, JSON body and how long it took.
struct Reply {
    status: StatusCode,
    retry_after: Option<String>,
    body: Value,
    elapsed: Duration,
}

impl Client {
    /// Assigns `BATCH` follow-ups, chosen by `n`, to an assignee named after the request.
    async fn assign(&self, request_id: &str, n: usize) -> Reply {
        let ids = follow_up_ids();
        let chosen: Vec<&str> = (0..BATCH).map(|i| ids[(n + i) % FOLLOW_UPS].as_str()).collect();
        let url = format!(
            "{}/leads/followup/department/{}/user/{}/list",
            self.base_url, FIXTURE.dept_a1, FIXTURE.user
        );
        let request = self
            .http
            .put(url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .header("x-request-id", request_id)
            .json(&assign_body(&chosen, &format!("assignee-{request_id}")));
        send(request).await
    }

    async fn readyz(&self) -> Reply {
        send(self.http.get(format!("{}/readyz", self.base_url))).await
    }
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let started = Instant::now();
    let response = request.send().await.unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned());
    let body = response.json().await.unwrap();
    Reply {
        status,
        retry_after,
        body,
        elapsed: started.elapsed(),
    }
}

/// Asserts a fast 503 `DATABASE_UNAVAILABLE` envelope with `Retry-After`.
fn assert_unavailable(reply: &Reply) {
    assert_error_envelope(
        reply.status,
        &reply.body,
        StatusCode::SERVICE_UNAVAILABLE,
        "DATABASE_UNAVAILABLE",
    );
    assert!(
        reply.retry_after.is_some(),
        "503 without Retry-After: {}",
        reply.body
    );
    assert!(
        reply.elapsed < ACQUIRE_TIMEOUT + MARGIN,
        "the 503 took {:?}",
        reply.elapsed
    );
}

/// Sends updates one after another until `stop` is set; returns the acknowledged request
/// ids with the number of follow-ups each one updated.
async fn run_load(client: Client, stop: Arc<AtomicBool>) -> Vec<(String, usize)> {
    let mut acknowledged = Vec::new();
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let request_id = format!("load-{n}");
        let reply = client.assign(&request_id, n).await;
        if reply.status == StatusCode::OK {
            acknowledged.push((request_id, updated_count(&reply.body)));
        } else {
            assert_unavailable(&reply);
        }
    }
    acknowledged
}

fn updated_count(body: &Value) -> usize {
    let results = body["results"].as_array().unwrap();
    results.iter().filter(|r| r["outcome"] == "UPDATED").count()
}

/// Resolves the address of the PostgreSQL server that a database URL names.
async fn server_address(database_url: &str) -> SocketAddr {
    let url = url::Url::parse(database_url).unwrap();
    let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    tokio::net::lookup_host(host).await.unwrap().next().unwrap()
}

/// Returns the database URL with the server address replaced by `address`.
fn url_via(database_url: &str, address: SocketAddr) -> String {
    let mut url = url::Url::parse(database_url).unwrap();
    url.set_host(Some(&address.ip().to_string())).unwrap();
    url.set_port(Some(address.port())).unwrap();
    url.to_string()
}

/// Sends one acknowledged update and records it.
async fn assign_acknowledged(
    client: &Client,
    request_id: &str,
    n: usize,
    acknowledged: &mut Vec<(String, usize)>,
) {
    let reply = client.assign(request_id, n).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    acknowledged.push((request_id.to_owned(), updated_count(&reply.body)));
}

async fn wait_until_ready(client: &Client) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while client.readyz().await.status != StatusCode::OK {
        assert!(
            Instant::now() < deadline,
            "the server did not recover within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn outage_returns_503_then_recovers() {
    if backend() != Backend::Postgres {
        eprintln!("outage_returns_503_then_recovers runs only with FOLLOWUPS_TEST_BACKEND=postgres");
        return;
    }
    let app = TestApp::spawn().await;
    let ids = follow_up_ids();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    app.add_follow_ups(FIXTURE.dept_a1, &id_refs).await;
    let mut proxy = Proxy::start(server_address(&app.database_url).await).await;
    let url = url_via(&app.database_url, proxy.address);
    let acquire = ACQUIRE_TIMEOUT.as_secs().to_string();
    let args = ["--db-acquire-timeout-secs", &acquire, "--db-max-connections", "4"];
    let (_server, base_url) = start_server(&url, &args).await;
    let client = Client {
        http: reqwest::Client::new(),
        base_url,
    };
    let mut acknowledged = Vec::new();

    for n in 0..5 {
        assign_acknowledged(&client, &format!("before-{n}"), n, &mut acknowledged).await;
    }
    assert_eq!(client.readyz().await.status, StatusCode::OK);
    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn(run_load(client.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;

    proxy.cut().await;
    for n in 0..3 {
        assert_unavailable(&client.assign(&format!("during-{n}"), n).await);
    }
    let ready = client.readyz().await;
    assert_unavailable(&ready);

    proxy.restore().await;
    wait_until_ready(&client).await;
    for n in 0..5 {
        assign_acknowledged(&client, &format!("after-{n}"), n, &mut acknowledged).await;
    }
    stop.store(true, Ordering::Relaxed);
    acknowledged.extend(load.await.unwrap());

    let events = app.database.events_per_request().await;
    for (request_id, updated) in &acknowledged {
        let written = events.get(request_id).copied().unwrap_or_default();
        assert_eq!(
            written, *updated as i64,
            "acknowledged request {request_id} was lost"
        );
    }
    app.assert_states_match_history(FIXTURE.dept_a1, &ids).await;
}
