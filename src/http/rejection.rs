//! Translation of axum's extractor rejections into the API envelope.

use std::error::Error;

use axum::extract::rejection::{JsonDataError, JsonRejection, PathRejection, QueryRejection};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};

use super::error::ApiError;
use crate::domain::object::{duplicate_field_error, duplicated_field};

/// Rejects a request with more than one `Content-Type` header.
///
/// axum's `Json` reads only the first header, so `application/json` followed by another
/// type would pass as JSON although the media type of the body is ambiguous.
pub fn single_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.get_all(CONTENT_TYPE).iter().nth(1).is_none() {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        "the request has more than one Content-Type header; send exactly one: \
         Content-Type: application/json",
    ))
}

pub fn from_json(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "the request body must be JSON; send the header Content-Type: application/json",
        ),
        JsonRejection::JsonSyntaxError(error) => {
            let problem = match decoder_error::<serde_json::Error>(&error) {
                Some(typed) => json_terms(typed.inner()),
                None => innermost(&error),
            };
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "MALFORMED_JSON",
                format!("the request body is not valid JSON: {problem}; fix the syntax and resend"),
            )
        }
        JsonRejection::JsonDataError(error) => wrong_type(&error),
        JsonRejection::BytesRejection(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "the request body is larger than the limit of 1 MiB (1048576 bytes); split the batch into smaller requests",
            )
        }
        other => ApiError::bad_request(format!(
            "the request body could not be read: {}; send the whole body again",
            innermost(&other)
        )),
    }
}

/// Names the field whose JSON type is wrong, or that is given twice, from the path that
/// axum's decoder records.
fn wrong_type(error: &JsonDataError) -> ApiError {
    let Some(typed) = decoder_error::<serde_json::Error>(error) else {
        return ApiError::bad_request(format!(
            "the request body has a field of the wrong type: {}; see the API reference for each field's type",
            error.body_text()
        ));
    };
    let field = typed.path().to_string();
    if let Some(duplicate) = duplicate_field_error(&field, typed.inner()) {
        return duplicate.into();
    }
    // serde_path_to_error writes the path of the whole body as ".".
    if field == "." {
        return ApiError::bad_request(format!(
            "the request body is invalid: {}; send one JSON object with each field at most \
             once, as the API reference describes",
            json_terms(typed.inner())
        ));
    }
    let description = format!(
        "{field} has the wrong JSON type: {}; see the API reference for the field's type",
        json_terms(typed.inner())
    );
    ApiError::bad_request(description).with_metadata("field", field)
}

/// Finds the decoder's error, with the path of the failing field, among the sources of an
/// axum rejection.
fn decoder_error<E>(rejection: &dyn Error) -> Option<&serde_path_to_error::Error<E>>
where
    E: Error + 'static,
{
    let mut source = rejection.source();
    while let Some(current) = source {
        if let Some(typed) = current.downcast_ref::<serde_path_to_error::Error<E>>() {
            return Some(typed);
        }
        source = current.source();
    }
    None
}

/// Formats a serde error with JSON's names for its types: serde calls an array a sequence
/// and an object a map.
fn json_terms(error: &impl std::fmt::Display) -> String {
    error
        .to_string()
        .replace("invalid type: sequence", "invalid type: array")
        .replace("expected a sequence", "expected an array")
        .replace("invalid type: map", "invalid type: object")
        .replace("expected a map", "expected an object")
}

pub fn from_path(rejection: PathRejection) -> ApiError {
    ApiError::bad_request(format!("the URL path is invalid: {}", rejection.body_text()))
}

/// Translates a query string rejection into a 400. `accepted` describes the endpoint's
/// parameters, such as "the only parameter is allOrNone=true|false".
pub fn from_query(rejection: QueryRejection, accepted: &str) -> ApiError {
    let Some(typed) = decoder_error::<serde::de::value::Error>(&rejection) else {
        return ApiError::bad_request(format!(
            "the query string is invalid: {}; {accepted}",
            rejection.body_text()
        ));
    };
    let message = typed.inner().to_string();
    let error = ApiError::bad_request(format!("the query string is invalid: {message}; {accepted}"));
    // A repeated parameter fails at the level of the whole query, whose path is ".".
    let path = typed.path().to_string();
    let field = match path.as_str() {
        "." => duplicated_field(&message).map(str::to_owned),
        _ => Some(path),
    };
    match field {
        Some(field) => error.with_metadata("field", field),
        None => error,
    }
}

/// Returns the message of the deepest source of `error`, without the wrapping of the
/// layers above it.
fn innermost(error: &dyn Error) -> String {
    let mut deepest = error;
    while let Some(source) = deepest.source() {
        deepest = source;
    }
    deepest.to_string()
}
