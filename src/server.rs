//! Starting and stopping the HTTP server.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulConnection, GracefulShutdown};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::auth::{Authenticator, AuthenticatorOptions};
use crate::domain::SystemClock;
use crate::http::{router, AppState, Limits};
use crate::storage::{Store, StoreError};

/// Builds the handler state and starts the credential cache refresh task.
pub async fn build_state(
    store: Arc<dyn Store>,
    auth_options: &AuthenticatorOptions,
    limits: Limits,
) -> Result<AppState, StoreError> {
    let auth = Authenticator::new(store.clone(), auth_options).await?;
    auth.spawn_refresh(auth_options.refresh_interval);
    Ok(AppState::new(store, auth, limits, Arc::new(SystemClock)))
}

/// Settings of the HTTP/1.1 connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionOptions {
    /// Time that in-flight requests get to finish after the shutdown signal.
    pub drain_timeout: Duration,
    /// Time that a client gets to send the headers of a request, counted from when the
    /// server starts waiting for them. hyper also closes a keep-alive connection that stays
    /// idle this long.
    pub header_read_timeout: Duration,
}

/// Serves requests on `listener` until `shutdown` completes, then lets in-flight requests
/// finish for at most `options.drain_timeout` before returning.
///
/// The drain limit matters because a client that never finishes sending a request body
/// would otherwise hold the shutdown open. A bulk update cut off by it is never half
/// applied: its transaction commits or rolls back as a whole.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: ConnectionOptions,
) {
    let app = router(state);
    let builder = connection_builder(options.header_read_timeout);
    let connections = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, client)) => {
                    let connection = serve_connection(&builder, stream, client, app.clone());
                    spawn_connection(connections.watch(connection), client);
                }
                Err(error) => pause_after_accept_error(error).await,
            },
        }
    }
    drop(listener);
    drain(connections, options.drain_timeout).await;
}

/// Builds the HTTP/1.1 connection settings with the header read timeout. Keep-alive stays
/// on, as in hyper's default.
fn connection_builder(header_read_timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    builder
}

/// Serves one connection with the router, giving every request the client's address as
/// `ConnectInfo`, which the failed-login throttle reads.
fn serve_connection(
    builder: &http1::Builder,
    stream: TcpStream,
    client: SocketAddr,
    app: Router,
) -> impl GracefulConnection<Error = hyper::Error> + Send + 'static {
    let service = service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(client));
        app.clone().oneshot(request)
    });
    builder.serve_connection(TokioIo::new(stream), service)
}

fn spawn_connection<F>(connection: F, client: SocketAddr)
where
    F: Future<Output = Result<(), hyper::Error>> + Send + 'static,
{
    tokio::spawn(async move {
        // Clients that disconnect early or miss the header read timeout end here, so this
        // logs at debug level to keep a misbehaving client from flooding the log.
        if let Err(error) = connection.await {
            tracing::debug!(%error, client.address = %client, "connection closed with an error");
        }
    });
}

/// Waits after a failed `accept`. Errors of one connection are skipped at once. Others,
/// such as running out of file descriptors, are logged and retried after a second.
async fn pause_after_accept_error(error: std::io::Error) {
    use std::io::ErrorKind;
    let connection_error = matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    );
    if connection_error {
        return;
    }
    tracing::error!(%error, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Signals every open connection to finish its current request and close, and waits for
/// them for at most `timeout`.
async fn drain(connections: GracefulShutdown, timeout: Duration) {
    if tokio::time::timeout(timeout, connections.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            drain_timeout_secs = timeout.as_secs_f64(),
            "connections still open after the drain timeout; stopping"
        );
    }
}

/// Listens for Ctrl-C (SIGINT) and SIGTERM, and returns a future that completes at the first.
///
/// On Unix the handlers are installed before this returns, so a signal sent as soon as the
/// server logs that it is listening starts a drain instead of killing the process.
#[cfg(unix)]
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};

    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        tokio::select! {
            _ = received(interrupt, "Ctrl-C") => tracing::info!("received Ctrl-C; finishing in-flight requests"),
            _ = received(terminate, "SIGTERM") => tracing::info!("received SIGTERM; finishing in-flight requests"),
        }
    }
}

/// Completes when `signal` arrives; never completes when it could not be installed.
#[cfg(unix)]
async fn received(signal: std::io::Result<tokio::signal::unix::Signal>, name: &str) {
    match signal {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(error) => {
            tracing::error!(%error, "could not listen for {name}");
            std::future::pending::<()>().await;
        }
    }
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        match tokio::signal::ctrl_c().await {
            Ok(()) => tracing::info!("received Ctrl-C; finishing in-flight requests"),
            Err(error) => {
                tracing::error!(%error, "could not listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    }
}
