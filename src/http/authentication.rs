//! The extractor that authenticates a request's service subscriber.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::context::RequestContext;
use super::error::ApiError;
use super::AppState;
use crate::auth::{parse_basic, AuthError, Subscriber};
use crate::metrics::AUTH_FAILURES;

/// The subscriber named by the request's `Authorization: Basic` header.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Subscriber>);

/// Builds a 401 and counts it under `reason`, a metric label such as `wrong_credentials`.
fn unauthorized(reason: &'static str, code: &'static str, description: impl Into<String>) -> ApiError {
    metrics::counter!(AUTH_FAILURES, "reason" => reason).increment(1);
    ApiError::new(StatusCode::UNAUTHORIZED, code, description)
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
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
        match state.auth.authenticate(&credentials).await {
            Ok(subscriber) => {
                if let Some(context) = RequestContext::of(parts) {
                    context.set_subscriber(&subscriber.username);
                }
                Ok(Self(subscriber))
            }
            Err(AuthError::WrongCredentials) => {
                tracing::info!("authentication failed: wrong username or password");
                Err(unauthorized(
                    "wrong_credentials",
                    "WRONG_CREDENTIAL",
                    "wrong username or password; check the service subscriber credentials",
                ))
            }
            Err(AuthError::Store(error)) => Err(error.into()),
        }
    }
}
