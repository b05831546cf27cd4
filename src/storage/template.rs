//! Task types and templates as they cross the [`Store`](super::Store) boundary.

use crate::domain::template::{Locale, TemplateDraft, TemplateType};
use crate::domain::OpaqueId;

use super::StoreError;

/// A task type as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskType {
    pub uuid: OpaqueId,
    pub name: String,
    pub description: String,
    pub active: bool,
}

/// A validated template to create for a dealer.
#[derive(Debug, Clone)]
pub struct NewTemplate {
    pub dealer_id: i64,
    pub draft: TemplateDraft,
}

/// A template as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub uuid: OpaqueId,
    pub dealer_uuid: OpaqueId,
    pub task_type_uuid: OpaqueId,
    pub template_type: TemplateType,
    pub is_default: bool,
    pub multi: bool,
    pub title: String,
    pub message: String,
    pub locale: Locale,
    pub is_freemarker_template: bool,
}

/// The outcome of [`Store::create_template`](super::Store::create_template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateTemplateResult {
    /// The template was stored; `demoted` names the former default it replaced.
    Created { demoted: Option<OpaqueId> },
    /// The task type is not one of the dealer's; nothing changed.
    UnknownTaskType,
}

/// A template row as both backends read it.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct TemplateRow {
    pub uuid: String,
    pub dealer_uuid: String,
    pub task_type_uuid: String,
    #[sqlx(rename = "type")]
    pub template_type: String,
    pub is_default: bool,
    pub multi: bool,
    pub title: String,
    pub message: String,
    pub locale: String,
    pub is_freemarker_template: bool,
}

impl TemplateRow {
    pub fn into_template(self) -> Result<Template, StoreError> {
        let template_type = TemplateType::parse(&self.template_type).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "template {} has type {:?}",
                self.uuid, self.template_type
            ))
        })?;
        let locale = Locale::parse(&self.locale).ok_or_else(|| {
            StoreError::Corrupt(format!("template {} has locale {:?}", self.uuid, self.locale))
        })?;
        Ok(Template {
            uuid: OpaqueId::from_trusted(self.uuid),
            dealer_uuid: OpaqueId::from_trusted(self.dealer_uuid),
            task_type_uuid: OpaqueId::from_trusted(self.task_type_uuid),
            template_type,
            is_default: self.is_default,
            multi: self.multi,
            title: self.title,
            message: self.message,
            locale,
            is_freemarker_template: self.is_freemarker_template,
        })
    }
}

/// Selects [`TemplateRow`] columns of a dealer's templates of one type. `$1` is the dealer
/// id and `$2` the type; SQLite accepts `$n` placeholders as well as PostgreSQL.
pub(super) const LIST_TEMPLATES: &str = "
SELECT t.uuid, d.uuid AS dealer_uuid, k.uuid AS task_type_uuid, t.type, t.is_default, t.multi,
       t.title, t.message, t.locale, t.is_freemarker_template
FROM templates t
JOIN dealers d ON d.id = t.dealer_id
JOIN task_types k ON k.id = t.task_type_id
WHERE t.dealer_id = $1 AND t.type = $2
ORDER BY t.id";

/// Selects the task types of a dealer in creation order; `$1` is the dealer id.
pub(super) const LIST_TASK_TYPES: &str =
    "SELECT uuid, name, description, active FROM task_types WHERE dealer_id = $1 ORDER BY id";

/// Converts task type rows read by either backend.
pub(super) fn task_types(rows: Vec<(String, String, String, bool)>) -> Vec<TaskType> {
    rows.into_iter()
        .map(|(uuid, name, description, active)| TaskType {
            uuid: OpaqueId::from_trusted(uuid),
            name,
            description,
            active,
        })
        .collect()
}
