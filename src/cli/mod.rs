//! The `followups` command line: `serve`, `demo` and administrative subcommands.

mod admin;
pub mod args;
mod import;
mod serve;

use std::io::IsTerminal;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::storage::StoreOptions;
use args::{Cli, Command, LogFormat};

/// Parses the command line and runs the chosen subcommand.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let url = cli.database_url.as_str();
    match cli.command {
        Command::Serve(args) => serve::serve(url, args).await,
        Command::Demo { json } => serve::demo(url, json).await,
        Command::Openapi => {
            print!("{}", crate::http::openapi::document_text());
            Ok(())
        }
        command => run_admin(url, command).await,
    }
}

async fn run_admin(url: &str, command: Command) -> anyhow::Result<()> {
    let opened = serve::open_store(url, &StoreOptions::default()).await?;
    let store = opened.as_ref();
    let outcome = match command {
        Command::Migrate => {
            eprintln!("migrations are applied");
            Ok(())
        }
        Command::Dealer(command) => admin::dealer(store, command).await,
        Command::Department(command) => admin::department(store, command).await,
        Command::User(command) => admin::user(store, command).await,
        Command::Subscriber(command) => admin::subscriber(store, command).await,
        Command::Grant(args) => admin::grant(store, args, true).await,
        Command::Revoke(args) => admin::grant(store, args, false).await,
        Command::Import(args) => import::import(store, args).await,
        Command::Serve(_) | Command::Demo { .. } | Command::Openapi => unreachable!("handled by run"),
    };
    store.close().await.context("closing the database failed")?;
    outcome
}

/// Logs to standard error; the level comes from `RUST_LOG` (default `info`).
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
