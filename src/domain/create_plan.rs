//! Planning a batch of creates against what the database already holds: which items are
//! new, which repeat an earlier create, and which cannot be created.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::create::CreateItem;
use super::follow_up::FollowUpStatus;
use super::id::OpaqueId;
use super::person::PersonRef;

/// What a create request did, or would do, to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CreateOutcome {
    /// The follow-up was inserted.
    Created,
    /// A follow-up with this id and the same content exists; nothing was written.
    AlreadyExists,
}

/// A follow-up with a requested id that is already stored in the dealer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFollowUp {
    pub department_uuid: OpaqueId,
    pub customer_uuid: Option<String>,
    pub task_type_uuid: Option<OpaqueId>,
    pub title: String,
    pub notes: String,
    pub due_date: NaiveDate,
    pub status: FollowUpStatus,
    pub assignee: Option<PersonRef>,
    pub version: i64,
}

/// One item of a plan, in request order. `item.due_date` is always set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCreate {
    pub item: CreateItem,
    pub outcome: CreateOutcome,
    /// The version after the request: 1 for a new follow-up.
    pub version: i64,
}

/// Why one item cannot be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The task type is not one of the dealer's task types.
    UnknownTaskType,
    /// The task type exists but is no longer active.
    InactiveTaskType,
    /// An earlier item of the same batch has the same id.
    DuplicateUuid { first_index: usize },
    /// A follow-up with this id exists with other content; the fields that differ.
    Conflict { fields: Vec<&'static str> },
}

/// A problem of the item at `index` (0-based), on `field` with the offending `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateProblem {
    pub index: usize,
    pub field: &'static str,
    pub value: String,
    pub kind: ProblemKind,
}

impl CreateProblem {
    /// Whether the problem is a clash with stored data (HTTP 409) rather than bad input.
    pub fn is_conflict(&self) -> bool {
        matches!(self.kind, ProblemKind::Conflict { .. })
    }

    /// Explains the problem and its fix in one sentence.
    pub fn reason(&self) -> String {
        match &self.kind {
            ProblemKind::UnknownTaskType => {
                "is not a task type of this department's dealer; send one of the dealer's task type ids"
                    .into()
            }
            ProblemKind::InactiveTaskType => {
                "is a task type that is no longer active; send an active task type".into()
            }
            ProblemKind::DuplicateUuid { first_index } => {
                format!("repeats the id of item {first_index} of the same batch; send each follow-up once")
            }
            ProblemKind::Conflict { fields } => format!(
                "already exists with different content ({}); send the original content to repeat \
                 the create, or use another id",
                fields.join(", ")
            ),
        }
    }
}

/// What planning knows about the dealer: its task types and the requested ids it stores.
pub struct CreateContext<'a> {
    /// The dealer's task types, each with whether it is active.
    pub task_types: &'a HashMap<OpaqueId, bool>,
    pub existing: &'a HashMap<OpaqueId, StoredFollowUp>,
    pub department_uuid: &'a OpaqueId,
    /// Used for items without a due date: the dealer's current date.
    pub default_due_date: NaiveDate,
}

/// Plans every item, or returns every problem found.
pub fn plan_creates(
    items: Vec<CreateItem>,
    context: &CreateContext<'_>,
) -> Result<Vec<PlannedCreate>, Vec<CreateProblem>> {
    let mut problems = Vec::new();
    let mut first_index: HashMap<OpaqueId, usize> = HashMap::with_capacity(items.len());
    let mut planned = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        if let Some(&first) = first_index.get(&item.uuid) {
            problems.push(problem(
                index,
                "uuid",
                item.uuid.as_str(),
                ProblemKind::DuplicateUuid { first_index: first },
            ));
            continue;
        }
        first_index.insert(item.uuid.clone(), index);
        if let Some(found) = check_task_type(index, &item, context.task_types) {
            problems.push(found);
            continue;
        }
        match plan_item(index, item, context) {
            Ok(item) => planned.push(item),
            Err(found) => problems.push(found),
        }
    }
    if problems.is_empty() {
        Ok(planned)
    } else {
        Err(problems)
    }
}

fn problem(index: usize, field: &'static str, value: &str, kind: ProblemKind) -> CreateProblem {
    CreateProblem {
        index,
        field,
        value: value.to_owned(),
        kind,
    }
}

fn check_task_type(
    index: usize,
    item: &CreateItem,
    task_types: &HashMap<OpaqueId, bool>,
) -> Option<CreateProblem> {
    let uuid = item.task_type_uuid.as_ref()?;
    let kind = match task_types.get(uuid) {
        None => ProblemKind::UnknownTaskType,
        Some(false) => ProblemKind::InactiveTaskType,
        Some(true) => return None,
    };
    Some(problem(index, "taskTypeUUID", uuid.as_str(), kind))
}

fn plan_item(
    index: usize,
    mut item: CreateItem,
    context: &CreateContext<'_>,
) -> Result<PlannedCreate, CreateProblem> {
    let Some(stored) = context.existing.get(&item.uuid) else {
        item.due_date = Some(item.due_date.unwrap_or(context.default_due_date));
        return Ok(PlannedCreate {
            item,
            outcome: CreateOutcome::Created,
            version: 1,
        });
    };
    let fields = differences(&item, stored, context.department_uuid);
    if !fields.is_empty() {
        let kind = ProblemKind::Conflict { fields };
        return Err(problem(index, "uuid", item.uuid.as_str(), kind));
    }
    item.due_date = Some(stored.due_date);
    Ok(PlannedCreate {
        item,
        outcome: CreateOutcome::AlreadyExists,
        version: stored.version,
    })
}

/// Lists the request fields whose values differ from the stored follow-up.
///
/// A missing due date matches any stored date, because its default depends on the day of
/// the request. Status and assignee are compared only while the follow-up is unchanged
/// since its creation (version 1), because bulk updates change them afterwards.
fn differences(item: &CreateItem, stored: &StoredFollowUp, department: &OpaqueId) -> Vec<&'static str> {
    let mut fields = Vec::new();
    if &stored.department_uuid != department {
        fields.push("departmentUUID");
    }
    if stored.customer_uuid.as_deref() != Some(item.customer_uuid.as_str()) {
        fields.push("customerUUID");
    }
    if stored.task_type_uuid != item.task_type_uuid {
        fields.push("taskTypeUUID");
    }
    if stored.title != item.title {
        fields.push("title");
    }
    if stored.notes != item.notes {
        fields.push("notes");
    }
    if item.due_date.is_some_and(|date| date != stored.due_date) {
        fields.push("dueDate");
    }
    if stored.version == 1 && stored.status != item.status {
        fields.push("status");
    }
    if stored.version == 1 && stored.assignee != item.assignee {
        fields.push("assignee");
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(value: &str) -> OpaqueId {
        OpaqueId::parse(value).unwrap()
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    fn item(uuid: &str) -> CreateItem {
        CreateItem {
            uuid: id(uuid),
            customer_uuid: id("customer-1"),
            task_type_uuid: None,
            title: "Call".into(),
            notes: String::new(),
            due_date: None,
            status: FollowUpStatus::NotStarted,
            assignee: None,
        }
    }

    fn stored(item: &CreateItem, version: i64) -> StoredFollowUp {
        StoredFollowUp {
            department_uuid: id("dept"),
            customer_uuid: Some(item.customer_uuid.to_string()),
            task_type_uuid: item.task_type_uuid.clone(),
            title: item.title.clone(),
            notes: item.notes.clone(),
            due_date: date(9),
            status: item.status,
            assignee: item.assignee.clone(),
            version,
        }
    }

    fn plan(
        items: Vec<CreateItem>,
        existing: &HashMap<OpaqueId, StoredFollowUp>,
        task_types: &HashMap<OpaqueId, bool>,
    ) -> Result<Vec<PlannedCreate>, Vec<CreateProblem>> {
        let department = id("dept");
        let context = CreateContext {
            task_types,
            existing,
            department_uuid: &department,
            default_due_date: date(1),
        };
        plan_creates(items, &context)
    }

    #[test]
    fn new_items_get_the_default_due_date_and_version_1() {
        let planned = plan(vec![item("a")], &HashMap::new(), &HashMap::new()).unwrap();
        assert_eq!(planned[0].outcome, CreateOutcome::Created);
        assert_eq!(planned[0].item.due_date, Some(date(1)));
        assert_eq!(planned[0].version, 1);
    }

    #[test]
    fn identical_repeat_returns_the_stored_follow_up() {
        let existing = HashMap::from([(id("a"), stored(&item("a"), 3))]);
        let planned = plan(vec![item("a")], &existing, &HashMap::new()).unwrap();
        assert_eq!(planned[0].outcome, CreateOutcome::AlreadyExists);
        assert_eq!(planned[0].version, 3);
        assert_eq!(planned[0].item.due_date, Some(date(9)));
    }

    #[test]
    fn different_content_is_a_conflict_naming_the_fields() {
        let mut original = stored(&item("a"), 1);
        original.title = "Other".into();
        original.department_uuid = id("other-dept");
        let existing = HashMap::from([(id("a"), original)]);
        let mut request = item("a");
        request.due_date = Some(date(2));
        let problems = plan(vec![request], &existing, &HashMap::new()).unwrap_err();
        let expected = ProblemKind::Conflict {
            fields: vec!["departmentUUID", "title", "dueDate"],
        };
        assert_eq!(problems[0].kind, expected);
        assert!(problems[0].is_conflict());
    }

    #[test]
    fn status_is_compared_only_before_the_first_update() {
        let mut original = stored(&item("a"), 1);
        original.status = FollowUpStatus::Complete;
        let existing = HashMap::from([(id("a"), original.clone())]);
        assert!(plan(vec![item("a")], &existing, &HashMap::new()).is_err());
        original.version = 2;
        let existing = HashMap::from([(id("a"), original)]);
        assert!(plan(vec![item("a")], &existing, &HashMap::new()).is_ok());
    }

    #[test]
    fn task_types_and_duplicates_are_reported_per_item() {
        let task_types = HashMap::from([(id("active"), true), (id("retired"), false)]);
        let mut items = vec![item("a"), item("b"), item("c"), item("a")];
        items[0].task_type_uuid = Some(id("active"));
        items[1].task_type_uuid = Some(id("retired"));
        items[2].task_type_uuid = Some(id("missing"));
        let problems = plan(items, &HashMap::new(), &task_types).unwrap_err();
        let kinds: Vec<(usize, &ProblemKind)> = problems.iter().map(|p| (p.index, &p.kind)).collect();
        assert_eq!(
            kinds,
            [
                (1, &ProblemKind::InactiveTaskType),
                (2, &ProblemKind::UnknownTaskType),
                (3, &ProblemKind::DuplicateUuid { first_index: 0 }),
            ]
        );
    }
}
