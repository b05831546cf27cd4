//! The extractor that authenticates a request's service subscriber and applies its rate
//! limit.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::context::RequestContext;
use super::error::ApiError;
use super::AppState;
use crate::auth::{parse_basic, AuthError, Subscriber, ThrottleReason, Throttled};
use crate::metrics::{AUTH_FAILURES, REQUESTS_REJECTED};

/// The subscriber named by the request's `Authorization: Basic` header.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Subscriber>);

/// Builds a 401 and counts it under `reason`, a metric label such as `wrong_credentials`.
fn unauthorized(reason: &'static str, code: &'static str, description: impl Into<String>) -> ApiError {
    metrics::counter!(AUTH_FAILURES, "reason" => reason).increment(1);
    ApiError::new(StatusCode::UNAUTHORIZED, code, description)
}

/// Builds the 429 for a throttled address or username; the password was not checked.
fn throttled(throttled: Throttled) -> ApiError {
    let (reason, subject) = match throttled.reason {
        ThrottleReason::Address => ("throttled_address", "this client address"),
        ThrottleReason::Username => ("throttled_username", "this username from this client address"),
    };
    metrics::counter!(AUTH_FAILURES, "reason" => reason).increment(1);
    let description = format!(
        "too many failed logins for {subject}, so the credentials were not checked; retry after \
         the Retry-After interval with the correct password"
    );
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "TOO_MANY_FAILED_LOGINS",
        description,
    )
    .with_retry_after(throttled.retry_after)
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let subscriber = authenticate(parts, state).await?;
        let context = RequestContext::of(parts);
        if let Some(context) = &context {
            context.set_subscriber(&subscriber.username);
        }
        let Some(limit) = &state.rate_limit else {
            return Ok(Self(subscriber));
        };
        match limit.check(&subscriber.username) {
            Ok(status) => {
                if let Some(context) = &context {
                    context.set_rate_limit(status);
                }
                Ok(Self(subscriber))
            }
            Err(limited) => {
                if let Some(context) = &context {
                    context.set_rate_limit(limited.status);
                }
                metrics::counter!(REQUESTS_REJECTED, "reason" => "rate_limited").increment(1);
                Err(ApiError::rate_limited(&subscriber.username, limited.retry_after))
            }
        }
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Arc<Subscriber>, ApiError> {
    let mut values = parts.headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(unauthorized(
            "missing_header",
            "CREDENTIALS_ARE_NULL",
            "the Authorization header is missing; send Authorization: Basic base64(username:password)",
        ));
    };
    if values.next().is_some() {
        return Err(unauthorized(
            "multiple_headers",
            "WRONG_CREDENTIAL",
            "the request has more than one Authorization header; send exactly one",
        ));
    }
    let credentials = parse_basic(value.as_bytes()).map_err(|e| {
        tracing::info!(reason = %e, "authentication failed");
        unauthorized("malformed_header", "WRONG_CREDENTIAL", e.to_string())
    })?;
    let client = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    match state.auth.authenticate(&credentials, client).await {
        Ok(subscriber) => Ok(subscriber),
        Err(AuthError::WrongCredentials) => {
            tracing::info!("authentication failed: wrong username or password");
            Err(unauthorized(
                "wrong_credentials",
                "WRONG_CREDENTIAL",
                "wrong username or password; check the service subscriber credentials",
            ))
        }
        Err(AuthError::Throttled(details)) => Err(throttled(details)),
        Err(AuthError::Store(error)) => Err(error.into()),
    }
}
