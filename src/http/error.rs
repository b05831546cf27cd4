//! The one error type of the HTTP layer and its JSON envelope.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use super::rate_limit::ceil_secs;

use crate::domain::{ValidationError, Warning};
use crate::storage::StoreError;

/// An error answered in the upstream envelope:
/// `{"statusCode", "error": {"code", "description", "metadata"}, "warnings", ...}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
    pub metadata: Map<String, Value>,
    pub warnings: Vec<Warning>,
    /// Endpoint-specific top-level fields, such as `updateSuccessful`.
    pub extra: Map<String, Value>,
    /// Seconds for the `Retry-After` header; a 503 without it sends 1.
    pub retry_after_secs: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorEnvelope<'a> {
    status_code: u16,
    error: ErrorBody<'a>,
    warnings: Option<&'a [Warning]>,
    #[serde(flatten)]
    extra: &'a Map<String, Value>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    description: &'a str,
    metadata: &'a Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code,
            description: description.into(),
            metadata: Map::new(),
            warnings: Vec::new(),
            extra: Map::new(),
            retry_after_secs: None,
        }
    }

    pub fn with_metadata(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.metadata.insert(key.to_owned(), value.into());
        self
    }

    pub fn with_extra(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    pub fn with_warnings(mut self, warnings: Vec<Warning>) -> Self {
        self.warnings = warnings;
        self
    }

    /// Sets `Retry-After`, rounded up to whole seconds.
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after_secs = Some(ceil_secs(wait).max(1));
        self
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA", description)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            "the server failed to process the request; retry later, and report the X-Request-Id \
             response header if it persists",
        )
    }

    pub fn database_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "DATABASE_UNAVAILABLE",
            "the database is unreachable or busy and nothing was changed; retry after the \
             Retry-After interval",
        )
    }
}

impl ApiError {
    /// The server has reached its bound on requests in progress.
    pub fn server_busy() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVER_BUSY",
            "the server is handling its maximum number of requests and did not start this one; \
             retry after the Retry-After interval",
        )
    }

    /// The request did not finish within `timeout`.
    pub fn timed_out(timeout: Duration) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "REQUEST_TIMED_OUT",
            format!(
                "the request did not finish within {} ms; a bulk update may still have been \
                 applied, and retrying it is safe because follow-ups already changed report NO_CHANGE",
                timeout.as_millis()
            ),
        )
    }

    /// The subscriber used up its request rate limit.
    pub fn rate_limited(username: &str, retry_after: Duration) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            format!(
                "service subscriber {username:?} sent more requests than its rate limit allows; \
                 retry after the Retry-After interval and see the RateLimit-* headers"
            ),
        )
        .with_retry_after(retry_after)
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        let mut description = format!("{} {}", error.field, error.problem);
        if let Some(value) = &error.value {
            description = format!("{description} (received {value:?})");
        }
        let mut api_error = Self::bad_request(description).with_metadata("field", error.field);
        if let Some(value) = error.value {
            api_error = api_error.with_metadata("value", value);
        }
        api_error
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(source) => {
                tracing::warn!(error = %source, "database unavailable");
                Self::database_unavailable()
            }
            StoreError::AlreadyExists { kind, id } => Self::new(
                StatusCode::CONFLICT,
                "ALREADY_EXISTS",
                format!("a {kind} with id {id} already exists; choose another id or omit it"),
            )
            .with_metadata("id", id),
            StoreError::NotFound { kind, id } => Self::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("{kind} {id} does not exist; check the id"),
            )
            .with_metadata("id", id),
            other => {
                tracing::error!(error = %other, "storage failure");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let warnings = (!self.warnings.is_empty()).then_some(self.warnings.as_slice());
        let envelope = ErrorEnvelope {
            status_code: self.status.as_u16(),
            error: ErrorBody {
                code: self.code,
                description: &self.description,
                metadata: &self.metadata,
            },
            warnings,
            extra: &self.extra,
        };
        let mut response = (self.status, axum::Json(envelope)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"followups\""),
            );
        }
        match self.retry_after_secs {
            Some(secs) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            None if self.status == StatusCode::SERVICE_UNAVAILABLE => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            None => {}
        }
        response
    }
}
