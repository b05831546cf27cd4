//! A real server on an ephemeral loopback port, backed by a fresh database per test.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use followups::auth::password::hash_password;
use followups::auth::{AuthenticatorOptions, ThrottleOptions};
use followups::domain::{FollowUpState, FollowUpStatus, ManualClock, OpaqueId};
use followups::http::Limits;
use followups::server::{self, ConnectionOptions};
use followups::storage::{
    self, FollowUp, GrantScope, HistoryEvent, NewDealer, NewDepartment, NewFollowUp, NewUser, Store,
    StoreOptions,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::database::TestDatabase;

pub const USERNAME: &str = "integrator";
pub const PASSWORD: &str = "integrator-password";
/// A subscriber granted on department `A2` only.
pub const NARROW_USERNAME: &str = "narrow";
pub const NARROW_PASSWORD: &str = "narrow-password";
/// A subscriber granted on dealer `B` only.
pub const OTHER_USERNAME: &str = "other-dealer";
pub const OTHER_PASSWORD: &str = "other-dealer-password";

/// Ids of the fixture: dealer A with departments A1 and A2, dealer B with department B1.
pub struct Fixture {
    pub dealer_a: &'static str,
    pub dept_a1: &'static str,
    pub dept_a2: &'static str,
    pub dealer_b: &'static str,
    pub dept_b1: &'static str,
    /// Users of dealer A; the sample bodies use `user-uuid` and `new-assignee-uuid`.
    pub user: &'static str,
    pub assignee: &'static str,
    pub user_b: &'static str,
}

pub const FIXTURE: Fixture = Fixture {
    dealer_a: "dealer-a",
    dept_a1: "department-a1",
    dept_a2: "department-a2",
    dealer_b: "dealer-b",
    dept_b1: "department-b1",
    user: "user-uuid",
    assignee: "new-assignee-uuid",
    user_b: "user-b",
};

/// Settings a test may change.
///
/// The rate limit is off and the failed-login budget is large by default, so that tests
/// of other behaviour can send many requests and wrong passwords from 127.0.0.1.
#[derive(Clone)]
pub struct TestConfig {
    pub max_ids_per_request: usize,
    pub auth_refresh: Duration,
    pub request_timeout: Duration,
    pub header_read_timeout: Duration,
    pub max_concurrent_requests: usize,
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
    pub max_concurrent_verifications: usize,
    pub throttle: ThrottleOptions,
}

impl Default for TestConfig {
    fn default() -> Self {
        Self {
            max_ids_per_request: 1000,
            auth_refresh: Duration::from_millis(50),
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            max_concurrent_requests: 512,
            rate_limit_per_second: 0,
            rate_limit_burst: 1,
            max_concurrent_verifications: 4,
            throttle: ThrottleOptions {
                burst: 1000,
                ..ThrottleOptions::default()
            },
        }
    }
}

pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub database_url: String,
    pub auth: Arc<followups::auth::Authenticator>,
    /// Dropped last, after the fields that use it.
    pub database: TestDatabase,
    /// The server's clock; it shows the real time at start and moves only when set.
    pub clock: Arc<ManualClock>,
}

pub fn id(value: &str) -> OpaqueId {
    OpaqueId::parse(value).unwrap()
}

/// Builds an update body with the documented shape.
pub fn body(ids: &[&str], action: &str) -> Value {
    json!({
        "followUpUUIDs": ids,
        "followUpActionType": action,
        "actionTakenBy": {"uuid": FIXTURE.user, "fname": "John", "lname": "Doe"}
    })
}

pub fn assign_body(ids: &[&str], assignee: &str) -> Value {
    let mut value = body(ids, "ASSIGN");
    value["newAssignee"] = json!({"uuid": assignee, "fname": "Jane", "lname": "Smith"});
    value
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(TestConfig::default()).await
    }

    pub async fn spawn_with(config: TestConfig) -> Self {
        let database = TestDatabase::create().await;
        let database_url = database.url.clone();
        let store = storage::open(&database_url, &StoreOptions::default())
            .await
            .unwrap();
        seed_fixture(store.as_ref()).await;
        let auth_options = AuthenticatorOptions {
            refresh_interval: config.auth_refresh,
            max_concurrent_verifications: config.max_concurrent_verifications,
            throttle: config.throttle.clone(),
            ..Default::default()
        };
        let limits = Limits {
            max_ids_per_request: config.max_ids_per_request,
            request_timeout: config.request_timeout,
            max_concurrent_requests: config.max_concurrent_requests,
            rate_limit_per_second: config.rate_limit_per_second,
            rate_limit_burst: config.rate_limit_burst,
        };
        let mut state = server::build_state(store.clone(), &auth_options, limits)
            .await
            .unwrap();
        let clock = Arc::new(ManualClock::new(Utc::now()));
        state.clock = clock.clone();
        let auth = state.auth.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let options = ConnectionOptions {
            drain_timeout: Duration::from_secs(5),
            header_read_timeout: config.header_read_timeout,
        };
        tokio::spawn(server::run(listener, state, std::future::pending(), options));
        Self {
            base_url,
            client: reqwest::Client::new(),
            store,
            database_url,
            auth,
            database,
            clock,
        }
    }

    pub fn update_url(&self, department: &str, user: &str) -> String {
        format!(
            "{}/leads/followup/department/{department}/user/{user}/list",
            self.base_url
        )
    }

    /// Sends a bulk update as the default subscriber and returns status and JSON body.
    pub async fn update(&self, department: &str, body: &Value) -> (StatusCode, Value) {
        self.update_as(USERNAME, PASSWORD, department, "", body).await
    }

    /// Sends a bulk update with `query` (such as `?allOrNone=true`) appended to the URL.
    pub async fn update_as(
        &self,
        username: &str,
        password: &str,
        department: &str,
        query: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let url = format!("{}{query}", self.update_url(department, FIXTURE.user));
        let response = self
            .client
            .put(url)
            .basic_auth(username, Some(password))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    pub async fn follow_up(&self, department: &str, follow_up: &str) -> FollowUp {
        self.store
            .find_follow_up(&id(department), &id(follow_up))
            .await
            .unwrap()
            .unwrap()
    }

    pub async fn history(&self, department: &str, follow_up: &str) -> Vec<HistoryEvent> {
        self.store
            .follow_up_history(&id(department), &id(follow_up))
            .await
            .unwrap()
    }

    /// Inserts open, unassigned follow-ups with the given ids into a department.
    pub async fn add_follow_ups(&self, department: &str, ids: &[&str]) {
        self.add_follow_ups_in_state(department, ids, FollowUpState::new_open())
            .await;
    }

    pub async fn add_follow_ups_in_state(&self, department: &str, ids: &[&str], state: FollowUpState) {
        let follow_ups = ids
            .iter()
            .map(|uuid| NewFollowUp {
                uuid: id(uuid),
                customer_uuid: Some("customer-1".into()),
                task_type_uuid: None,
                title: "Call about declined brake work".into(),
                notes: String::new(),
                due_date: Utc::now().date_naive(),
                state: state.clone(),
            })
            .collect();
        self.store
            .insert_follow_ups(&id(department), follow_ups)
            .await
            .unwrap();
    }

    /// Asserts that each follow-up's state is the one its last history event left, and
    /// returns the number of history events of all of them.
    pub async fn assert_states_match_history(&self, department: &str, ids: &[String]) -> usize {
        let mut events = 0;
        for id in ids {
            let state = self.follow_up(department, id).await.state;
            let history = self.history(department, id).await;
            events += history.len();
            let Some(last) = history.last() else {
                assert_eq!(state.version, 1, "{id} has no history but a new version");
                continue;
            };
            assert_eq!(state.version, last.version_after, "{id}");
            assert_eq!(state.status, last.status_after, "{id}");
            assert_eq!(state.assignee, last.assignee_after, "{id}");
            assert_eq!(state.archived, last.archived_after, "{id}");
        }
        events
    }

    /// Inserts follow-ups into a department.
    pub async fn insert(&self, department: &str, follow_ups: Vec<NewFollowUp>) {
        self.store
            .insert_follow_ups(&id(department), follow_ups)
            .await
            .unwrap();
    }

    /// Sends `method` to `path` (starting with `/leads`) as a subscriber, with an optional JSON body.
    pub async fn send_as(
        &self,
        username: &str,
        password: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .basic_auth(username, Some(password));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// Fetches follow-ups of a dealer as the default subscriber.
    pub async fn fetch(&self, dealer: &str, body: &Value) -> (StatusCode, Value) {
        self.fetch_as(USERNAME, PASSWORD, dealer, body).await
    }

    pub async fn fetch_as(
        &self,
        username: &str,
        password: &str,
        dealer: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let path = format!("/leads/followup/dealer/{dealer}/list");
        self.send_as(username, password, reqwest::Method::POST, &path, Some(body))
            .await
    }

    /// Captures follow-ups and their history, to show that a request changed nothing.
    pub async fn snapshot(&self, department: &str, ids: &[&str]) -> Vec<(FollowUp, usize)> {
        let mut snapshot = Vec::new();
        for follow_up in ids {
            let state = self.follow_up(department, follow_up).await;
            let events = self.history(department, follow_up).await.len();
            snapshot.push((state, events));
        }
        snapshot
    }
}

/// Returns the `uuid`s of a fetch answer's `followUpsList`, in order.
pub fn fetched_uuids(body: &Value) -> Vec<String> {
    body["followUpsList"]
        .as_array()
        .unwrap_or_else(|| panic!("followUpsList is an array: {body}"))
        .iter()
        .map(|f| f["uuid"].as_str().unwrap().to_owned())
        .collect()
}

/// An open, unassigned follow-up due on `due_date` (yyyy-MM-dd).
pub fn new_follow_up(uuid: &str, due_date: &str) -> NewFollowUp {
    NewFollowUp {
        uuid: id(uuid),
        customer_uuid: Some("customer-1".into()),
        task_type_uuid: None,
        title: format!("Follow-up {uuid}"),
        notes: String::new(),
        due_date: due_date.parse().unwrap(),
        state: FollowUpState::new_open(),
    }
}

pub fn archived_state() -> FollowUpState {
    FollowUpState {
        archived: true,
        archived_at: Some(Utc::now()),
        ..FollowUpState::new_open()
    }
}

pub fn complete_state() -> FollowUpState {
    FollowUpState {
        status: FollowUpStatus::Complete,
        ..FollowUpState::new_open()
    }
}

async fn seed_fixture(store: &dyn Store) {
    let f = &FIXTURE;
    for (dealer, zone) in [
        (f.dealer_a, "America/Los_Angeles"),
        (f.dealer_b, "America/Toronto"),
    ] {
        let dealer = NewDealer {
            uuid: id(dealer),
            name: format!("Dealer {dealer}"),
            time_zone: zone.into(),
        };
        store.create_dealer(dealer).await.unwrap();
    }
    for (department, dealer) in [
        (f.dept_a1, f.dealer_a),
        (f.dept_a2, f.dealer_a),
        (f.dept_b1, f.dealer_b),
    ] {
        let new = NewDepartment {
            uuid: id(department),
            dealer_uuid: id(dealer),
            name: department.into(),
        };
        store.create_department(new).await.unwrap();
    }
    for (user, department) in [
        (f.user, f.dept_a1),
        (f.assignee, f.dept_a1),
        (f.user_b, f.dept_b1),
    ] {
        let new = NewUser {
            uuid: id(user),
            department_uuid: id(department),
            fname: "Pat".into(),
            lname: "Lee".into(),
        };
        store.create_user(new).await.unwrap();
    }
    let subscribers = [
        (USERNAME, PASSWORD, GrantScope::Dealer(id(f.dealer_a))),
        (
            NARROW_USERNAME,
            NARROW_PASSWORD,
            GrantScope::Department(id(f.dept_a2)),
        ),
        (OTHER_USERNAME, OTHER_PASSWORD, GrantScope::Dealer(id(f.dealer_b))),
    ];
    for (username, password, scope) in subscribers {
        let hash = hash_password(password);
        store.create_subscriber(username, &hash).await.unwrap();
        store.set_grant(username, &scope, true).await.unwrap();
    }
}

/// Asserts the error envelope: status code mirrored, error object, `updateSuccessful: false`.
pub fn assert_error_envelope(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "unexpected status; body: {body}");
    assert_eq!(
        body["statusCode"],
        expected.as_u16(),
        "statusCode mirrors the HTTP status: {body}"
    );
    assert_eq!(body["error"]["code"], code, "error code: {body}");
    let description = body["error"]["description"].as_str().unwrap_or_default();
    assert!(description.len() > 20, "description explains the problem: {body}");
    assert!(
        body["error"]["metadata"].is_object(),
        "metadata is an object: {body}"
    );
}
