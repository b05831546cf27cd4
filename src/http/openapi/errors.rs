//! The error responses of every operation, added to the generated document.
//!
//! Every error response uses one envelope, and most codes come from code shared by all
//! endpoints (authentication, body decoding, overload protection), so the codes of each
//! operation are listed in one table here rather than on each annotated path. Each
//! response restricts `error.code` to its codes with an `enum` and shows one example per
//! code.

use serde_json::{json, Map, Value};

/// An error code, its HTTP status and the condition that produces it.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode {
    pub code: &'static str,
    pub status: u16,
    pub condition: &'static str,
}

const fn code(code: &'static str, status: u16, condition: &'static str) -> ErrorCode {
    ErrorCode {
        code,
        status,
        condition,
    }
}

/// Every error code that the HTTP API returns.
pub const ERROR_CODES: &[ErrorCode] = &[
    code(
        "INVALID_REQUEST_DATA",
        400,
        "A field is missing, empty, of the wrong type or out of range, or a path parameter, \
         query parameter or page token is invalid. `metadata.field` names the field and \
         `metadata.value` the value.",
    ),
    code(
        "MALFORMED_JSON",
        400,
        "The body is not valid JSON, including invalid UTF-8.",
    ),
    code(
        "CREDENTIALS_ARE_NULL",
        401,
        "The request has no `Authorization` header.",
    ),
    code(
        "WRONG_CREDENTIAL",
        401,
        "The Basic header is malformed or sent more than once, the username is unknown or the \
         password is wrong.",
    ),
    code(
        "NOT_AUTHORIZED_REQUEST",
        403,
        "The service subscriber has no grant that covers the path's department or dealer, or \
         it does not exist.",
    ),
    code(
        "FOLLOW_UP_NOT_FOUND",
        404,
        "The department has no follow-up with this id.",
    ),
    code(
        "USER_NOT_FOUND",
        404,
        "`userUUID` is not a user of the department's dealer.",
    ),
    code(
        "BATCH_REJECTED",
        409,
        "`allOrNone=true` and some id would not be updated; nothing changed, and `results` \
         shows the outcome each id would have had.",
    ),
    code(
        "FOLLOW_UP_CONFLICT",
        409,
        "A create repeats a stored id with other content; `metadata.followUpUUIDs` lists \
         every conflicting id.",
    ),
    code(
        "ALREADY_EXISTS",
        409,
        "Another request stored a row with the same id while this one ran; nothing changed.",
    ),
    code(
        "TASK_TYPE_CONFLICT",
        409,
        "The dealer already has a task type with this `uuid`.",
    ),
    code(
        "TEMPLATE_CONFLICT",
        409,
        "The dealer already has a template with this `uuid`.",
    ),
    code("PAYLOAD_TOO_LARGE", 413, "The body is over 1 MiB."),
    code(
        "UNSUPPORTED_MEDIA_TYPE",
        415,
        "The `Content-Type` is missing or neither `application/json` nor an \
         `application/*+json` type, or the request has more than one `Content-Type` header.",
    ),
    code(
        "RATE_LIMITED",
        429,
        "The service subscriber sent more requests than its rate limit allows.",
    ),
    code(
        "TOO_MANY_FAILED_LOGINS",
        429,
        "Too many failed logins from this client address, or for this username from this \
         address; the password was not checked.",
    ),
    code(
        "INTERNAL_SERVER_ERROR",
        500,
        "A bug; the `X-Request-Id` response header identifies the request in the logs.",
    ),
    code(
        "DATABASE_UNAVAILABLE",
        503,
        "The database is unreachable or busy; nothing changed.",
    ),
    code(
        "SERVER_BUSY",
        503,
        "The server is handling `--max-concurrent-requests` requests and did not start this one.",
    ),
    code(
        "REQUEST_TIMED_OUT",
        503,
        "The request took longer than `--request-timeout-ms`; a bulk update may still have \
         been committed, and retrying it is safe.",
    ),
];

/// Codes of every route, which come from panics.
const EVERY_ROUTE: &[&str] = &["INTERNAL_SERVER_ERROR"];

/// Codes of every route behind overload protection, which the probes bypass.
const OVERLOAD_PROTECTED: &[&str] = &["SERVER_BUSY", "REQUEST_TIMED_OUT"];

/// Codes of every authenticated route, besides [`EVERY_ROUTE`].
const AUTHENTICATED: &[&str] = &[
    "CREDENTIALS_ARE_NULL",
    "WRONG_CREDENTIAL",
    "RATE_LIMITED",
    "TOO_MANY_FAILED_LOGINS",
    "DATABASE_UNAVAILABLE",
    "INVALID_REQUEST_DATA",
    "NOT_AUTHORIZED_REQUEST",
];

/// Codes of every route that reads a JSON body.
const JSON_BODY: &[&str] = &["MALFORMED_JSON", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"];

/// The error responses of one operation.
#[derive(Debug, Clone, Copy)]
pub struct OperationErrors {
    pub operation_id: &'static str,
    /// Whether the operation needs credentials.
    pub authenticated: bool,
    /// Whether the concurrency bound and the request timeout apply to the operation.
    pub overload_protected: bool,
    /// Whether the operation reads a JSON body.
    pub json_body: bool,
    /// Codes of this operation alone.
    pub own_codes: &'static [&'static str],
    /// The envelope schema of its errors.
    pub envelope: &'static str,
}

const fn leads(
    operation_id: &'static str,
    json_body: bool,
    own_codes: &'static [&'static str],
) -> OperationErrors {
    OperationErrors {
        operation_id,
        authenticated: true,
        overload_protected: true,
        json_body,
        own_codes,
        envelope: "ErrorEnvelope",
    }
}

/// Describes the errors of a probe, which needs no credentials and bypasses overload
/// protection.
const fn probe(operation_id: &'static str, own_codes: &'static [&'static str]) -> OperationErrors {
    OperationErrors {
        operation_id,
        authenticated: false,
        overload_protected: false,
        json_body: false,
        own_codes,
        envelope: "ErrorEnvelope",
    }
}

/// The error responses of every documented operation.
pub const OPERATION_ERRORS: &[OperationErrors] = &[
    OperationErrors {
        envelope: "UpdateErrorEnvelope",
        ..leads("updateFollowUps", true, &["USER_NOT_FOUND", "BATCH_REJECTED"])
    },
    leads("fetchFollowUps", true, &[]),
    leads("listFollowUpHistory", false, &["FOLLOW_UP_NOT_FOUND"]),
    leads(
        "createFollowUps",
        true,
        &["USER_NOT_FOUND", "FOLLOW_UP_CONFLICT", "ALREADY_EXISTS"],
    ),
    leads("createTaskType", true, &["TASK_TYPE_CONFLICT"]),
    leads("listTaskTypes", false, &[]),
    leads("createTemplate", true, &["TEMPLATE_CONFLICT"]),
    leads("listTemplates", false, &[]),
    probe("healthz", &[]),
    probe("readyz", &["DATABASE_UNAVAILABLE"]),
    probe("metrics", &[]),
];

impl OperationErrors {
    /// Returns every code of the operation, in the order of [`ERROR_CODES`].
    pub fn codes(&self) -> Vec<ErrorCode> {
        let mut names: Vec<&str> = EVERY_ROUTE.iter().chain(self.own_codes).copied().collect();
        if self.overload_protected {
            names.extend(OVERLOAD_PROTECTED);
        }
        if self.authenticated {
            names.extend(AUTHENTICATED);
        }
        if self.json_body {
            names.extend(JSON_BODY);
        }
        ERROR_CODES
            .iter()
            .filter(|code| names.contains(&code.code))
            .copied()
            .collect()
    }
}

/// Finds the error responses of an operation by its `operationId`.
pub fn operation_errors(operation_id: &str) -> Option<&'static OperationErrors> {
    OPERATION_ERRORS
        .iter()
        .find(|errors| errors.operation_id == operation_id)
}

/// Adds the error responses of every operation to `document`.
///
/// # Panics
///
/// Panics when an operation has no `operationId` or no entry in [`OPERATION_ERRORS`], so
/// that a new endpoint cannot be documented without its errors.
pub fn add_error_responses(document: &mut Value) {
    let paths = document["paths"].as_object_mut().expect("the document has paths");
    for (path, item) in paths.iter_mut() {
        let operations = item.as_object_mut().expect("a path item is an object");
        for (method, operation) in operations.iter_mut() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            let errors = operation_errors(id)
                .unwrap_or_else(|| panic!("operation {id} has no entry in OPERATION_ERRORS"));
            let responses = operation["responses"]
                .as_object_mut()
                .expect("an operation has responses");
            for (status, response) in error_responses(errors) {
                responses.insert(status, response);
            }
        }
    }
}

/// Builds one response per HTTP status of the operation's codes.
fn error_responses(errors: &OperationErrors) -> Vec<(String, Value)> {
    let codes = errors.codes();
    let mut statuses: Vec<u16> = codes.iter().map(|code| code.status).collect();
    statuses.sort_unstable();
    statuses.dedup();
    statuses
        .into_iter()
        .map(|status| {
            let of_status: Vec<ErrorCode> = codes.iter().filter(|c| c.status == status).copied().collect();
            (
                status.to_string(),
                error_response(status, &of_status, errors.envelope),
            )
        })
        .collect()
}

fn error_response(status: u16, codes: &[ErrorCode], envelope: &str) -> Value {
    let description = codes
        .iter()
        .map(|code| format!("- `{}`: {}", code.code, code.condition))
        .collect::<Vec<_>>()
        .join("\n");
    let names: Vec<&str> = codes.iter().map(|code| code.code).collect();
    let schema = json!({
        "allOf": [
            {"$ref": format!("#/components/schemas/{envelope}")},
            {
                "type": "object",
                "properties": {
                    "statusCode": {"const": status},
                    "error": {"type": "object", "properties": {"code": {"enum": names}}}
                }
            }
        ]
    });
    let examples: Map<String, Value> = codes
        .iter()
        .map(|code| (code.code.to_owned(), error_example(status, code, envelope)))
        .collect();
    json!({
        "description": description,
        "content": {"application/json": {"schema": schema, "examples": examples}}
    })
}

fn error_example(status: u16, code: &ErrorCode, envelope: &str) -> Value {
    let mut value = json!({
        "statusCode": status,
        "error": {"code": code.code, "description": code.condition, "metadata": {}},
        "warnings": null
    });
    let returned_by_handler = !matches!(code.code, "SERVER_BUSY" | "REQUEST_TIMED_OUT");
    if envelope == "UpdateErrorEnvelope" && returned_by_handler {
        value["updateSuccessful"] = json!(false);
        value["archivedFollowUpUUIDList"] = json!([]);
    }
    json!({"summary": code.code, "value": value})
}
