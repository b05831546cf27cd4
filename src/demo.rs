//! Demo data: two dealers with two departments each, staff, task types with message
//! templates, follow-ups in mixed states, and a service subscriber granted on the first
//! dealer only.
//!
//! Every id is derived from a fixed label, so the demo data is the same on every machine
//! and seeding an already seeded database changes nothing.

mod templates;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::password::hash_password;
use crate::domain::{Completion, FollowUpState, FollowUpStatus, OpaqueId, PersonName, PersonRef};
use crate::storage::{
    GrantScope, NewDealer, NewDepartment, NewFollowUp, NewTaskType, NewUser, Store, StoreError,
};

/// Username of the demo service subscriber.
pub const DEMO_USERNAME: &str = "demo";
/// Password of the demo service subscriber. Only for local trials.
pub const DEMO_PASSWORD: &str = "demo-password";
/// Follow-ups per department.
pub const FOLLOW_UPS_PER_DEPARTMENT: usize = 60;
/// The first follow-ups of each department start open and unassigned, for the samples.
pub const OPEN_FOLLOW_UPS: usize = 10;

/// The demo data set, in the shape `followups demo --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct DemoData {
    pub username: String,
    pub password: String,
    pub dealers: Vec<DemoDealer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoDealer {
    pub uuid: String,
    pub name: String,
    #[serde(skip)]
    pub time_zone: &'static str,
    #[serde(rename = "taskTypeUuids")]
    pub task_type_uuids: Vec<String>,
    pub departments: Vec<DemoDepartment>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoDepartment {
    pub uuid: String,
    pub name: String,
    pub users: Vec<DemoUser>,
    pub follow_up_uuids: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub uuid: String,
    pub fname: String,
    pub lname: String,
}

const DEALERS: [(&str, &str, [&str; 2]); 2] = [
    ("Sunrise Motors", "America/Los_Angeles", ["Service", "Sales"]),
    ("Northside Auto Group", "America/Toronto", ["Service", "Parts"]),
];

const STAFF: [(&str, &str); 6] = [
    ("John", "Doe"),
    ("Jane", "Smith"),
    ("Maria", "Garcia"),
    ("Wei", "Chen"),
    ("Aisha", "Khan"),
    ("Luc", "Tremblay"),
];

/// Task types of every demo dealer, as (name, description).
const TASK_TYPES: [(&str, &str); 3] = [
    ("Declined service", "The customer declined recommended work"),
    ("No show", "The customer missed an appointment"),
    ("Satisfaction check", "Ask how the last visit went"),
];

const TITLES: [&str; 5] = [
    "Call about declined brake work",
    "Follow up on tire quote",
    "Remind about 30,000 mile service",
    "Reschedule missed appointment",
    "Check satisfaction after repair",
];

/// Derives a stable 64-hex id from a label.
fn demo_id(label: &str) -> String {
    hex::encode(Sha256::digest(format!("followups-demo/{label}").as_bytes()))
}

/// Describes the demo data set without touching a database.
pub fn demo_data() -> DemoData {
    let dealers = DEALERS
        .iter()
        .enumerate()
        .map(|(d, (name, time_zone, departments))| DemoDealer {
            uuid: demo_id(&format!("dealer/{d}")),
            name: name.to_string(),
            time_zone,
            task_type_uuids: (0..TASK_TYPES.len())
                .map(|t| demo_id(&format!("dealer/{d}/task-type/{t}")))
                .collect(),
            departments: departments
                .iter()
                .enumerate()
                .map(|(p, department)| demo_department(d, p, department))
                .collect(),
        })
        .collect();
    DemoData {
        username: DEMO_USERNAME.into(),
        password: DEMO_PASSWORD.into(),
        dealers,
    }
}

fn demo_department(dealer: usize, index: usize, name: &str) -> DemoDepartment {
    let label = format!("dealer/{dealer}/department/{index}");
    let users = (0..3)
        .map(|u| {
            let (fname, lname) = STAFF[(dealer * 2 + index + u) % STAFF.len()];
            DemoUser {
                uuid: demo_id(&format!("{label}/user/{u}")),
                fname: fname.into(),
                lname: lname.into(),
            }
        })
        .collect();
    let follow_up_uuids = (0..FOLLOW_UPS_PER_DEPARTMENT)
        .map(|f| demo_id(&format!("{label}/follow-up/{f}")))
        .collect();
    DemoDepartment {
        uuid: demo_id(&label),
        name: name.into(),
        users,
        follow_up_uuids,
    }
}

/// Writes the demo data set unless its first dealer already exists.
pub async fn seed(store: &dyn Store) -> Result<DemoData, StoreError> {
    let data = demo_data();
    let first_dealer = OpaqueId::from_trusted(data.dealers[0].uuid.clone());
    if store.dealer_exists(&first_dealer).await? {
        return Ok(data);
    }
    let now = Utc::now();
    for dealer in &data.dealers {
        seed_dealer(store, dealer, now).await?;
    }
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .expect("hashing does not panic");
    store.create_subscriber(DEMO_USERNAME, &hash).await?;
    store
        .set_grant(DEMO_USERNAME, &GrantScope::Dealer(first_dealer), true)
        .await?;
    Ok(data)
}

async fn seed_dealer(store: &dyn Store, dealer: &DemoDealer, now: DateTime<Utc>) -> Result<(), StoreError> {
    let dealer_uuid = OpaqueId::from_trusted(dealer.uuid.clone());
    store
        .create_dealer(NewDealer {
            uuid: dealer_uuid.clone(),
            name: dealer.name.clone(),
            time_zone: dealer.time_zone.into(),
        })
        .await?;
    for (uuid, (name, description)) in dealer.task_type_uuids.iter().zip(TASK_TYPES) {
        store
            .create_task_type(NewTaskType {
                uuid: OpaqueId::from_trusted(uuid.clone()),
                dealer_uuid: dealer_uuid.clone(),
                name: name.into(),
                description: description.into(),
            })
            .await?;
    }
    templates::seed_templates(store, &dealer_uuid, &dealer.task_type_uuids).await?;
    for department in &dealer.departments {
        let department_uuid = OpaqueId::from_trusted(department.uuid.clone());
        store
            .create_department(NewDepartment {
                uuid: department_uuid.clone(),
                dealer_uuid: dealer_uuid.clone(),
                name: department.name.clone(),
            })
            .await?;
        for user in &department.users {
            store
                .create_user(NewUser {
                    uuid: OpaqueId::from_trusted(user.uuid.clone()),
                    department_uuid: department_uuid.clone(),
                    fname: user.fname.clone(),
                    lname: user.lname.clone(),
                })
                .await?;
        }
        let follow_ups = demo_follow_ups(department, &dealer.task_type_uuids, now);
        store.insert_follow_ups(&department_uuid, follow_ups).await?;
    }
    Ok(())
}

/// Builds a department's follow-ups, spread over the dealer's task types.
fn demo_follow_ups(
    department: &DemoDepartment,
    task_types: &[String],
    now: DateTime<Utc>,
) -> Vec<NewFollowUp> {
    let today = now.date_naive();
    department
        .follow_up_uuids
        .iter()
        .enumerate()
        .map(|(i, uuid)| NewFollowUp {
            uuid: OpaqueId::from_trusted(uuid.clone()),
            customer_uuid: Some(demo_id(&format!("customer/{}", i % 25))),
            task_type_uuid: Some(OpaqueId::from_trusted(task_types[i % task_types.len()].clone())),
            title: TITLES[i % TITLES.len()].into(),
            notes: String::new(),
            due_date: due_date(today, i),
            state: demo_state(department, i, now),
        })
        .collect()
}

fn due_date(today: NaiveDate, index: usize) -> NaiveDate {
    today + Duration::days(index as i64 % 21 - 7)
}

/// Mixes states: after the open ones, some scheduled, assigned, complete and archived.
fn demo_state(department: &DemoDepartment, index: usize, now: DateTime<Utc>) -> FollowUpState {
    let mut state = FollowUpState::new_open();
    if index < OPEN_FOLLOW_UPS {
        return state;
    }
    let staff = |u: usize| {
        let user = &department.users[u % department.users.len()];
        PersonRef {
            uuid: OpaqueId::from_trusted(user.uuid.clone()),
            fname: PersonName::from_trusted(user.fname.clone()),
            lname: PersonName::from_trusted(user.lname.clone()),
        }
    };
    if index % 3 == 0 {
        state.assignee = Some(staff(index));
    }
    if index % 7 == 2 {
        state.status = FollowUpStatus::Scheduled;
    }
    if index % 4 == 1 {
        state.status = FollowUpStatus::Complete;
        state.completion = Some(Completion {
            by: staff(index + 1),
            at: now - Duration::days(1),
        });
    }
    if index % 5 == 0 {
        state.archived = true;
        state.archived_at = Some(now - Duration::hours(2));
    }
    state
}
