//! The server under test: the release `followups` binary in its own process.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Server {
    child: Child,
    pid: u32,
    pub base_url: String,
}

/// The `followups` binary built next to this one (both live in target/release).
fn server_binary() -> anyhow::Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let path = exe.with_file_name("followups");
    if !path.exists() {
        bail!(
            "{} does not exist; build it with cargo build --release",
            path.display()
        );
    }
    Ok(path)
}

impl Server {
    pub async fn start(database_url: &str) -> anyhow::Result<Self> {
        let mut child = Command::new(server_binary()?)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            // The load is one subscriber far above the default per-subscriber rate.
            .args(["--rate-limit-per-second", "0"])
            .env("FOLLOWUPS_DATABASE_URL", database_url)
            .env("RUST_LOG", "warn,followups::cli=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting the server")?;
        let pid = child.id().context("server exited at once")?;
        let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let address = loop {
            let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
                .await
                .context("server did not start within 30 s")??
                .context("server exited before listening")?;
            let log: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if log["fields"]["message"] == "listening" {
                break log["fields"]["address"].as_str().unwrap_or_default().to_owned();
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            child,
            pid,
            base_url: format!("http://{address}"),
        })
    }

    /// Resets the kernel's peak resident set size of the server (Linux `clear_refs` value 5).
    pub fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5");
    }

    /// Peak resident set size since the last reset, from /proc (Linux only).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}
