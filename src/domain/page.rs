//! Page sizes and opaque page tokens shared by the list endpoints.
//!
//! A page token is URL-safe base64 (without padding) of a small JSON object. Clients must
//! treat it as opaque and send it back unchanged.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::update::ValidationError;
use super::warning::Warning;

/// Page size when the request names none, which is also the maximum.
pub const MAX_PAGE_SIZE: u32 = 50;

/// Validates a requested page size: absent means [`MAX_PAGE_SIZE`], larger values are
/// clamped to it with a warning, and values below 1 are rejected.
pub fn page_size(field: &str, requested: Option<i64>) -> Result<(u32, Option<Warning>), ValidationError> {
    let Some(requested) = requested else {
        return Ok((MAX_PAGE_SIZE, None));
    };
    if requested < 1 {
        return Err(ValidationError::new(
            field,
            Some(&requested.to_string()),
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        ));
    }
    if requested > i64::from(MAX_PAGE_SIZE) {
        let warning = Warning::new(
            "PAGE_SIZE_CLAMPED",
            format!("{field} {requested} is above the maximum of {MAX_PAGE_SIZE}, so {MAX_PAGE_SIZE} were fetched"),
        )
        .with("field", field)
        .with("value", requested.to_string());
        return Ok((MAX_PAGE_SIZE, Some(warning)));
    }
    Ok((requested as u32, None))
}

/// Encodes a cursor as a page token.
pub fn encode_token<T: Serialize>(cursor: &T) -> String {
    let json = serde_json::to_vec(cursor).expect("cursors serialize to JSON");
    URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a page token produced by [`encode_token`].
pub fn decode_token<T: DeserializeOwned>(field: &str, token: &str) -> Result<T, ValidationError> {
    let invalid = || {
        ValidationError::new(
            field,
            Some(token),
            "is not a page token of this endpoint; send nextPageToken from the previous page unchanged, \
             or leave it out to start at the first page",
        )
    };
    let json = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    serde_json::from_slice(&json).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[test]
    fn page_size_defaults_clamps_and_rejects() {
        assert_eq!(page_size("limit", None).unwrap(), (50, None));
        assert_eq!(page_size("limit", Some(1)).unwrap(), (1, None));
        assert_eq!(page_size("limit", Some(50)).unwrap(), (50, None));
        let (size, warning) = page_size("limit", Some(51)).unwrap();
        assert_eq!(size, 50);
        assert_eq!(warning.unwrap().code, "PAGE_SIZE_CLAMPED");
        assert_eq!(page_size("limit", Some(0)).unwrap_err().field, "limit");
        assert_eq!(
            page_size("limit", Some(-1)).unwrap_err().value.as_deref(),
            Some("-1")
        );
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Cursor {
        id: i64,
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let token = encode_token(&Cursor { id: 7 });
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(
            decode_token::<Cursor>("pageToken", &token).unwrap(),
            Cursor { id: 7 }
        );
        assert!(decode_token::<Cursor>("pageToken", "not base64!").is_err());
        assert!(decode_token::<Cursor>("pageToken", &encode_token(&"text")).is_err());
    }
}
