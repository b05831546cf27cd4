//! Connection handling: the header read timeout of `--header-read-timeout-secs`, HTTP/1.1
//! keep-alive, and responses sent before the body of a request without credentials.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::common::TestApp;
use crate::raw_http::{read_response, time_until_closed};
use crate::server_process::ServerProcess;

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// Maximum time the tests wait for a connection to close, far below the default
/// header read timeout of 10 s.
const CLOSE_LIMIT: Duration = Duration::from_secs(5);

async fn connect(base_url: &str) -> TcpStream {
    TcpStream::connect(base_url.trim_start_matches("http://"))
        .await
        .unwrap()
}

#[tokio::test]
async fn slow_headers_close_connection() {
    let app = TestApp::spawn().await;
    let server = ServerProcess::start(&app.database_url, "info", &["--header-read-timeout-secs", "1"]).await;
    let cases: [(&str, &[u8], Duration); 3] = [
        (
            "request sent one byte per 200 ms",
            HEALTHZ,
            Duration::from_millis(200),
        ),
        (
            "headers started, then nothing",
            b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n",
            Duration::ZERO,
        ),
        ("nothing sent", b"", Duration::ZERO),
    ];

    for (case, bytes, pause) in cases {
        let stream = connect(&server.base_url).await;
        let open_for = time_until_closed(stream, bytes, pause, CLOSE_LIMIT).await;
        assert!(
            open_for >= Duration::from_millis(900),
            "{case}: closed after {open_for:?}, before the 1 s timeout"
        );
    }

    let response = reqwest::get(format!("{}/healthz", server.base_url))
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a complete request on a new connection"
    );
}

#[tokio::test]
async fn idle_keep_alive_connection_closes() {
    let app = TestApp::spawn().await;
    let server = ServerProcess::start(&app.database_url, "info", &["--header-read-timeout-secs", "1"]).await;
    let mut stream = connect(&server.base_url).await;
    stream.write_all(HEALTHZ).await.unwrap();
    let (status, body) = read_response(&mut stream).await;
    assert_eq!(status, 200, "{body}");

    let idle_for = time_until_closed(stream, b"", Duration::ZERO, CLOSE_LIMIT).await;
    assert!(
        idle_for >= Duration::from_millis(900),
        "closed after {idle_for:?} of idleness, before the 1 s timeout"
    );
}

#[tokio::test]
async fn keep_alive_serves_several_requests() {
    let app = TestApp::spawn().await;
    let mut stream = connect(&app.base_url).await;
    for request in 1..=3 {
        stream.write_all(HEALTHZ).await.unwrap();
        let (status, body) = read_response(&mut stream).await;
        assert_eq!(status, 200, "request {request} on one connection: {body}");
        assert_eq!(body["status"], "ok", "request {request}");
    }
}

#[tokio::test]
async fn unauthenticated_request_answered_before_its_body() {
    let app = TestApp::spawn().await;
    let endpoints = [
        "PUT /leads/followup/department/d/user/u/list",
        "POST /leads/followup/dealer/d/list",
        "POST /leads/followup/department/d/user/u",
        "POST /leads/followup/dealer/d/tasktype",
        "POST /leads/followup/dealer/d/template",
    ];
    for endpoint in endpoints {
        let mut stream = connect(&app.base_url).await;
        // Announces 1,000 bytes of body and sends one, so the body never completes.
        let head = format!(
            "{endpoint} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: 1000\r\n\r\n{{"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let (status, body) = read_response(&mut stream).await;
        assert_eq!(status, 401, "{endpoint}: {body}");
        assert_eq!(
            body["error"]["code"], "CREDENTIALS_ARE_NULL",
            "{endpoint}: {body}"
        );
    }
}
