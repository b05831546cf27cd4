//! Starting and stopping the HTTP server.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::auth::{Authenticator, AuthenticatorOptions};
use crate::http::{router, AppState, Limits, SubscriberRateLimit};
use crate::storage::{Store, StoreError};

/// Builds the handler state and starts the credential cache refresh task.
pub async fn build_state(
    store: Arc<dyn Store>,
    auth_options: &AuthenticatorOptions,
    limits: Limits,
) -> Result<AppState, StoreError> {
    let auth = Authenticator::new(store.clone(), auth_options).await?;
    auth.spawn_refresh(auth_options.refresh_interval);
    let rate_limit = SubscriberRateLimit::new(limits.rate_limit_per_second, limits.rate_limit_burst);
    Ok(AppState {
        store,
        auth,
        limits,
        metrics: crate::metrics::recorder(),
        rate_limit: rate_limit.map(Arc::new),
    })
}

/// Serves requests on `listener` until `shutdown` completes, then lets in-flight requests
/// finish before returning.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
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
