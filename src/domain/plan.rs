//! Per-item outcome planning: what a bulk action does to each requested follow-up.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::follow_up::{Completion, FollowUpState, FollowUpStatus};
use super::id::OpaqueId;
use super::person::PersonRef;
use super::update::{Action, UpdateCommand};
use super::warning::Warning;

/// The outcome, done or planned, for one requested follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    Updated,
    AlreadyArchived,
    NotFound,
    NoChange,
}

impl Outcome {
    /// The name used on the wire and as a metric label, such as `ALREADY_ARCHIVED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Updated => "UPDATED",
            Self::AlreadyArchived => "ALREADY_ARCHIVED",
            Self::NotFound => "NOT_FOUND",
            Self::NoChange => "NO_CHANGE",
        }
    }
}

/// A planned change of one follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub before: FollowUpState,
    pub after: FollowUpState,
}

/// The plan for one requested id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPlan {
    pub id: OpaqueId,
    pub outcome: Outcome,
    /// Present exactly when the outcome is [`Outcome::Updated`].
    pub change: Option<Change>,
    /// The version after the request; `None` when the follow-up was not found.
    pub version: Option<i64>,
}

/// The plan for a whole batch, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    pub items: Vec<ItemPlan>,
}

/// Decides the outcome of `action` on one follow-up in state `current`.
///
/// Returns the new state for a real change, `None` for every other outcome.
pub fn plan_item(
    action: &Action,
    actor: &PersonRef,
    current: &FollowUpState,
    now: DateTime<Utc>,
) -> (Outcome, Option<FollowUpState>) {
    if current.archived {
        return (Outcome::AlreadyArchived, None);
    }
    let mut after = current.clone();
    match action {
        Action::MarkAsDone if current.status == FollowUpStatus::Complete => return (Outcome::NoChange, None),
        Action::MarkAsDone => {
            after.status = FollowUpStatus::Complete;
            after.completion = Some(Completion {
                by: actor.clone(),
                at: now,
            });
        }
        Action::Archive => {
            after.archived = true;
            after.archived_at = Some(now);
        }
        Action::Assign(assignee) => {
            if current.assignee.as_ref().map(|a| &a.uuid) == Some(&assignee.uuid) {
                return (Outcome::NoChange, None);
            }
            after.assignee = Some(assignee.clone());
        }
        Action::Unassign if current.assignee.is_none() => return (Outcome::NoChange, None),
        Action::Unassign => after.assignee = None,
    }
    after.version = current.version + 1;
    (Outcome::Updated, Some(after))
}

/// Plans every id of `command` against the current states of the ids that exist.
pub fn plan_batch(
    command: &UpdateCommand,
    current: &HashMap<OpaqueId, FollowUpState>,
    now: DateTime<Utc>,
) -> BatchPlan {
    let items = command
        .follow_up_ids
        .iter()
        .map(|id| match current.get(id) {
            None => ItemPlan {
                id: id.clone(),
                outcome: Outcome::NotFound,
                change: None,
                version: None,
            },
            Some(state) => {
                let (outcome, after) = plan_item(&command.action, &command.action_taken_by, state, now);
                let version = Some(after.as_ref().map_or(state.version, |a| a.version));
                let change = after.map(|after| Change {
                    before: state.clone(),
                    after,
                });
                ItemPlan {
                    id: id.clone(),
                    outcome,
                    change,
                    version,
                }
            }
        })
        .collect();
    BatchPlan { items }
}

impl BatchPlan {
    /// Whether every requested follow-up would be changed.
    pub fn all_updated(&self) -> bool {
        self.items.iter().all(|item| item.outcome == Outcome::Updated)
    }

    /// The planned changes, each with its follow-up id.
    pub fn changes(&self) -> impl Iterator<Item = (&OpaqueId, &Change)> {
        self.items
            .iter()
            .filter_map(|item| item.change.as_ref().map(|c| (&item.id, c)))
    }

    /// Ids with the given outcome, in request order.
    pub fn ids_with(&self, outcome: Outcome) -> Vec<OpaqueId> {
        self.items
            .iter()
            .filter(|i| i.outcome == outcome)
            .map(|i| i.id.clone())
            .collect()
    }

    /// Counts of each outcome other than `Updated`, as `NOT_FOUND=2, NO_CHANGE=1`.
    pub fn describe_skipped(&self) -> String {
        let mut counts: Vec<(Outcome, usize)> = Vec::new();
        for item in self.items.iter().filter(|i| i.outcome != Outcome::Updated) {
            match counts.iter_mut().find(|(o, _)| *o == item.outcome) {
                Some((_, n)) => *n += 1,
                None => counts.push((item.outcome, 1)),
            }
        }
        let parts: Vec<String> = counts
            .iter()
            .map(|(outcome, n)| format!("{}={n}", outcome_name(*outcome)))
            .collect();
        parts.join(", ")
    }

    /// Warnings for ids that were not found, not changed, or repeated in the request.
    pub fn warnings(&self, command: &UpdateCommand, department: &OpaqueId) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let not_found = self.ids_with(Outcome::NotFound);
        if !not_found.is_empty() {
            let description = format!(
                "{} follow-up(s) do not exist in department {department} and were not changed; \
                 check the ids and send each follow-up to its own department",
                not_found.len()
            );
            warnings.push(
                Warning::new("FOLLOW_UP_NOT_FOUND", description).with("followUpUUIDs", join_ids(&not_found)),
            );
        }
        let unchanged = self.ids_with(Outcome::NoChange);
        if !unchanged.is_empty() {
            let description = format!(
                "{} follow-up(s) {}, so nothing was changed and no history was written",
                unchanged.len(),
                no_change_reason(&command.action)
            );
            warnings.push(
                Warning::new("FOLLOW_UP_UNCHANGED", description)
                    .with("followUpUUIDs", join_ids(&unchanged))
                    .with("followUpActionType", command.action.action_type().as_str()),
            );
        }
        if !command.repeated_ids.is_empty() {
            let description = format!(
                "{} follow-up id(s) occur more than once in followUpUUIDs; each was applied once",
                command.repeated_ids.len()
            );
            warnings.push(
                Warning::new("DUPLICATE_FOLLOW_UP_UUID", description)
                    .with("followUpUUIDs", join_ids(&command.repeated_ids)),
            );
        }
        warnings
    }
}

/// Returns the wire spelling of an outcome, such as `ALREADY_ARCHIVED`.
pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Updated => "UPDATED",
        Outcome::AlreadyArchived => "ALREADY_ARCHIVED",
        Outcome::NotFound => "NOT_FOUND",
        Outcome::NoChange => "NO_CHANGE",
    }
}

fn no_change_reason(action: &Action) -> String {
    match action {
        Action::MarkAsDone => "are already COMPLETE".to_owned(),
        Action::Assign(assignee) => format!("are already assigned to {}", assignee.uuid),
        Action::Unassign => "are already unassigned".to_owned(),
        Action::Archive => "are already archived".to_owned(),
    }
}

/// Joins ids with commas, which no valid id contains.
pub fn join_ids(ids: &[OpaqueId]) -> String {
    let parts: Vec<&str> = ids.iter().map(OpaqueId::as_str).collect();
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::PersonName;

    fn person(uuid: &str) -> PersonRef {
        PersonRef {
            uuid: OpaqueId::parse(uuid).unwrap(),
            fname: PersonName::parse("Jane").unwrap(),
            lname: PersonName::parse("Smith").unwrap(),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn archived_follow_up_is_never_changed() {
        let mut state = FollowUpState::new_open();
        state.archived = true;
        for action in [
            Action::MarkAsDone,
            Action::Archive,
            Action::Assign(person("u")),
            Action::Unassign,
        ] {
            assert_eq!(
                plan_item(&action, &person("a"), &state, now()),
                (Outcome::AlreadyArchived, None)
            );
        }
    }

    #[test]
    fn mark_as_done_records_completion_and_bumps_version() {
        let state = FollowUpState::new_open();
        let (outcome, after) = plan_item(&Action::MarkAsDone, &person("actor"), &state, now());
        let after = after.unwrap();
        assert_eq!(outcome, Outcome::Updated);
        assert_eq!(after.status, FollowUpStatus::Complete);
        assert_eq!(after.completion.unwrap().by.uuid.as_str(), "actor");
        assert_eq!(after.version, 2);
    }

    #[test]
    fn no_ops_are_no_change() {
        let mut state = FollowUpState::new_open();
        assert_eq!(
            plan_item(&Action::Unassign, &person("a"), &state, now()).0,
            Outcome::NoChange
        );
        state.assignee = Some(person("u1"));
        assert_eq!(
            plan_item(&Action::Assign(person("u1")), &person("a"), &state, now()).0,
            Outcome::NoChange
        );
        assert_eq!(
            plan_item(&Action::Assign(person("u2")), &person("a"), &state, now()).0,
            Outcome::Updated
        );
        state.status = FollowUpStatus::Complete;
        assert_eq!(
            plan_item(&Action::MarkAsDone, &person("a"), &state, now()).0,
            Outcome::NoChange
        );
    }
}
