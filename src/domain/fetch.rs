//! Validation of a fetch request body into a [`FetchCommand`], and its keyset cursor.
//!
//! Follow-ups are ordered by `(dueDate, uuid)`. A page token stores the last returned
//! pair, so the next page starts strictly after it: rows created or changed meanwhile never
//! shift the pages, unlike `entriesToBeSkipped`. The token also stores a fingerprint of the
//! department and filter, so that a token is not reused with another query.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::filter::{parse_filter, FollowUpFilter};
use super::id::OpaqueId;
use super::page::{decode_token, encode_token, page_size};
use super::update::ValidationError;
use super::warning::Warning;

/// The fetch body as decoded from JSON, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(remote = "Self")]
pub struct FetchFollowUpsInput {
    #[serde(rename = "dealerDepartmentUUID")]
    pub department_uuid: Option<String>,
    #[serde(rename = "entriesToBeSkipped")]
    pub entries_to_skip: Option<i64>,
    #[serde(rename = "entriesLimitToBeFetched")]
    pub entries_limit: Option<i64>,
    #[serde(rename = "filterData")]
    pub filter_data: Option<Value>,
    /// Extension: the `nextPageToken` of the previous page.
    #[serde(rename = "pageToken")]
    pub page_token: Option<String>,
}

crate::object_only!(FetchFollowUpsInput);

/// The last `(dueDate, uuid)` of a page, in sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub due_date: NaiveDate,
    pub uuid: OpaqueId,
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStart {
    /// After skipping this many matching follow-ups.
    Offset(u64),
    /// Strictly after this sort key.
    After(SortKey),
}

/// A validated fetch request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchCommand {
    /// Narrows the fetch to one department of the dealer.
    pub department: Option<OpaqueId>,
    pub filter: FollowUpFilter,
    pub start: PageStart,
    /// Follow-ups per page, 1 to 50.
    pub limit: u32,
    /// Identifies the department and filter, so that tokens stay with their query.
    pub fingerprint: String,
}

/// The contents of a page token. A token's date must be one that requests may send, so an
/// edited token is a 400 rather than a date that the database cannot compare.
///
/// NOTE: a SQLite database may hold due dates in year 0000 from releases that accepted
/// them, and a page that ends on one gets a token that the next request rejects.
#[derive(Debug, Serialize, Deserialize)]
struct FetchCursor {
    #[serde(rename = "d", with = "super::date::calendar_date")]
    due_date: NaiveDate,
    #[serde(rename = "u")]
    uuid: String,
    #[serde(rename = "q")]
    fingerprint: String,
}

/// Validates a fetch body. Returns the command and the warnings to report.
pub fn validate_fetch(input: FetchFollowUpsInput) -> Result<(FetchCommand, Vec<Warning>), ValidationError> {
    let department = match input.department_uuid.as_deref() {
        None | Some("") => None,
        Some(value) => Some(
            OpaqueId::parse(value)
                .map_err(|e| ValidationError::new("dealerDepartmentUUID", Some(value), e.to_string()))?,
        ),
    };
    let (filter, mut warnings) = parse_filter(input.filter_data.as_ref())?;
    let (limit, clamped) = page_size("entriesLimitToBeFetched", input.entries_limit)?;
    warnings.extend(clamped);
    let fingerprint = fingerprint(department.as_ref(), &filter);
    let start = page_start(input.entries_to_skip, input.page_token.as_deref(), &fingerprint)?;
    let command = FetchCommand {
        department,
        filter,
        start,
        limit,
        fingerprint,
    };
    Ok((command, warnings))
}

fn page_start(
    skip: Option<i64>,
    token: Option<&str>,
    fingerprint: &str,
) -> Result<PageStart, ValidationError> {
    let skip = skip.unwrap_or(0);
    if skip < 0 {
        return Err(ValidationError::new(
            "entriesToBeSkipped",
            Some(&skip.to_string()),
            "must be 0 or more",
        ));
    }
    let Some(token) = token.filter(|token| !token.is_empty()) else {
        return Ok(PageStart::Offset(skip as u64));
    };
    if skip > 0 {
        return Err(ValidationError::new(
            "entriesToBeSkipped",
            Some(&skip.to_string()),
            "must be 0 or absent when pageToken is sent; a token already marks where the page starts",
        ));
    }
    let cursor: FetchCursor = decode_token("pageToken", token)?;
    if cursor.fingerprint != fingerprint {
        return Err(ValidationError::new(
            "pageToken",
            Some(token),
            "belongs to a fetch with another dealerDepartmentUUID or filterData; send the same \
             department and filters as for the first page, or leave pageToken out to start over",
        ));
    }
    let uuid = OpaqueId::parse(&cursor.uuid)
        .map_err(|e| ValidationError::new("pageToken", Some(token), format!("holds an id that {e}")))?;
    Ok(PageStart::After(SortKey {
        due_date: cursor.due_date,
        uuid,
    }))
}

/// Hashes the department and filter into 16 hex characters.
fn fingerprint(department: Option<&OpaqueId>, filter: &FollowUpFilter) -> String {
    let canonical = serde_json::to_vec(&(department, filter)).expect("filters serialize to JSON");
    hex::encode(&Sha256::digest(canonical)[..8])
}

/// Builds the token of the page that follows `last`.
pub fn next_page_token(command: &FetchCommand, last: &SortKey) -> String {
    encode_token(&FetchCursor {
        due_date: last.due_date,
        uuid: last.uuid.to_string(),
        fingerprint: command.fingerprint.clone(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(value: Value) -> FetchFollowUpsInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn defaults_match_upstream() {
        let (command, warnings) = validate_fetch(input(json!({}))).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(command.limit, 50);
        assert_eq!(command.start, PageStart::Offset(0));
        assert_eq!(command.department, None);
    }

    #[test]
    fn token_round_trips_with_the_same_query() {
        let body = json!({"dealerDepartmentUUID": "d1", "filterData": {"overdue": true}});
        let (command, _) = validate_fetch(input(body.clone())).unwrap();
        let last = SortKey {
            due_date: "2025-03-10".parse().unwrap(),
            uuid: OpaqueId::parse("f9").unwrap(),
        };
        let mut next = body;
        next["pageToken"] = json!(next_page_token(&command, &last));
        let (command, _) = validate_fetch(input(next)).unwrap();
        assert_eq!(command.start, PageStart::After(last));
    }

    #[test]
    fn token_of_another_query_is_rejected() {
        let (command, _) = validate_fetch(input(json!({"filterData": {"overdue": true}}))).unwrap();
        let last = SortKey {
            due_date: "2025-03-10".parse().unwrap(),
            uuid: OpaqueId::parse("f9").unwrap(),
        };
        let token = next_page_token(&command, &last);
        let error = validate_fetch(input(json!({"pageToken": token}))).unwrap_err();
        assert_eq!(error.field, "pageToken");
    }

    #[test]
    fn negative_and_conflicting_offsets_are_rejected() {
        let error = validate_fetch(input(json!({"entriesToBeSkipped": -1}))).unwrap_err();
        assert_eq!(error.field, "entriesToBeSkipped");
        let error = validate_fetch(input(json!({"entriesLimitToBeFetched": -5}))).unwrap_err();
        assert_eq!(error.field, "entriesLimitToBeFetched");
        let error = validate_fetch(input(json!({"entriesToBeSkipped": 3, "pageToken": "eyJ9"}))).unwrap_err();
        assert_eq!(error.field, "entriesToBeSkipped");
        let error = validate_fetch(input(json!({"dealerDepartmentUUID": "a b"}))).unwrap_err();
        assert_eq!(error.field, "dealerDepartmentUUID");
    }
}
