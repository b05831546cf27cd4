//! The `filterData` object of a fetch request, validated into a [`FollowUpFilter`].
//!
//! Every key is optional and `null` means absent. An empty list also means absent, so
//! `{"statuses": []}` restricts nothing. Unknown keys are ignored with a warning, so that
//! clients written for other filter sets keep working. A known key with a value of the
//! wrong type is an error.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::date::DATE_RULE;
use super::follow_up::FollowUpStatus;
use super::id::OpaqueId;
use super::update::ValidationError;
use super::warning::Warning;

/// Maximum number of values in one list filter.
pub const MAX_FILTER_VALUES: usize = 100;

/// Every key that `filterData` understands.
pub const FILTER_KEYS: [&str; 9] = [
    "taskTypeUUIDs",
    "statuses",
    "assigneeUUIDs",
    "unassigned",
    "customerUUIDs",
    "dueDateFrom",
    "dueDateTo",
    "overdue",
    "includeArchived",
];

/// Which follow-ups a fetch returns. Conditions on different keys must all hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FollowUpFilter {
    /// Any of these task types.
    pub task_type_uuids: Vec<OpaqueId>,
    /// Any of these statuses.
    pub statuses: Vec<FollowUpStatus>,
    /// Assigned to any of these users; combined with `unassigned: true`, unassigned ones too.
    pub assignee_uuids: Vec<OpaqueId>,
    /// `true`: only unassigned follow-ups (or the listed assignees); `false`: only assigned ones.
    pub unassigned: Option<bool>,
    /// Any of these customers.
    pub customer_uuids: Vec<OpaqueId>,
    /// First due date included, in the dealer's time zone.
    pub due_date_from: Option<NaiveDate>,
    /// Last due date included, in the dealer's time zone.
    pub due_date_to: Option<NaiveDate>,
    /// `true`: only overdue follow-ups; `false`: only those that are not overdue.
    pub overdue: Option<bool>,
    /// Whether archived follow-ups are returned too.
    pub include_archived: bool,
}

/// Validates `filterData`. Returns the filter and a warning per unknown key.
pub fn parse_filter(value: Option<&Value>) -> Result<(FollowUpFilter, Vec<Warning>), ValidationError> {
    let object = match value {
        None | Some(Value::Null) => return Ok((FollowUpFilter::default(), Vec::new())),
        Some(Value::Object(object)) => object,
        Some(other) => {
            return Err(ValidationError::new(
                "filterData",
                Some(&other.to_string()),
                "must be a JSON object, such as {\"statuses\": [\"NOT_STARTED\"]}",
            ))
        }
    };
    let filter = FollowUpFilter {
        task_type_uuids: id_list(object, "taskTypeUUIDs")?,
        statuses: status_list(object)?,
        assignee_uuids: id_list(object, "assigneeUUIDs")?,
        unassigned: boolean(object, "unassigned")?,
        customer_uuids: id_list(object, "customerUUIDs")?,
        due_date_from: date(object, "dueDateFrom")?,
        due_date_to: date(object, "dueDateTo")?,
        overdue: boolean(object, "overdue")?,
        include_archived: boolean(object, "includeArchived")?.unwrap_or(false),
    };
    check_date_range(&filter)?;
    Ok((filter, unknown_key_warnings(object)))
}

fn field_name(key: &str) -> String {
    format!("filterData.{key}")
}

fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !value.is_null())
}

fn boolean(object: &Map<String, Value>, key: &str) -> Result<Option<bool>, ValidationError> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(other) => Err(ValidationError::new(
            field_name(key),
            Some(&other.to_string()),
            "must be true or false",
        )),
    }
}

/// Reads a list of strings, checking its type and length.
fn string_list<'a>(object: &'a Map<String, Value>, key: &str) -> Result<Vec<&'a str>, ValidationError> {
    let Some(value) = present(object, key) else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = value else {
        return Err(ValidationError::new(
            field_name(key),
            Some(&value.to_string()),
            "must be an array of strings",
        ));
    };
    if items.len() > MAX_FILTER_VALUES {
        return Err(ValidationError::new(
            field_name(key),
            None,
            format!(
                "has {} values; the maximum is {MAX_FILTER_VALUES}, so split the fetch into several",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_str().ok_or_else(|| {
                ValidationError::new(
                    format!("{}[{index}]", field_name(key)),
                    Some(&item.to_string()),
                    "must be a string",
                )
            })
        })
        .collect()
}

fn id_list(object: &Map<String, Value>, key: &str) -> Result<Vec<OpaqueId>, ValidationError> {
    let values = string_list(object, key)?;
    let mut ids = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        let id = OpaqueId::parse(value).map_err(|e| {
            ValidationError::new(
                format!("{}[{index}]", field_name(key)),
                Some(value),
                e.to_string(),
            )
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn status_list(object: &Map<String, Value>) -> Result<Vec<FollowUpStatus>, ValidationError> {
    let values = string_list(object, "statuses")?;
    let mut statuses = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        let status = FollowUpStatus::parse(value).ok_or_else(|| {
            ValidationError::new(
                format!("filterData.statuses[{index}]"),
                Some(value),
                "is not a status; use NOT_STARTED, SCHEDULED or COMPLETE",
            )
        })?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(statuses)
}

fn date(object: &Map<String, Value>, key: &str) -> Result<Option<NaiveDate>, ValidationError> {
    let Some(value) = present(object, key) else {
        return Ok(None);
    };
    let invalid = || {
        ValidationError::new(
            field_name(key),
            Some(&value.to_string()),
            format!("must be {DATE_RULE}, such as \"2025-03-10\""),
        )
    };
    let text = value.as_str().ok_or_else(invalid)?;
    super::date::parse_calendar_date(text)
        .map(Some)
        .ok_or_else(invalid)
}

fn check_date_range(filter: &FollowUpFilter) -> Result<(), ValidationError> {
    match (filter.due_date_from, filter.due_date_to) {
        (Some(from), Some(to)) if from > to => Err(ValidationError::new(
            "filterData.dueDateFrom",
            Some(&from.to_string()),
            format!("is after dueDateTo {to}; both dates are inclusive, so send dueDateFrom <= dueDateTo"),
        )),
        _ => Ok(()),
    }
}

fn unknown_key_warnings(object: &Map<String, Value>) -> Vec<Warning> {
    object
        .keys()
        .filter(|key| !FILTER_KEYS.contains(&key.as_str()))
        .map(|key| {
            Warning::new(
                "UNKNOWN_FILTER_KEY",
                format!(
                    "filterData key {key:?} is not a known filter and was ignored; known keys are {}",
                    FILTER_KEYS.join(", ")
                ),
            )
            .with("key", key.as_str())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(value: Value) -> Result<(FollowUpFilter, Vec<Warning>), ValidationError> {
        parse_filter(Some(&value))
    }

    #[test]
    fn empty_and_null_restrict_nothing() {
        assert_eq!(parse(json!({})).unwrap().0, FollowUpFilter::default());
        assert_eq!(parse_filter(None).unwrap().0, FollowUpFilter::default());
        assert_eq!(parse(Value::Null).unwrap().0, FollowUpFilter::default());
        assert_eq!(
            parse(json!({"statuses": null})).unwrap().0,
            FollowUpFilter::default()
        );
    }

    #[test]
    fn reads_every_key() {
        let (filter, warnings) = parse(json!({
            "taskTypeUUIDs": ["t1", "t1"], "statuses": ["COMPLETE"], "assigneeUUIDs": ["u1"],
            "unassigned": true, "customerUUIDs": ["c1"], "dueDateFrom": "2025-01-01",
            "dueDateTo": "2025-01-31", "overdue": false, "includeArchived": true
        }))
        .unwrap();
        assert!(warnings.is_empty());
        assert_eq!(filter.task_type_uuids.len(), 1, "repeated ids are kept once");
        assert_eq!(filter.statuses, vec![FollowUpStatus::Complete]);
        assert_eq!(filter.unassigned, Some(true));
        assert_eq!(filter.due_date_to, "2025-01-31".parse().ok());
        assert_eq!(filter.overdue, Some(false));
        assert!(filter.include_archived);
    }

    #[test]
    fn unknown_keys_warn() {
        let (_, warnings) = parse(json!({"startDate": "2025-01-01"})).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, "UNKNOWN_FILTER_KEY");
        assert_eq!(warnings[0].metadata["key"], "startDate");
    }

    #[test]
    fn wrong_types_name_the_field() {
        let cases = [
            (json!([]), "filterData"),
            (json!({"statuses": "COMPLETE"}), "filterData.statuses"),
            (json!({"statuses": ["DONE"]}), "filterData.statuses[0]"),
            (json!({"assigneeUUIDs": [1]}), "filterData.assigneeUUIDs[0]"),
            (json!({"customerUUIDs": ["a b"]}), "filterData.customerUUIDs[0]"),
            (json!({"unassigned": "yes"}), "filterData.unassigned"),
            (json!({"overdue": 1}), "filterData.overdue"),
            (json!({"dueDateFrom": "03/10/2025"}), "filterData.dueDateFrom"),
            (json!({"dueDateTo": "2025-02-30"}), "filterData.dueDateTo"),
            (json!({"dueDateFrom": "0000-01-01"}), "filterData.dueDateFrom"),
            (
                json!({"dueDateFrom": "2025-02-02", "dueDateTo": "2025-02-01"}),
                "filterData.dueDateFrom",
            ),
        ];
        for (value, field) in cases {
            let error = parse(value.clone()).unwrap_err();
            assert_eq!(error.field, field, "for {value}");
        }
    }

    #[test]
    fn long_lists_are_rejected() {
        let ids: Vec<String> = (0..=MAX_FILTER_VALUES).map(|i| format!("id{i}")).collect();
        let error = parse(json!({"taskTypeUUIDs": ids})).unwrap_err();
        assert_eq!(error.field, "filterData.taskTypeUUIDs");
    }
}
