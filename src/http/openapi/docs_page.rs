//! The API reference page: Swagger UI reading `/openapi.json`.
//!
//! The assets come from the `utoipa-swagger-ui-vendored` crate and are embedded in the
//! binary, so the page works without network access. The online validator badge is turned
//! off because it loads an image from another host.

use axum::Router;
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::DOCUMENT_PATH;

/// The path of the page. `GET /docs` redirects to `/docs/`, which serves the page.
pub const DOCS_PATH: &str = "/docs";

/// Builds the routes of the page and its assets.
pub fn docs_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let config = Config::from(DOCUMENT_PATH)
        .validator_url("none")
        .try_it_out_enabled(true);
    SwaggerUi::new(DOCS_PATH).config(config).into()
}
