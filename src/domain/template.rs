//! Message templates of a task type: validation and the one-default rule.
//!
//! A task type has at most one default template per (type, locale). Creating a new default
//! demotes the old one, and the response carries a warning that names the demoted template.

use std::fmt;

use serde::Deserialize;

use super::create::check_text;
use super::id::OpaqueId;
use super::update::ValidationError;
use super::warning::Warning;

/// Maximum length of a template title in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Maximum length of a template message in characters.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// The channel a template is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateType {
    Email,
    Text,
}

impl TemplateType {
    /// Every accepted value, as sent on the wire.
    pub const ALLOWED: &'static str = "EMAIL or TEXT";

    /// Parses the wire form, which must match exactly, case included.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "EMAIL" => Some(Self::Email),
            "TEXT" => Some(Self::Text),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "EMAIL",
            Self::Text => "TEXT",
        }
    }
}

impl fmt::Display for TemplateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The language and region a template is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    EnUs,
    FrCa,
}

impl Locale {
    /// Every accepted value, as sent on the wire.
    pub const ALLOWED: &'static str = "en-us or fr-ca";

    /// Parses the wire form, which must match exactly, case included.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "en-us" => Some(Self::EnUs),
            "fr-ca" => Some(Self::FrCa),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnUs => "en-us",
            Self::FrCa => "fr-ca",
        }
    }
}

/// The body of a template create request, before validation, in the upstream casing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(remote = "Self")]
pub struct TemplateInput {
    pub uuid: Option<String>,
    #[serde(rename = "dealerUUID")]
    pub dealer_uuid: Option<String>,
    #[serde(rename = "taskTypeUUID")]
    pub task_type_uuid: Option<String>,
    #[serde(rename = "type")]
    pub template_type: Option<String>,
    #[serde(rename = "isDefault")]
    pub is_default: Option<bool>,
    pub multi: Option<bool>,
    pub title: Option<String>,
    pub message: Option<String>,
    pub locale: Option<String>,
    #[serde(rename = "isFreemarkerTemplate")]
    pub is_freemarker_template: Option<bool>,
}

crate::object_only!(TemplateInput);

/// A template to create that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDraft {
    /// The client's id, or a generated one when the client sent none.
    pub uuid: OpaqueId,
    pub task_type_uuid: OpaqueId,
    pub template_type: TemplateType,
    pub is_default: bool,
    pub multi: bool,
    pub title: String,
    pub message: String,
    pub locale: Locale,
    pub is_freemarker_template: bool,
}

/// Validates a template create request for the dealer named in the path, stopping at the
/// first invalid field.
///
/// `dealerUUID` in the body may be left out; when sent it must equal the path's dealer,
/// because the path decides which dealer's grant is checked.
pub fn validate_template(
    input: TemplateInput,
    path_dealer: &OpaqueId,
) -> Result<TemplateDraft, ValidationError> {
    check_dealer(input.dealer_uuid.as_deref(), path_dealer)?;
    let uuid = match input.uuid.as_deref() {
        None => OpaqueId::generate(),
        Some(raw) => parse_id("uuid", raw)?,
    };
    let task_type_uuid = match input.task_type_uuid.as_deref() {
        None => {
            return Err(ValidationError::missing(
                "taskTypeUUID",
                "send the id of one of the dealer's task types",
            ))
        }
        Some(raw) => parse_id("taskTypeUUID", raw)?,
    };
    let template_type = parse_template_type("type", input.template_type.as_deref())?;
    let locale = parse_locale(input.locale.as_deref())?;
    let title = required_text("title", input.title, MAX_TITLE_CHARS, false)?;
    let message = required_text("message", input.message, MAX_MESSAGE_CHARS, true)?;
    Ok(TemplateDraft {
        uuid,
        task_type_uuid,
        template_type,
        is_default: input.is_default.unwrap_or(false),
        multi: input.multi.unwrap_or(false),
        title,
        message,
        locale,
        is_freemarker_template: input.is_freemarker_template.unwrap_or(false),
    })
}

/// Parses a template type from the field or path parameter `field`.
pub fn parse_template_type(field: &str, raw: Option<&str>) -> Result<TemplateType, ValidationError> {
    let fix = format!("send {}", TemplateType::ALLOWED);
    let Some(raw) = raw else {
        return Err(ValidationError::missing(field, &fix));
    };
    TemplateType::parse(raw)
        .ok_or_else(|| ValidationError::new(field, Some(raw), format!("is invalid; {fix}")))
}

fn parse_locale(raw: Option<&str>) -> Result<Locale, ValidationError> {
    let fix = format!("send {}", Locale::ALLOWED);
    let Some(raw) = raw else {
        return Err(ValidationError::missing("locale", &fix));
    };
    Locale::parse(raw).ok_or_else(|| ValidationError::new("locale", Some(raw), format!("is invalid; {fix}")))
}

fn check_dealer(body_dealer: Option<&str>, path_dealer: &OpaqueId) -> Result<(), ValidationError> {
    match body_dealer {
        Some(raw) if raw != path_dealer.as_str() => Err(ValidationError::new(
            "dealerUUID",
            Some(raw),
            format!(
                "differs from the dealer {path_dealer} in the path; send the same id or leave the field out"
            ),
        )),
        _ => Ok(()),
    }
}

fn parse_id(field: &str, raw: &str) -> Result<OpaqueId, ValidationError> {
    OpaqueId::parse(raw).map_err(|e| ValidationError::new(field, Some(raw), e.to_string()))
}

fn required_text(
    field: &str,
    value: Option<String>,
    max: usize,
    multiline: bool,
) -> Result<String, ValidationError> {
    let fix = format!("send 1 to {max} characters");
    let Some(value) = value else {
        return Err(ValidationError::missing(field, &fix));
    };
    if value.trim().is_empty() {
        return Err(ValidationError::new(
            field,
            Some(&value),
            format!("is blank; {fix}"),
        ));
    }
    check_text(field, value, max, multiline)
}

/// Builds the warning for a default template that a new default replaced.
pub fn default_replaced_warning(demoted: &OpaqueId, new: &TemplateDraft) -> Warning {
    Warning::new(
        "DEFAULT_TEMPLATE_REPLACED",
        format!(
            "template {demoted} is no longer the default {} template in locale {} of task type {}; \
             template {} replaces it",
            new.template_type,
            new.locale.as_str(),
            new.task_type_uuid,
            new.uuid
        ),
    )
    .with("templateUUID", demoted.as_str())
    .with("taskTypeUUID", new.task_type_uuid.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dealer() -> OpaqueId {
        OpaqueId::parse("dealer-uuid").unwrap()
    }

    fn input() -> TemplateInput {
        TemplateInput {
            task_type_uuid: Some("task-type-uuid".into()),
            template_type: Some("EMAIL".into()),
            title: Some("Follow-up for Declined Service".into()),
            message: Some("Dear ${customerName}, please call us.".into()),
            locale: Some("en-us".into()),
            ..Default::default()
        }
    }

    #[test]
    fn accepts_minimal_template_with_defaults() {
        let draft = validate_template(input(), &dealer()).unwrap();
        assert_eq!(draft.template_type, TemplateType::Email);
        assert_eq!(draft.locale, Locale::EnUs);
        assert!(!draft.is_default);
        assert!(!draft.multi);
        assert!(!draft.is_freemarker_template);
        assert_eq!(draft.uuid.as_str().len(), 64);
    }

    #[test]
    fn rejects_unknown_type_naming_allowed_values() {
        for bad in ["SMS", "email", ""] {
            let mut body = input();
            body.template_type = Some(bad.into());
            let error = validate_template(body, &dealer()).unwrap_err();
            assert_eq!(error.field, "type");
            assert!(error.problem.contains("EMAIL or TEXT"), "{}", error.problem);
        }
    }

    #[test]
    fn rejects_unknown_locale_naming_allowed_values() {
        for bad in ["en-US", "de-de", ""] {
            let mut body = input();
            body.locale = Some(bad.into());
            let error = validate_template(body, &dealer()).unwrap_err();
            assert_eq!(error.field, "locale");
            assert!(error.problem.contains("en-us or fr-ca"), "{}", error.problem);
        }
    }

    #[test]
    fn body_dealer_must_match_path() {
        let mut same = input();
        same.dealer_uuid = Some("dealer-uuid".into());
        assert!(validate_template(same, &dealer()).is_ok());
        let mut other = input();
        other.dealer_uuid = Some("dealer-other".into());
        let error = validate_template(other, &dealer()).unwrap_err();
        assert_eq!(error.field, "dealerUUID");
        assert_eq!(error.value.as_deref(), Some("dealer-other"));
    }

    #[test]
    fn requires_task_type_title_and_message() {
        type Change = fn(&mut TemplateInput);
        let cases: [(&str, Change); 4] = [
            ("taskTypeUUID", |b| b.task_type_uuid = None),
            ("title", |b| b.title = None),
            ("title", |b| b.title = Some(" ".into())),
            ("message", |b| b.message = None),
        ];
        for (field, change) in cases {
            let mut body = input();
            change(&mut body);
            assert_eq!(validate_template(body, &dealer()).unwrap_err().field, field);
        }
    }

    #[test]
    fn warning_names_demoted_template() {
        let draft = validate_template(input(), &dealer()).unwrap();
        let demoted = OpaqueId::parse("old-default").unwrap();
        let warning = default_replaced_warning(&demoted, &draft);
        assert_eq!(warning.code, "DEFAULT_TEMPLATE_REPLACED");
        assert!(warning.description.contains("old-default"));
        assert_eq!(warning.metadata["templateUUID"], "old-default");
    }
}
