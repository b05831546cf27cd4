//! Translation of axum's extractor rejections into the API envelope.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;

use super::error::ApiError;

pub fn from_json(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "the request body must be JSON; send the header Content-Type: application/json",
        ),
        JsonRejection::JsonSyntaxError(error) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_JSON",
            format!("the request body is not valid JSON: {}; fix the syntax and resend", error.body_text()),
        ),
        JsonRejection::JsonDataError(error) => ApiError::bad_request(format!(
            "the request body has a field of the wrong type: {}; see the API reference for each field's type",
            error.body_text()
        )),
        JsonRejection::BytesRejection(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "the request body is larger than the limit of 1 MiB (1048576 bytes); split the batch into smaller requests",
            )
        }
        other => ApiError::bad_request(format!("the request body could not be read: {}", other.body_text())),
    }
}

pub fn from_path(rejection: PathRejection) -> ApiError {
    ApiError::bad_request(format!("the URL path is invalid: {}", rejection.body_text()))
}

pub fn from_query(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request(format!(
        "the query string is invalid: {}; the only parameter is allOrNone=true|false",
        rejection.body_text()
    ))
}
