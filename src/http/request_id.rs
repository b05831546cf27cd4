//! The `X-Request-Id` header: taken from the request when it is usable, generated otherwise,
//! and echoed on the response.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Header name, lower-case as HTTP/2 requires.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request's id, stored in request extensions for handlers.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Accepts 1 to 128 visible ASCII characters; anything else is replaced by a UUID v4.
fn usable(value: &HeaderValue) -> Option<String> {
    let bytes = value.as_bytes();
    let visible = bytes.iter().all(|b| b.is_ascii_graphic());
    (visible && !bytes.is_empty() && bytes.len() <= 128).then(|| String::from_utf8_lossy(bytes).into_owned())
}

pub async fn assign_request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(usable)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    let value = HeaderValue::from_str(&id).expect("request ids are visible ASCII");
    response.headers_mut().insert(REQUEST_ID_HEADER, value);
    response
}
