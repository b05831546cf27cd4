//! The response headers of every operation, added to the generated document.
//!
//! Middleware and the error envelope set these headers, not the handlers, so one pass over
//! the document describes them instead of an attribute on every path and status.

use serde_json::{json, Map, Value};

use super::errors::operation_errors;

/// Adds the response headers to every response of every operation, as references to
/// `components/headers`.
///
/// Call it after [`super::errors::add_error_responses`], so that the error responses get
/// their headers too.
///
/// # Panics
///
/// Panics when an operation has no `operationId` or no entry in
/// [`super::errors::OPERATION_ERRORS`], or when a response key is not an HTTP status.
pub fn add_response_headers(document: &mut Value) {
    document["components"]["headers"] = Value::Object(header_components());
    let paths = document["paths"].as_object_mut().expect("the document has paths");
    for item in paths.values_mut() {
        let operations = item.as_object_mut().expect("a path item is an object");
        for operation in operations.values_mut() {
            let id = operation["operationId"]
                .as_str()
                .expect("every operation has an id");
            let authenticated = operation_errors(id)
                .unwrap_or_else(|| panic!("operation {id} has no entry in OPERATION_ERRORS"))
                .authenticated;
            let responses = operation["responses"]
                .as_object_mut()
                .expect("an operation has responses");
            for (status, response) in responses.iter_mut() {
                let status: u16 = status.parse().expect("response keys are HTTP statuses");
                add_header_references(response, &header_names(status, authenticated));
            }
        }
    }
}

fn add_header_references(response: &mut Value, names: &[&str]) {
    let response = response.as_object_mut().expect("a response is an object");
    let headers = response
        .entry("headers")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("response headers are an object");
    for name in names {
        let reference = json!({"$ref": format!("#/components/headers/{name}")});
        headers.insert((*name).to_owned(), reference);
    }
}

/// Returns the names of the headers of one response of an operation.
fn header_names(status: u16, authenticated: bool) -> Vec<&'static str> {
    let mut names = vec![REQUEST_ID];
    if status == 401 {
        names.push(WWW_AUTHENTICATE);
    }
    if authenticated && status != 401 {
        names.extend(RATE_LIMIT);
    }
    if status == 429 || status == 503 {
        names.push(RETRY_AFTER);
    }
    names
}

const REQUEST_ID: &str = "X-Request-Id";
const WWW_AUTHENTICATE: &str = "WWW-Authenticate";
const RETRY_AFTER: &str = "Retry-After";
/// The headers of the per-subscriber rate limit, sent on authenticated responses.
const RATE_LIMIT: [&str; 3] = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

/// Builds the `components/headers` entry of every header that [`header_names`] returns.
fn header_components() -> Map<String, Value> {
    let rate_limit_sent = "Sent once the credentials are accepted, unless the rate limit is \
                           turned off (`--rate-limit-per-second 0`).";
    let headers = [
        (
            REQUEST_ID,
            "The request's id: the `X-Request-Id` request header when it has 1 to 128 visible \
             ASCII characters, a generated UUID otherwise. The request log line and the \
             history of changed follow-ups record it."
                .to_owned(),
            json!({"type": "string", "minLength": 1, "maxLength": 128}),
        ),
        (
            WWW_AUTHENTICATE,
            "`Basic realm=\"followups\"`".to_owned(),
            json!({"type": "string"}),
        ),
        (
            RATE_LIMIT[0],
            format!("Requests the service subscriber may send in a burst (`--rate-limit-burst`). {rate_limit_sent}"),
            json!({"type": "integer", "minimum": 1}),
        ),
        (
            RATE_LIMIT[1],
            format!("Requests the service subscriber may still send before it is rate limited. {rate_limit_sent}"),
            json!({"type": "integer", "minimum": 0}),
        ),
        (
            RATE_LIMIT[2],
            format!("Seconds until the full burst is available again. {rate_limit_sent}"),
            json!({"type": "integer", "minimum": 0}),
        ),
        (
            RETRY_AFTER,
            "Seconds to wait before retrying.".to_owned(),
            json!({"type": "integer", "minimum": 1}),
        ),
    ];
    headers
        .into_iter()
        .map(|(name, description, schema)| {
            let header = json!({"description": description, "schema": schema});
            (name.to_owned(), header)
        })
        .collect()
}
