//! JSON request bodies read once the request is authorized.
//!
//! axum runs every extractor of a handler before its code, so a `Json` argument reads the
//! whole body before the handler can reject missing credentials. A client without
//! credentials could then hold a request slot until the request timeout by sending its body
//! slowly. Handlers take a [`JsonBody`] instead and read it after the access checks.

use std::convert::Infallible;

use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::rejection;

/// The unread body of a request, with the headers that describe it.
pub struct JsonBody(Request);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Infallible;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Infallible> {
        Ok(Self(request))
    }
}

impl JsonBody {
    /// Reads the body and decodes it as JSON into `T`.
    pub async fn read<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let Json(value) = Json::<T>::from_request(self.0, &())
            .await
            .map_err(rejection::from_json)?;
        Ok(value)
    }
}
