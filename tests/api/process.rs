//! `followups serve` as a child process.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Starts `followups serve` on an ephemeral port and returns it with its base URL.
///
/// `extra_args` are appended to the `serve` command line. The process is killed when the
/// returned [`Child`] is dropped.
pub async fn start_server(database_url: &str, extra_args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_followups"))
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        // Load tests send far more than the default per-subscriber rate allows.
        .args(["--rate-limit-per-second", "0"])
        .args(extra_args)
        .env("FOLLOWUPS_DATABASE_URL", database_url)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .expect("server did not start within 10 s")
            .unwrap()
            .expect("server exited before listening");
        let log: serde_json::Value = serde_json::from_str(&line).unwrap();
        if log["fields"]["message"] == "listening" {
            break log["fields"]["address"].as_str().unwrap().to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, format!("http://{address}"))
}
