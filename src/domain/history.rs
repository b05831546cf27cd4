//! Validation of a history request's query string, and its page token.
//!
//! History pages go from the newest event to the oldest. The token stores the id of the
//! last event returned, so new events never shift later pages.

use serde::{Deserialize, Serialize};

use super::page::{decode_token, encode_token, page_size};
use super::update::ValidationError;
use super::warning::Warning;

/// The query string as decoded, before validation. An unknown parameter, such as a
/// misspelled `pagetoken`, is rejected rather than ignored, so that the client learns of it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQueryInput {
    pub limit: Option<String>,
    #[serde(rename = "pageToken")]
    pub page_token: Option<String>,
}

/// A validated history page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPageRequest {
    /// Return only events with smaller ids than this one.
    pub before: Option<i64>,
    /// Events per page, 1 to 50.
    pub limit: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct HistoryCursor {
    #[serde(rename = "e")]
    before: i64,
}

/// Validates the query string. Returns the request and the warnings to report.
pub fn validate_history_query(
    input: HistoryQueryInput,
) -> Result<(HistoryPageRequest, Vec<Warning>), ValidationError> {
    let requested = match input.limit.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            ValidationError::new("limit", Some(text), "must be a whole number between 1 and 50")
        })?),
    };
    let (limit, clamped) = page_size("limit", requested)?;
    let before = match input.page_token.as_deref().filter(|token| !token.is_empty()) {
        None => None,
        Some(token) => Some(decode_token::<HistoryCursor>("pageToken", token)?.before),
    };
    Ok((
        HistoryPageRequest { before, limit },
        clamped.into_iter().collect(),
    ))
}

/// Builds the token of the page after the event with id `last_event_id`.
pub fn next_history_token(last_event_id: i64) -> String {
    encode_token(&HistoryCursor {
        before: last_event_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(limit: Option<&str>, token: Option<&str>) -> HistoryQueryInput {
        HistoryQueryInput {
            limit: limit.map(str::to_owned),
            page_token: token.map(str::to_owned),
        }
    }

    #[test]
    fn defaults_and_token_round_trip() {
        let (request, warnings) = validate_history_query(query(None, None)).unwrap();
        assert_eq!(
            request,
            HistoryPageRequest {
                before: None,
                limit: 50
            }
        );
        assert!(warnings.is_empty());
        let token = next_history_token(42);
        let (request, _) = validate_history_query(query(Some("3"), Some(&token))).unwrap();
        assert_eq!(
            request,
            HistoryPageRequest {
                before: Some(42),
                limit: 3
            }
        );
    }

    #[test]
    fn rejects_bad_limit_and_token() {
        assert_eq!(
            validate_history_query(query(Some("x"), None)).unwrap_err().field,
            "limit"
        );
        assert_eq!(
            validate_history_query(query(Some("-2"), None)).unwrap_err().field,
            "limit"
        );
        let error = validate_history_query(query(None, Some("%%%"))).unwrap_err();
        assert_eq!(error.field, "pageToken");
        let (_, warnings) = validate_history_query(query(Some("99"), None)).unwrap();
        assert_eq!(warnings[0].code, "PAGE_SIZE_CLAMPED");
    }
}
