//! The OpenAPI 3.1 description of the API, served at `GET /openapi.json`, and the API
//! reference page at `GET /docs`.
//!
//! utoipa generates the paths from [`paths`] and the schemas from [`schema`]; [`errors`]
//! then adds the error responses of every operation, [`headers`] the response headers, and
//! this module adds the Basic security scheme. `docs/openapi.json` contains a copy that a test compares with
//! [`document_text`]; `followups openapi > docs/openapi.json` regenerates it.

mod docs_page;
pub mod errors;
mod headers;
pub mod paths;
pub mod schema;

use std::sync::LazyLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde_json::{json, Value};
use utoipa::OpenApi;

pub use docs_page::{docs_router, DOCS_PATH};

/// The path of the served document.
pub const DOCUMENT_PATH: &str = "/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Followups",
        description = "Follow-ups of car dealerships, wire-compatible with the myKaarma leads \
                       follow-up API. Every endpoint under `/leads` authenticates with the HTTP \
                       Basic credentials of a service subscriber and returns JSON in one envelope: \
                       `statusCode` repeats the HTTP status, `error` is `null` on success, and \
                       `warnings` is `null` when there are none. Every response carries an \
                       `X-Request-Id` header."
    ),
    paths(
        paths::update_follow_ups,
        paths::fetch_follow_ups,
        paths::list_follow_up_history,
        paths::create_follow_ups,
        paths::create_task_type,
        paths::list_task_types,
        paths::create_template,
        paths::list_templates,
        paths::healthz,
        paths::readyz,
        paths::metrics,
    ),
    components(schemas(schema::ErrorEnvelope, schema::UpdateErrorEnvelope, schema::Id, schema::TemplateType)),
    tags(
        (name = "follow-ups", description = "Bulk updates, fetches, history and creation of follow-ups."),
        (name = "task types", description = "Kinds of follow-up work that a dealer defines (extension)."),
        (name = "templates", description = "EMAIL and TEXT message templates of a dealer's task types."),
        (name = "operations", description = "Probes and metrics, without credentials."),
    ),
)]
struct ApiDoc;

/// Builds the OpenAPI document.
pub fn document() -> Value {
    let mut document =
        serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes to JSON");
    document["components"]["securitySchemes"] = json!({
        "basicAuth": {
            "type": "http",
            "scheme": "basic",
            "description": "The username and password of a service subscriber. A subscriber \
                            acts only on the dealers and departments it is granted."
        }
    });
    errors::add_error_responses(&mut document);
    headers::add_response_headers(&mut document);
    document
}

/// Formats the document as `followups openapi` prints it and `docs/openapi.json` stores it:
/// pretty-printed JSON with a final line break.
pub fn document_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&document()).expect("the OpenAPI document serializes to JSON");
    text.push('\n');
    text
}

static SERVED_DOCUMENT: LazyLock<String> = LazyLock::new(document_text);

/// Serves the document at [`DOCUMENT_PATH`].
pub async fn serve_document() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], SERVED_DOCUMENT.as_str())
}
