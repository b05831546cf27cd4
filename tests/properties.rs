//! Property tests of request decoding, validation and outcome planning.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use followups::domain::plan::{plan_batch, plan_item};
use followups::domain::update::validate_update;
use followups::domain::{
    Action, FollowUpState, FollowUpStatus, OpaqueId, Outcome, PersonName, PersonRef, UpdateCommand,
    UpdateFollowUpsInput,
};
use proptest::prelude::*;
use serde_json::json;

const MAX_IDS: usize = 50;

/// The documented id rule: ^[A-Za-z0-9_-]{1,128}$.
fn is_valid_id(value: &str) -> bool {
    let length = value.chars().count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (1..=128).contains(&length) && allowed
}

/// Strings that are valid ids, slightly too long, or arbitrary text.
fn id_candidate() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_-]{1,128}",
        "[A-Za-z0-9_-]{127,130}",
        "[A-Za-z0-9_ \\-./:é\u{0}]{0,12}",
        any::<String>(),
    ]
}

fn body_with_ids(ids: &[String], action: &str) -> serde_json::Value {
    json!({
        "followUpUUIDs": ids,
        "followUpActionType": action,
        "newAssignee": {"uuid": "assignee-1", "fname": "Jane", "lname": "Smith"},
        "actionTakenBy": {"uuid": "user-1", "fname": "John", "lname": "Doe"}
    })
}

fn decode(value: &serde_json::Value) -> UpdateFollowUpsInput {
    serde_json::from_value(value.clone()).expect("the body has the documented shape")
}

proptest! {
    #[test]
    fn decoding_and_validation_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(input) = serde_json::from_slice::<UpdateFollowUpsInput>(&bytes) {
            let _ = validate_update(input, MAX_IDS);
        }
    }

    #[test]
    fn validation_never_panics_on_any_fields(
        ids in proptest::option::of(proptest::collection::vec(any::<String>(), 0..8)),
        action in proptest::option::of(any::<String>()),
        uuid in proptest::option::of(any::<String>()),
        fname in proptest::option::of(any::<String>()),
    ) {
        let body = json!({
            "followUpUUIDs": ids,
            "followUpActionType": action,
            "newAssignee": {"uuid": uuid, "fname": fname},
            "actionTakenBy": {"uuid": uuid, "lname": fname},
        });
        let _ = validate_update(decode(&body), MAX_IDS);
    }

    #[test]
    fn accepts_exactly_ids_matching_the_rule(id in id_candidate()) {
        let body = body_with_ids(std::slice::from_ref(&id), "MARK_AS_DONE");
        let result = validate_update(decode(&body), MAX_IDS);
        prop_assert_eq!(result.is_ok(), is_valid_id(&id), "id {:?}: {:?}", id, result);
        if let Err(error) = result {
            prop_assert_eq!(error.field, "followUpUUIDs[0]");
        }
    }

    #[test]
    fn keeps_distinct_ids_in_first_order(ids in proptest::collection::vec("[a-d]{1,2}", 1..30)) {
        let command = validate_update(decode(&body_with_ids(&ids, "ARCHIVE")), MAX_IDS).unwrap();
        let mut expected: Vec<&str> = Vec::new();
        for id in &ids {
            if !expected.contains(&id.as_str()) {
                expected.push(id);
            }
        }
        let distinct: Vec<&str> = command.follow_up_ids.iter().map(OpaqueId::as_str).collect();
        prop_assert_eq!(distinct, expected);
        for repeated in &command.repeated_ids {
            let count = ids.iter().filter(|id| id.as_str() == repeated.as_str()).count();
            prop_assert!(count > 1, "{} is listed as repeated", repeated);
        }
    }

    #[test]
    fn rejects_more_ids_than_the_maximum(count in (MAX_IDS + 1)..(MAX_IDS + 20)) {
        let ids: Vec<String> = (0..count).map(|i| format!("id-{i}")).collect();
        let error = validate_update(decode(&body_with_ids(&ids, "ARCHIVE")), MAX_IDS).unwrap_err();
        prop_assert_eq!(error.field, "followUpUUIDs");
    }
}

fn person(uuid: &str) -> PersonRef {
    PersonRef {
        uuid: OpaqueId::parse(uuid).unwrap(),
        fname: PersonName::parse("Pat").unwrap(),
        lname: PersonName::parse("Lee").unwrap(),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()
}

fn state_strategy() -> impl Strategy<Value = FollowUpState> {
    let status = prop_oneof![
        Just(FollowUpStatus::NotStarted),
        Just(FollowUpStatus::Scheduled),
        Just(FollowUpStatus::Complete),
    ];
    let assignee = proptest::option::of(prop_oneof![Just("agent-1"), Just("agent-2")]);
    (status, assignee, any::<bool>(), 1i64..1000).prop_map(|(status, assignee, archived, version)| {
        FollowUpState {
            status,
            assignee: assignee.map(person),
            archived,
            archived_at: archived.then(now),
            completion: None,
            version,
        }
    })
}

fn action_strategy() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::MarkAsDone),
        Just(Action::Archive),
        Just(Action::Unassign),
        prop_oneof![Just("agent-1"), Just("agent-2")].prop_map(|uuid| Action::Assign(person(uuid))),
    ]
}

proptest! {
    #[test]
    fn planning_never_changes_archived(state in state_strategy(), action in action_strategy()) {
        let (outcome, after) = plan_item(&action, &person("actor"), &state, now());
        if state.archived {
            prop_assert_eq!(outcome, Outcome::AlreadyArchived);
            prop_assert!(after.is_none());
        }
    }

    #[test]
    fn version_grows_exactly_on_updated(state in state_strategy(), action in action_strategy()) {
        let (outcome, after) = plan_item(&action, &person("actor"), &state, now());
        prop_assert_eq!(after.is_some(), outcome == Outcome::Updated);
        if let Some(after) = after {
            prop_assert_eq!(after.version, state.version + 1);
        }
    }

    #[test]
    fn second_application_updates_nothing(
        states in proptest::collection::vec(state_strategy(), 1..10),
        action in action_strategy(),
        missing in 0usize..3,
    ) {
        let ids: Vec<OpaqueId> = (0..states.len() + missing)
            .map(|i| OpaqueId::parse(&format!("f-{i}")).unwrap())
            .collect();
        let mut current: HashMap<OpaqueId, FollowUpState> =
            ids.iter().cloned().zip(states.iter().cloned()).collect();
        let command = UpdateCommand {
            follow_up_ids: ids.clone(),
            repeated_ids: Vec::new(),
            action,
            action_taken_by: person("actor"),
        };

        let first = plan_batch(&command, &current, now());
        for (id, change) in first.changes() {
            current.insert(id.clone(), change.after.clone());
        }
        let second = plan_batch(&command, &current, now());

        prop_assert_eq!(second.items.len(), ids.len());
        for item in &second.items {
            prop_assert_ne!(item.outcome, Outcome::Updated, "{} changed twice", item.id);
        }
        for (first_item, second_item) in first.items.iter().zip(&second.items) {
            prop_assert_eq!(first_item.version, second_item.version);
        }
    }
}
