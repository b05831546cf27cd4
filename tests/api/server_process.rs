//! The `followups` binary as a child process, with its JSON log lines collected.

use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running `followups serve` and every line it wrote to standard error.
pub struct ServerProcess {
    pub child: Child,
    pub base_url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts `followups serve --log-format json` on an ephemeral port with `extra_args`
    /// and `RUST_LOG=rust_log`, and waits for its `listening` line.
    pub async fn start(database_url: &str, rust_log: &str, extra_args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_followups"))
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .args(extra_args)
            .env("FOLLOWUPS_DATABASE_URL", database_url)
            .env("RUST_LOG", rust_log)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stderr.take().unwrap()).lines();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let address = loop {
            let line = tokio::time::timeout(Duration::from_secs(10), reader.next_line())
                .await
                .expect("server did not start within 10 s")
                .unwrap()
                .expect("server exited before listening");
            lines.lock().unwrap().push(line.clone());
            let Ok(log) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if log["fields"]["message"] == "listening" {
                break log["fields"]["address"].as_str().unwrap().to_owned();
            }
        };
        let collected = lines.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = reader.next_line().await {
                collected.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            base_url: format!("http://{address}"),
            lines,
        }
    }

    /// Every standard error line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the server is running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM {pid} failed");
    }

    /// Waits up to `limit` for the process to exit.
    pub async fn wait(&mut self, limit: Duration) -> ExitStatus {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .expect("the server did not exit in time")
            .unwrap()
    }
}
