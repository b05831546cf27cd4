//! Fetch latency against the dealer's size: the first page of a department's open
//! follow-ups, and a deep page reached by walking `nextPageToken`.

use std::time::Instant;

use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::{json, Value};

use crate::dataset::{Dataset, DEALER, DEPARTMENT, PASSWORD, USERNAME};
use crate::server::Server;
use crate::Backend;

/// Pages walked before the deep page is measured (50 follow-ups each).
const DEEP_PAGES: usize = 100;

#[derive(Debug, Serialize)]
pub struct FetchRow {
    pub backend: String,
    pub follow_ups: usize,
    pub first_page_p50_ms: f64,
    pub first_page_p99_ms: f64,
    pub deep_page_p50_ms: f64,
    pub deep_page_p99_ms: f64,
}

fn open_follow_ups(token: Option<&str>) -> Value {
    json!({
        "dealerDepartmentUUID": DEPARTMENT,
        "entriesLimitToBeFetched": 50,
        "filterData": {"statuses": ["NOT_STARTED", "SCHEDULED"]},
        "pageToken": token,
    })
}

async fn fetch(http: &reqwest::Client, url: &str, body: &Value) -> anyhow::Result<Value> {
    let response = http
        .post(url)
        .basic_auth(USERNAME, Some(PASSWORD))
        .json(body)
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "fetch answered {}",
        response.status()
    );
    Ok(response.json().await?)
}

/// Latency percentiles in milliseconds of `samples` sequential fetches of one body.
async fn measure(
    http: &reqwest::Client,
    url: &str,
    body: &Value,
    samples: usize,
) -> anyhow::Result<(f64, f64)> {
    let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    for _ in 0..samples {
        let started = Instant::now();
        fetch(http, url, body).await?;
        latency.record(started.elapsed().as_micros().max(1) as u64)?;
    }
    let ms = |q| latency.value_at_quantile(q) as f64 / 1000.0;
    Ok((ms(0.5), ms(0.99)))
}

pub async fn run(
    backend: Backend,
    follow_ups: usize,
    postgres_url: &str,
    samples: usize,
) -> anyhow::Result<FetchRow> {
    eprintln!("{backend:?}: creating {follow_ups} follow-ups for the fetch benchmark");
    let dataset = Dataset::create(backend, follow_ups, postgres_url).await?;
    let server = Server::start(&dataset.url).await?;
    let http = reqwest::Client::new();
    let url = format!("{}/leads/followup/dealer/{DEALER}/list", server.base_url);
    let first = measure(&http, &url, &open_follow_ups(None), samples).await?;
    let mut token: Option<String> = None;
    for _ in 0..DEEP_PAGES {
        let page = fetch(&http, &url, &open_follow_ups(token.as_deref())).await?;
        token = page["nextPageToken"].as_str().map(str::to_owned);
    }
    let deep = measure(&http, &url, &open_follow_ups(token.as_deref()), samples).await?;
    server.stop().await;
    dataset.drop_database().await?;
    Ok(FetchRow {
        backend: format!("{backend:?}").to_lowercase(),
        follow_ups,
        first_page_p50_ms: first.0,
        first_page_p99_ms: first.1,
        deep_page_p50_ms: deep.0,
        deep_page_p99_ms: deep.1,
    })
}
