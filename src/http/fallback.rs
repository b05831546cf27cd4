//! Answers for unknown routes and unsupported methods, in the API envelope.

use axum::http::{Method, StatusCode, Uri};

use super::error::ApiError;

pub async fn route_not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "ROUTE_NOT_FOUND",
        format!(
            "no endpoint matches {method} {}; check the path against the API reference",
            uri.path()
        ),
    )
    .with_metadata("path", uri.path())
}

pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    method_not_allowed_error(&method, &uri)
}

pub fn method_not_allowed_error(method: &Method, uri: &Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!(
            "{method} is not supported on {}; check the method in the API reference",
            uri.path()
        ),
    )
    .with_metadata("method", method.as_str())
}
