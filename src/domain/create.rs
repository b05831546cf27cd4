//! Validation of one follow-up to create, shared by the create endpoint and the importer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::date::DATE_RULE;
use super::follow_up::FollowUpStatus;
use super::id::OpaqueId;
use super::person::{PersonInput, PersonName, PersonRef};
use super::update::ValidationError;

/// Maximum length of a title in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Maximum length of notes in characters.
pub const MAX_NOTES_CHARS: usize = 2000;

/// Second spellings that [`CreateItemInput`] accepts, as `(name, alias)` pairs. serde needs
/// the struct's `alias` attributes as literals, so a test checks that this list matches them.
pub const FIELD_ALIASES: [(&str, &str); 2] =
    [("customerUUID", "customerUuid"), ("taskTypeUUID", "taskTypeUuid")];

/// One follow-up to create, exactly as decoded from JSON or a CSV row, before validation.
///
/// Requests spell ids `...UUID`, as upstream request bodies do; the `...Uuid` spelling of
/// upstream response objects is accepted as well.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(remote = "Self")]
pub struct CreateItemInput {
    pub uuid: Option<String>,
    #[serde(rename = "customerUUID", alias = "customerUuid")]
    pub customer_uuid: Option<String>,
    #[serde(rename = "taskTypeUUID", alias = "taskTypeUuid")]
    pub task_type_uuid: Option<String>,
    pub title: Option<String>,
    pub notes: Option<String>,
    #[serde(rename = "dueDate")]
    pub due_date: Option<String>,
    pub status: Option<String>,
    pub assignee: Option<PersonInput>,
}

crate::object_only!(CreateItemInput);

/// A follow-up to create that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateItem {
    /// The client's id, or a generated one when the client sent none.
    pub uuid: OpaqueId,
    pub customer_uuid: OpaqueId,
    pub task_type_uuid: Option<OpaqueId>,
    pub title: String,
    pub notes: String,
    /// `None` when the client sent no date; the dealer's current date is used then.
    pub due_date: Option<NaiveDate>,
    pub status: FollowUpStatus,
    pub assignee: Option<PersonRef>,
}

/// Validates one item and returns every invalid field, not only the first.
///
/// Field names in errors are relative to the item, such as `dueDate` or `assignee.uuid`.
pub fn validate_item(input: CreateItemInput) -> Result<CreateItem, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let uuid = match input.uuid.as_deref() {
        None => Some(OpaqueId::generate()),
        Some(raw) => collect(&mut errors, parse_id("uuid", raw)),
    };
    let customer_uuid = match input.customer_uuid.as_deref() {
        None => {
            errors.push(ValidationError::missing(
                "customerUUID",
                "send the id of the customer to follow up with",
            ));
            None
        }
        Some(raw) => collect(&mut errors, parse_id("customerUUID", raw)),
    };
    let task_type_uuid = input
        .task_type_uuid
        .as_deref()
        .and_then(|raw| collect(&mut errors, parse_id("taskTypeUUID", raw)));
    let title = collect(&mut errors, validate_title(input.title));
    let notes = collect(&mut errors, validate_notes(input.notes));
    let due_date = match input.due_date.as_deref() {
        None => Some(None),
        Some(raw) => collect(&mut errors, parse_due_date(raw)).map(Some),
    };
    let status = collect(&mut errors, parse_status(input.status.as_deref()));
    let assignee = match input.assignee {
        None => Some(None),
        Some(person) => collect(&mut errors, validate_assignee(person)).map(Some),
    };
    match (uuid, customer_uuid, title, notes, due_date, status, assignee) {
        (
            Some(uuid),
            Some(customer_uuid),
            Some(title),
            Some(notes),
            Some(due_date),
            Some(status),
            Some(assignee),
        ) if errors.is_empty() => Ok(CreateItem {
            uuid,
            customer_uuid,
            task_type_uuid,
            title,
            notes,
            due_date,
            status,
            assignee,
        }),
        _ => Err(errors),
    }
}

/// Returns a date in a dealer's IANA time zone, or in UTC when the zone name is unknown.
pub fn date_in_zone(time_zone: &str, now: DateTime<Utc>) -> NaiveDate {
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(zone) => now.with_timezone(&zone).date_naive(),
        Err(_) => now.date_naive(),
    }
}

fn collect<T>(errors: &mut Vec<ValidationError>, result: Result<T, ValidationError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

fn parse_id(field: &str, raw: &str) -> Result<OpaqueId, ValidationError> {
    OpaqueId::parse(raw).map_err(|e| ValidationError::new(field, Some(raw), e.to_string()))
}

fn validate_title(title: Option<String>) -> Result<String, ValidationError> {
    let Some(title) = title else {
        return Err(ValidationError::missing(
            "title",
            "send a short description of the work",
        ));
    };
    if title.trim().is_empty() {
        return Err(ValidationError::new(
            "title",
            Some(&title),
            "is blank; send a short description of the work",
        ));
    }
    check_text("title", title, MAX_TITLE_CHARS, false)
}

fn validate_notes(notes: Option<String>) -> Result<String, ValidationError> {
    check_text("notes", notes.unwrap_or_default(), MAX_NOTES_CHARS, true)
}

/// Checks the length and rejects control characters (notes may contain line breaks and tabs).
pub(crate) fn check_text(
    field: &str,
    value: String,
    max: usize,
    multiline: bool,
) -> Result<String, ValidationError> {
    let length = value.chars().count();
    if length > max {
        let problem = format!("is {length} characters long; the maximum is {max}");
        return Err(ValidationError::new(field, Some(&value), problem));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if let Some(c) = value.chars().find(|c| c.is_control() && !allowed(*c)) {
        let problem = format!("contains the control character {c:?}; send printable text only");
        return Err(ValidationError::new(field, Some(&value), problem));
    }
    Ok(value)
}

/// Parses a strict `yyyy-MM-dd` date, as upstream due dates are written.
fn parse_due_date(raw: &str) -> Result<NaiveDate, ValidationError> {
    super::date::parse_calendar_date(raw).ok_or_else(|| {
        ValidationError::new(
            "dueDate",
            Some(raw),
            format!("is not {DATE_RULE}, such as 2026-03-31"),
        )
    })
}

fn parse_status(raw: Option<&str>) -> Result<FollowUpStatus, ValidationError> {
    let Some(raw) = raw else {
        return Ok(FollowUpStatus::NotStarted);
    };
    FollowUpStatus::parse(raw).ok_or_else(|| {
        ValidationError::new(
            "status",
            Some(raw),
            "is not a known status; use NOT_STARTED, SCHEDULED or COMPLETE, or leave it out for NOT_STARTED",
        )
    })
}

fn validate_assignee(person: PersonInput) -> Result<PersonRef, ValidationError> {
    let Some(raw) = person.uuid else {
        return Err(ValidationError::missing(
            "assignee.uuid",
            "send the assignee's id, or leave out assignee",
        ));
    };
    let uuid = parse_id("assignee.uuid", &raw)?;
    let fname = parse_name("assignee.fname", person.fname)?;
    let lname = parse_name("assignee.lname", person.lname)?;
    Ok(PersonRef { uuid, fname, lname })
}

fn parse_name(field: &str, value: Option<String>) -> Result<PersonName, ValidationError> {
    let value = value.unwrap_or_default();
    PersonName::parse(&value).map_err(|e| ValidationError::new(field, Some(&value), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CreateItemInput {
        CreateItemInput {
            uuid: Some("fu-1".into()),
            customer_uuid: Some("customer-1".into()),
            title: Some("Call about brakes".into()),
            ..CreateItemInput::default()
        }
    }

    fn fields(errors: &[ValidationError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn minimal_item_gets_defaults() {
        let item = validate_item(input()).unwrap();
        assert_eq!(item.uuid.as_str(), "fu-1");
        assert_eq!(item.status, FollowUpStatus::NotStarted);
        assert_eq!(item.due_date, None);
        assert_eq!(item.notes, "");
        assert_eq!(item.assignee, None);
    }

    #[test]
    fn missing_uuid_is_generated() {
        let item = validate_item(CreateItemInput {
            uuid: None,
            ..input()
        })
        .unwrap();
        assert_eq!(item.uuid.as_str().len(), 64);
    }

    #[test]
    fn every_invalid_field_is_reported() {
        let bad = CreateItemInput {
            uuid: Some("bad id".into()),
            customer_uuid: None,
            task_type_uuid: Some(String::new()),
            title: Some("  ".into()),
            notes: Some("x".repeat(MAX_NOTES_CHARS + 1)),
            due_date: Some("2026-2-30".into()),
            status: Some("DONE".into()),
            assignee: Some(PersonInput::default()),
        };
        let errors = validate_item(bad).unwrap_err();
        let expected = [
            "uuid",
            "customerUUID",
            "taskTypeUUID",
            "title",
            "notes",
            "dueDate",
            "status",
            "assignee.uuid",
        ];
        assert_eq!(fields(&errors), expected);
    }

    #[test]
    fn due_date_must_be_strict_and_real() {
        for raw in [
            "2026-02-30",
            "2026-1-05",
            "05/01/2026",
            "2026-01-05T00:00:00",
            "",
            "0000-01-01",
        ] {
            let result = parse_due_date(raw);
            assert!(result.is_err(), "{raw:?} must be rejected");
        }
        let date = parse_due_date("2028-02-29").unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(2028, 2, 29).unwrap());
    }

    #[test]
    fn field_aliases_match_the_serde_attributes() {
        for (name, alias) in FIELD_ALIASES {
            let by_name: CreateItemInput = serde_json::from_str(&format!(r#"{{"{name}": "x"}}"#)).unwrap();
            let by_alias: CreateItemInput = serde_json::from_str(&format!(r#"{{"{alias}": "x"}}"#)).unwrap();
            assert_eq!(
                format!("{by_name:?}"),
                format!("{by_alias:?}"),
                "{alias} decodes like {name}"
            );
            assert!(
                format!("{by_name:?}").contains("Some(\"x\")"),
                "{name} is a field"
            );
            let both = format!(r#"{{"{name}": "x", "{alias}": "y"}}"#);
            let error = serde_json::from_str::<CreateItemInput>(&both).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("duplicate field `{name}`")),
                "{error}"
            );
        }
    }

    #[test]
    fn notes_allow_line_breaks_but_title_does_not() {
        let item = validate_item(CreateItemInput {
            notes: Some("line 1\nline 2\tend".into()),
            ..input()
        });
        assert!(item.is_ok());
        let errors = validate_item(CreateItemInput {
            title: Some("two\nlines".into()),
            ..input()
        })
        .unwrap_err();
        assert_eq!(fields(&errors), ["title"]);
    }

    #[test]
    fn date_in_zone_uses_the_dealer_calendar() {
        // 2026-01-01 03:00 UTC is still New Year's Eve in Los Angeles.
        let now = DateTime::parse_from_rfc3339("2026-01-01T03:00:00Z")
            .unwrap()
            .to_utc();
        let los_angeles = date_in_zone("America/Los_Angeles", now);
        assert_eq!(los_angeles, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
        let utc = date_in_zone("Not/A_Zone", now);
        assert_eq!(utc, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    }
}
