//! The success envelope: `{"statusCode": 200, "error": null, "warnings": null, ...payload}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::Warning;

/// A successful answer. `warnings` is `null` when empty, as upstream clients expect.
#[derive(Debug)]
pub struct Envelope<T> {
    pub status: StatusCode,
    pub warnings: Vec<Warning>,
    pub payload: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a, T> {
    status_code: u16,
    error: Option<()>,
    warnings: Option<&'a [Warning]>,
    #[serde(flatten)]
    payload: &'a T,
}

impl<T: Serialize> Envelope<T> {
    pub fn ok(payload: T, warnings: Vec<Warning>) -> Self {
        Self {
            status: StatusCode::OK,
            warnings,
            payload,
        }
    }
}

impl<T: Serialize> IntoResponse for Envelope<T> {
    fn into_response(self) -> Response {
        let body = Body {
            status_code: self.status.as_u16(),
            error: None,
            warnings: (!self.warnings.is_empty()).then_some(self.warnings.as_slice()),
            payload: &self.payload,
        };
        (self.status, axum::Json(body)).into_response()
    }
}
