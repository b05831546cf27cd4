//! Validation of a bulk update request body into an [`UpdateCommand`].

use std::collections::HashSet;

use serde::Deserialize;

use super::id::OpaqueId;
use super::person::{PersonInput, PersonName, PersonRef};

/// The bulk update body as decoded from JSON, before validation.
///
/// Fields the service does not use, such as the upstream's internal `followedUpBy`, are
/// ignored so that existing clients keep working.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(remote = "Self")]
pub struct UpdateFollowUpsInput {
    #[serde(rename = "followUpUUIDs")]
    pub follow_up_uuids: Option<Vec<String>>,
    #[serde(rename = "followUpActionType")]
    pub action_type: Option<String>,
    #[serde(rename = "newAssignee")]
    pub new_assignee: Option<PersonInput>,
    #[serde(rename = "actionTakenBy")]
    pub action_taken_by: Option<PersonInput>,
}

crate::object_only!(UpdateFollowUpsInput);

/// The action named by `followUpActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionType {
    MarkAsDone,
    Archive,
    Assign,
    Unassign,
}

impl ActionType {
    pub const ALL: [ActionType; 4] = [Self::MarkAsDone, Self::Archive, Self::Assign, Self::Unassign];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MarkAsDone => "MARK_AS_DONE",
            Self::Archive => "ARCHIVE",
            Self::Assign => "ASSIGN",
            Self::Unassign => "UNASSIGN",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == value)
    }
}

/// A validated action with its argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    MarkAsDone,
    Archive,
    Assign(PersonRef),
    Unassign,
}

impl Action {
    pub fn action_type(&self) -> ActionType {
        match self {
            Self::MarkAsDone => ActionType::MarkAsDone,
            Self::Archive => ActionType::Archive,
            Self::Assign(_) => ActionType::Assign,
            Self::Unassign => ActionType::Unassign,
        }
    }
}

/// A bulk update that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateCommand {
    /// Distinct ids in the order of their first occurrence.
    pub follow_up_ids: Vec<OpaqueId>,
    /// Ids that occurred more than once, each listed once.
    pub repeated_ids: Vec<OpaqueId>,
    pub action: Action,
    pub action_taken_by: PersonRef,
}

/// Why a request body was rejected: the field, the offending value and a fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {problem}")]
pub struct ValidationError {
    /// JSON path of the field, such as `followUpUUIDs[3]`.
    pub field: String,
    /// The rejected value, when there is one, shortened for display.
    pub value: Option<String>,
    /// What is wrong and how to fix it.
    pub problem: String,
}

impl ValidationError {
    /// Builds an error; `value` is shortened for display.
    pub(crate) fn new(field: impl Into<String>, value: Option<&str>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            value: value.map(shorten),
            problem: problem.into(),
        }
    }

    pub(crate) fn missing(field: &str, fix: &str) -> Self {
        Self::new(field, None, format!("is missing; {fix}"))
    }
}

/// Cuts a value to 200 characters so that an error message stays readable.
fn shorten(value: &str) -> String {
    const MAX: usize = 200;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &value[..cut]),
        None => value.to_owned(),
    }
}

/// Validates a decoded body. `max_ids` bounds the length of `followUpUUIDs`.
pub fn validate_update(
    input: UpdateFollowUpsInput,
    max_ids: usize,
) -> Result<UpdateCommand, ValidationError> {
    let (follow_up_ids, repeated_ids) = validate_ids(input.follow_up_uuids, max_ids)?;
    let action_type = validate_action_type(input.action_type.as_deref())?;
    let action = match action_type {
        ActionType::MarkAsDone => Action::MarkAsDone,
        ActionType::Archive => Action::Archive,
        ActionType::Unassign => Action::Unassign,
        ActionType::Assign => Action::Assign(validate_new_assignee(input.new_assignee)?),
    };
    let action_taken_by = match input.action_taken_by {
        Some(person) => validate_person("actionTakenBy", person)?,
        None => {
            return Err(ValidationError::missing(
                "actionTakenBy",
                "send {\"uuid\", \"fname\", \"lname\"} of the user taking the action",
            ))
        }
    };
    Ok(UpdateCommand {
        follow_up_ids,
        repeated_ids,
        action,
        action_taken_by,
    })
}

fn validate_ids(
    ids: Option<Vec<String>>,
    max_ids: usize,
) -> Result<(Vec<OpaqueId>, Vec<OpaqueId>), ValidationError> {
    const FIELD: &str = "followUpUUIDs";
    let Some(ids) = ids else {
        return Err(ValidationError::missing(
            FIELD,
            "send an array of 1 or more follow-up ids",
        ));
    };
    if ids.is_empty() {
        return Err(ValidationError::new(
            FIELD,
            Some("[]"),
            "is empty; send at least one follow-up id",
        ));
    }
    if ids.len() > max_ids {
        let problem = format!(
            "has {} ids; the maximum is {max_ids} per request, so split the batch",
            ids.len()
        );
        return Err(ValidationError::new(FIELD, None, problem));
    }
    let mut seen = HashSet::with_capacity(ids.len());
    let mut distinct = Vec::with_capacity(ids.len());
    let mut repeated = Vec::new();
    for (index, raw) in ids.iter().enumerate() {
        let id = OpaqueId::parse(raw)
            .map_err(|e| ValidationError::new(format!("{FIELD}[{index}]"), Some(raw), e.to_string()))?;
        if seen.insert(id.clone()) {
            distinct.push(id);
        } else if !repeated.contains(&id) {
            repeated.push(id);
        }
    }
    Ok((distinct, repeated))
}

fn validate_action_type(value: Option<&str>) -> Result<ActionType, ValidationError> {
    const FIELD: &str = "followUpActionType";
    let allowed = "use one of MARK_AS_DONE, ARCHIVE, ASSIGN, UNASSIGN";
    let Some(value) = value else {
        return Err(ValidationError::missing(FIELD, allowed));
    };
    ActionType::parse(value).ok_or_else(|| {
        ValidationError::new(
            FIELD,
            Some(value),
            format!("is not a known action type; {allowed}"),
        )
    })
}

fn validate_new_assignee(person: Option<PersonInput>) -> Result<PersonRef, ValidationError> {
    match person {
        Some(person) => validate_person("newAssignee", person),
        None => Err(ValidationError::missing(
            "newAssignee",
            "ASSIGN needs {\"uuid\", \"fname\", \"lname\"} of the new assignee",
        )),
    }
}

fn validate_person(field: &str, person: PersonInput) -> Result<PersonRef, ValidationError> {
    let uuid_field = format!("{field}.uuid");
    let Some(raw_uuid) = person.uuid else {
        return Err(ValidationError::missing(&uuid_field, "send the user's id"));
    };
    let uuid = OpaqueId::parse(&raw_uuid)
        .map_err(|e| ValidationError::new(&uuid_field, Some(&raw_uuid), e.to_string()))?;
    let fname = validate_name(&format!("{field}.fname"), person.fname)?;
    let lname = validate_name(&format!("{field}.lname"), person.lname)?;
    Ok(PersonRef { uuid, fname, lname })
}

fn validate_name(field: &str, value: Option<String>) -> Result<PersonName, ValidationError> {
    let value = value.unwrap_or_default();
    PersonName::parse(&value).map_err(|e| ValidationError::new(field, Some(&value), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(uuid: &str) -> Option<PersonInput> {
        Some(PersonInput {
            uuid: Some(uuid.into()),
            fname: Some("John".into()),
            lname: Some("Doe".into()),
        })
    }

    fn input(ids: &[&str], action: &str) -> UpdateFollowUpsInput {
        UpdateFollowUpsInput {
            follow_up_uuids: Some(ids.iter().map(|s| s.to_string()).collect()),
            action_type: Some(action.into()),
            new_assignee: None,
            action_taken_by: person("user-uuid"),
        }
    }

    #[test]
    fn repeated_ids_are_kept_once_in_first_order() {
        let command = validate_update(input(&["b", "a", "b", "c", "a"], "ARCHIVE"), 10).unwrap();
        let ids: Vec<&str> = command.follow_up_ids.iter().map(|id| id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "c"]);
        let repeated: Vec<&str> = command.repeated_ids.iter().map(|id| id.as_str()).collect();
        assert_eq!(repeated, ["b", "a"]);
    }

    #[test]
    fn assign_requires_new_assignee_with_uuid() {
        let err = validate_update(input(&["a"], "ASSIGN"), 10).unwrap_err();
        assert_eq!(err.field, "newAssignee");
        let mut body = input(&["a"], "ASSIGN");
        body.new_assignee = person("");
        let err = validate_update(body, 10).unwrap_err();
        assert_eq!(err.field, "newAssignee.uuid");
    }

    #[test]
    fn rejects_bad_ids_with_their_index() {
        let err = validate_update(input(&["ok", "bad id"], "ARCHIVE"), 10).unwrap_err();
        assert_eq!(err.field, "followUpUUIDs[1]");
        assert_eq!(err.value.as_deref(), Some("bad id"));
    }

    #[test]
    fn rejects_unknown_action_and_too_many_ids() {
        let err = validate_update(input(&["a"], "DELETE"), 10).unwrap_err();
        assert_eq!(err.field, "followUpActionType");
        assert!(err.problem.contains("MARK_AS_DONE"));
        let err = validate_update(input(&["a", "b", "c"], "ARCHIVE"), 2).unwrap_err();
        assert!(err.problem.contains("maximum is 2"));
    }

    #[test]
    fn rejects_missing_fields() {
        let mut body = input(&["a"], "ARCHIVE");
        body.action_taken_by = None;
        assert_eq!(validate_update(body, 10).unwrap_err().field, "actionTakenBy");
        let mut body = input(&["a"], "ARCHIVE");
        body.follow_up_uuids = Some(vec![]);
        assert_eq!(validate_update(body, 10).unwrap_err().field, "followUpUUIDs");
    }
}
