//! Starting and stopping the HTTP server.

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

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

/// Serves requests on `listener` until `shutdown` completes, then lets in-flight requests
/// finish for at most `drain_timeout` before returning.
///
/// The limit matters because a client that never finishes sending its request would
/// otherwise hold the shutdown open. A bulk update cut off by it is never half applied:
/// its transaction commits or rolls back as a whole.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain_timeout: Duration,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let (signalled, mut on_signal) = tokio::sync::watch::channel(false);
    let shutdown = async move {
        shutdown.await;
        let _ = signalled.send(true);
    };
    let deadline = async move {
        if on_signal.wait_for(|signalled| *signalled).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(drain_timeout).await;
    };
    let serve = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .into_future();
    tokio::select! {
        result = serve => result,
        () = deadline => {
            tracing::warn!(drain_timeout_secs = drain_timeout.as_secs_f64(), "connections still open after the drain timeout; stopping");
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("received Ctrl-C; finishing in-flight requests"),
        _ = terminate => tracing::info!("received SIGTERM; finishing in-flight requests"),
    }
}
