//! Raw HTTP/1.1 over a `TcpStream`, for tests that control the bytes on the wire.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads one HTTP/1.1 response with a Content-Length; returns its status and JSON body.
pub async fn read_response(stream: &mut TcpStream) -> (u16, Value) {
    let mut buffer = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .expect("no response within 10 s")
            .unwrap();
        assert!(read > 0, "connection closed after {buffer:?}");
        buffer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&buffer).into_owned();
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            continue;
        };
        let length: usize = head
            .lines()
            .find_map(|line| {
                line.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(str::to_owned)
            })
            .expect("content-length header")
            .parse()
            .unwrap();
        if body.len() >= length {
            let status = head[9..12].parse().unwrap();
            return (status, serde_json::from_str(&body[..length]).unwrap());
        }
    }
}

/// Writes `bytes` one at a time, `pause` apart, and returns how long the server kept the
/// connection open, at most `limit`.
///
/// The write half stays open after the last byte, because a half-closed connection would
/// let the server close it for reaching the end of the stream rather than for a timeout.
///
/// # Panics
///
/// Panics when the connection is still open after `limit`, or when the server sends
/// anything other than a 408 response.
pub async fn time_until_closed(
    stream: TcpStream,
    bytes: &[u8],
    pause: Duration,
    limit: Duration,
) -> Duration {
    let started = Instant::now();
    let (mut reader, mut writer) = stream.into_split();
    let bytes = bytes.to_vec();
    let writing = tokio::spawn(async move {
        for byte in bytes {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(pause).await;
        }
        std::future::pending::<()>().await;
    });

    let mut buffer = [0u8; 1024];
    let read = tokio::time::timeout(limit, reader.read(&mut buffer)).await;
    writing.abort();
    let elapsed = started.elapsed();
    let read = read.unwrap_or_else(|_| panic!("the server kept the connection open for {limit:?}"));
    if let Ok(count) = read {
        let received = String::from_utf8_lossy(&buffer[..count]);
        assert!(
            count == 0 || received.starts_with("HTTP/1.1 408"),
            "expected the connection to close, received {received:?}"
        );
    }
    elapsed
}
