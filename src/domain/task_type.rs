//! Validation of a task type to create: a kind of follow-up work that a dealer defines.

use serde::Deserialize;

use super::create::check_text;
use super::id::OpaqueId;
use super::update::ValidationError;

/// Maximum length of a task type's name in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Maximum length of a task type's description in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

/// The body of a task type create request, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(remote = "Self")]
pub struct TaskTypeInput {
    pub uuid: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

crate::object_only!(TaskTypeInput);

/// A task type to create that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTypeDraft {
    /// The client's id, or a generated one when the client sent none.
    pub uuid: OpaqueId,
    pub name: String,
    pub description: String,
}

/// Validates a task type create request, stopping at the first invalid field.
pub fn validate_task_type(input: TaskTypeInput) -> Result<TaskTypeDraft, ValidationError> {
    let uuid = match input.uuid.as_deref() {
        None => OpaqueId::generate(),
        Some(raw) => {
            OpaqueId::parse(raw).map_err(|e| ValidationError::new("uuid", Some(raw), e.to_string()))?
        }
    };
    let name = validate_name(input.name)?;
    let description = check_text(
        "description",
        input.description.unwrap_or_default(),
        MAX_DESCRIPTION_CHARS,
        true,
    )?;
    Ok(TaskTypeDraft {
        uuid,
        name,
        description,
    })
}

fn validate_name(name: Option<String>) -> Result<String, ValidationError> {
    let Some(name) = name else {
        return Err(ValidationError::missing(
            "name",
            "send a name of 1 to 100 characters, such as \"Declined service\"",
        ));
    };
    if name.trim().is_empty() {
        return Err(ValidationError::new(
            "name",
            Some(&name),
            "is blank; send a name of 1 to 100 characters, such as \"Declined service\"",
        ));
    }
    check_text("name", name, MAX_NAME_CHARS, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> TaskTypeInput {
        TaskTypeInput {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn generates_uuid_when_missing() {
        let draft = validate_task_type(input("Declined service")).unwrap();
        assert_eq!(draft.uuid.as_str().len(), 64);
        assert_eq!(draft.name, "Declined service");
        assert_eq!(draft.description, "");
    }

    #[test]
    fn keeps_client_uuid() {
        let mut body = input("No show");
        body.uuid = Some("task-type-1".into());
        let draft = validate_task_type(body).unwrap();
        assert_eq!(draft.uuid.as_str(), "task-type-1");
    }

    #[test]
    fn name_length_limits() {
        assert!(validate_task_type(input("x")).is_ok());
        assert!(validate_task_type(input(&"x".repeat(100))).is_ok());
        let error = validate_task_type(input(&"x".repeat(101))).unwrap_err();
        assert_eq!(error.field, "name");
        assert!(error.problem.contains("maximum is 100"), "{}", error.problem);
    }

    #[test]
    fn rejects_missing_blank_and_control_names() {
        let missing = validate_task_type(TaskTypeInput::default()).unwrap_err();
        assert_eq!(missing.field, "name");
        assert_eq!(validate_task_type(input("  ")).unwrap_err().field, "name");
        assert_eq!(validate_task_type(input("a\u{7}b")).unwrap_err().field, "name");
    }

    #[test]
    fn rejects_invalid_uuid() {
        let mut body = input("No show");
        body.uuid = Some("no spaces".into());
        assert_eq!(validate_task_type(body).unwrap_err().field, "uuid");
    }
}
