//! Tenant isolation: each dealer's subscriber sends every endpoint every id of the other
//! dealer, and neither reads nor changes anything of it.

use chrono::NaiveDate;
use followups::domain::template::TemplateType;
use followups::domain::FollowUpState;
use followups::storage::{NewDepartment, NewFollowUp, NewTaskType};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;
use crate::snapshot::DealerSnapshot;

/// The ids and credentials of one dealer of the matrix.
struct Tenant {
    /// The letter in the dealer's free text, such as the titles `Tenant A follow-up 1`.
    letter: &'static str,
    username: &'static str,
    password: &'static str,
    dealer: &'static str,
    departments: [&'static str; 2],
    /// A user of the dealer, in its first department.
    user: &'static str,
    /// Follow-ups 1 and 2 are in the first department, follow-up 3 in the second.
    follow_ups: [&'static str; 3],
    customer: &'static str,
    task_type: &'static str,
    email_template: &'static str,
    text_template: &'static str,
}

/// Dealer A of the fixture, with departments A1 and A2, as the subscriber granted on it.
const TENANT_A: Tenant = Tenant {
    letter: "A",
    username: USERNAME,
    password: PASSWORD,
    dealer: FIXTURE.dealer_a,
    departments: [FIXTURE.dept_a1, FIXTURE.dept_a2],
    user: FIXTURE.user,
    follow_ups: [
        "tenant-a-follow-up-1",
        "tenant-a-follow-up-2",
        "tenant-a-follow-up-3",
    ],
    customer: "tenant-a-customer",
    task_type: "tenant-a-task-type",
    email_template: "tenant-a-email-template",
    text_template: "tenant-a-text-template",
};

/// Dealer B of the fixture, with department B1 and the department B2 that the test adds.
const TENANT_B: Tenant = Tenant {
    letter: "B",
    username: OTHER_USERNAME,
    password: OTHER_PASSWORD,
    dealer: FIXTURE.dealer_b,
    departments: [FIXTURE.dept_b1, "department-b2"],
    user: FIXTURE.user_b,
    follow_ups: [
        "tenant-b-follow-up-1",
        "tenant-b-follow-up-2",
        "tenant-b-follow-up-3",
    ],
    customer: "tenant-b-customer",
    task_type: "tenant-b-task-type",
    email_template: "tenant-b-email-template",
    text_template: "tenant-b-text-template",
};

/// What a case must get back.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// An error envelope with this status and code.
    Error(StatusCode, &'static str),
    /// A committed bulk update in which every requested id is `NOT_FOUND`.
    AllNotFound,
    /// A `409 BATCH_REJECTED` in which every requested id is `NOT_FOUND`.
    RejectedAsNotFound,
    /// A fetch that returns exactly the attacker's follow-ups.
    OwnFollowUps,
    /// A fetch that returns no follow-up.
    NoFollowUps,
    /// A task type list with exactly the attacker's task types.
    OwnTaskTypes,
    /// An EMAIL template list with exactly the attacker's EMAIL templates.
    OwnEmailTemplates,
    /// A new follow-up in the attacker's own department under the victim's follow-up id:
    /// ids are unique per dealer, not across dealers.
    CreatedFollowUp(&'static str),
    /// A new task type of the attacker's own dealer under the victim's task type id.
    CreatedTaskType(&'static str),
    /// A new template of the attacker's own dealer under the victim's template id.
    CreatedTemplate(&'static str),
}

struct Case {
    name: String,
    attacker: &'static Tenant,
    victim: &'static Tenant,
    method: Method,
    path: String,
    body: Option<Value>,
    expect: Expect,
}

fn update_path(department: &str, user: &str) -> String {
    format!("/leads/followup/department/{department}/user/{user}/list")
}

fn update_body(attacker: &Tenant, ids: &[&str], action: &str) -> Value {
    let mut body = json!({
        "followUpUUIDs": ids,
        "followUpActionType": action,
        "actionTakenBy": {"uuid": attacker.user, "fname": "Probe", "lname": attacker.letter}
    });
    if action == "ASSIGN" {
        body["newAssignee"] = json!({"uuid": attacker.user, "fname": "Probe", "lname": "Assignee"});
    }
    body
}

fn create_body(attacker: &Tenant, uuid: Option<&str>, task_type: Option<&str>) -> Value {
    let mut item = json!({
        "customerUUID": attacker.customer,
        "title": format!("Tenant {} probe follow-up", attacker.letter),
        "dueDate": "2030-01-15"
    });
    if let Some(uuid) = uuid {
        item["uuid"] = json!(uuid);
    }
    if let Some(task_type) = task_type {
        item["taskTypeUUID"] = json!(task_type);
    }
    json!({"followUps": [item]})
}

fn template_body(attacker: &Tenant, uuid: Option<&str>, dealer: &str, task_type: &str) -> Value {
    let mut body = json!({
        "dealerUUID": dealer,
        "taskTypeUUID": task_type,
        "type": "EMAIL",
        "isDefault": false,
        "multi": false,
        "title": format!("Tenant {} probe template", attacker.letter),
        "message": format!("Tenant {} probe message", attacker.letter),
        "locale": "en-us",
        "isFreemarkerTemplate": false
    });
    if let Some(uuid) = uuid {
        body["uuid"] = json!(uuid);
    }
    body
}

/// Builds every case of one subscriber against the other dealer.
///
/// The cases that create records in the attacker's own dealer under the victim's ids come
/// last: once the attacker has a task type with the victim's id, a create naming that id
/// is no longer a foreign reference.
fn cases(a: &'static Tenant, v: &'static Tenant) -> Vec<Case> {
    let forbidden = Expect::Error(StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    let invalid = Expect::Error(StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    let all_foreign = v.follow_ups.to_vec();
    let mut cases = Vec::new();
    let mut add = |name: &str, method: Method, path: String, body: Option<Value>, expect: Expect| {
        cases.push(Case {
            name: format!("{} against {}: {name}", a.letter, v.letter),
            attacker: a,
            victim: v,
            method,
            path,
            body,
            expect,
        });
    };

    // Bulk update.
    for (index, department) in v.departments.iter().enumerate() {
        add(
            &format!("update in foreign department {}", index + 1),
            Method::PUT,
            update_path(department, a.user),
            Some(update_body(a, &all_foreign, "ARCHIVE")),
            forbidden,
        );
    }
    add(
        "update in foreign department as foreign user",
        Method::PUT,
        update_path(v.departments[0], v.user),
        Some(update_body(a, &all_foreign, "MARK_AS_DONE")),
        forbidden,
    );
    for action in ["MARK_AS_DONE", "ARCHIVE", "ASSIGN", "UNASSIGN"] {
        add(
            &format!("{action} of foreign follow-ups in own department 1"),
            Method::PUT,
            update_path(a.departments[0], a.user),
            Some(update_body(a, &all_foreign, action)),
            Expect::AllNotFound,
        );
    }
    add(
        "MARK_AS_DONE of foreign follow-ups in own department 2",
        Method::PUT,
        update_path(a.departments[1], a.user),
        Some(update_body(a, &all_foreign, "MARK_AS_DONE")),
        Expect::AllNotFound,
    );
    add(
        "all-or-none ARCHIVE of foreign follow-ups",
        Method::PUT,
        format!("{}?allOrNone=true", update_path(a.departments[0], a.user)),
        Some(update_body(a, &all_foreign, "ARCHIVE")),
        Expect::RejectedAsNotFound,
    );
    add(
        "update of own follow-ups as foreign user",
        Method::PUT,
        update_path(a.departments[0], v.user),
        Some(update_body(a, &a.follow_ups[..2], "MARK_AS_DONE")),
        Expect::Error(StatusCode::NOT_FOUND, "USER_NOT_FOUND"),
    );

    // Fetch.
    let fetch_own = format!("/leads/followup/dealer/{}/list", a.dealer);
    let fetch_foreign = format!("/leads/followup/dealer/{}/list", v.dealer);
    add(
        "fetch of foreign dealer",
        Method::POST,
        fetch_foreign.clone(),
        Some(json!({"filterData": {"includeArchived": true}})),
        forbidden,
    );
    add(
        "fetch of foreign dealer's department 1",
        Method::POST,
        fetch_foreign,
        Some(json!({"dealerDepartmentUUID": v.departments[0]})),
        forbidden,
    );
    for (index, department) in v.departments.iter().enumerate() {
        add(
            &format!("fetch of foreign department {} through own dealer", index + 1),
            Method::POST,
            fetch_own.clone(),
            Some(json!({"dealerDepartmentUUID": department})),
            invalid,
        );
    }
    let filters = [
        ("task type", json!({"taskTypeUUIDs": [v.task_type]})),
        ("customer", json!({"customerUUIDs": [v.customer]})),
        ("assignee", json!({"assigneeUUIDs": [v.user]})),
    ];
    for (label, mut filter) in filters {
        filter["includeArchived"] = json!(true);
        add(
            &format!("fetch of own dealer filtered by foreign {label}"),
            Method::POST,
            fetch_own.clone(),
            Some(json!({"filterData": filter})),
            Expect::NoFollowUps,
        );
    }
    add(
        "fetch of own dealer with archived follow-ups",
        Method::POST,
        fetch_own,
        Some(json!({"filterData": {"includeArchived": true}})),
        Expect::OwnFollowUps,
    );

    // History.
    let history = |department: &str, follow_up: &str| {
        format!("/leads/followup/department/{department}/followup/{follow_up}/history")
    };
    add(
        "history in foreign department 1",
        Method::GET,
        history(v.departments[0], v.follow_ups[0]),
        None,
        forbidden,
    );
    add(
        "history in foreign department 2",
        Method::GET,
        history(v.departments[1], v.follow_ups[2]),
        None,
        forbidden,
    );
    add(
        "history of own follow-up through foreign department",
        Method::GET,
        history(v.departments[0], a.follow_ups[0]),
        None,
        forbidden,
    );
    let not_found = Expect::Error(StatusCode::NOT_FOUND, "FOLLOW_UP_NOT_FOUND");
    add(
        "history of foreign follow-up in own department 1",
        Method::GET,
        history(a.departments[0], v.follow_ups[0]),
        None,
        not_found,
    );
    add(
        "history of foreign follow-up in own department 2",
        Method::GET,
        history(a.departments[1], v.follow_ups[2]),
        None,
        not_found,
    );

    // Create.
    let create =
        |department: &str, user: &str| format!("/leads/followup/department/{department}/user/{user}");
    add(
        "create in foreign department 1",
        Method::POST,
        create(v.departments[0], a.user),
        Some(create_body(a, None, None)),
        forbidden,
    );
    add(
        "create in foreign department 2 as foreign user",
        Method::POST,
        create(v.departments[1], v.user),
        Some(create_body(a, None, None)),
        forbidden,
    );
    add(
        "create as foreign user",
        Method::POST,
        create(a.departments[0], v.user),
        Some(create_body(a, None, None)),
        Expect::Error(StatusCode::NOT_FOUND, "USER_NOT_FOUND"),
    );
    add(
        "create with foreign task type",
        Method::POST,
        create(a.departments[0], a.user),
        Some(create_body(a, None, Some(v.task_type))),
        invalid,
    );

    // Task types.
    let task_types_own = format!("/leads/followup/dealer/{}/tasktype", a.dealer);
    let task_types_foreign = format!("/leads/followup/dealer/{}/tasktype", v.dealer);
    let task_type_body = |uuid: Option<&str>| {
        let mut body = json!({"name": format!("Tenant {} probe task type", a.letter)});
        if let Some(uuid) = uuid {
            body["uuid"] = json!(uuid);
        }
        body
    };
    add(
        "create task type for foreign dealer",
        Method::POST,
        task_types_foreign.clone(),
        Some(task_type_body(None)),
        forbidden,
    );
    add(
        "list of foreign task types",
        Method::GET,
        format!("{task_types_foreign}/list"),
        None,
        forbidden,
    );
    add(
        "list of own task types",
        Method::GET,
        format!("{task_types_own}/list"),
        None,
        Expect::OwnTaskTypes,
    );

    // Templates.
    let template_own = format!("/leads/followup/dealer/{}/template", a.dealer);
    let template_foreign = format!("/leads/followup/dealer/{}/template", v.dealer);
    add(
        "create template for foreign dealer",
        Method::POST,
        template_foreign.clone(),
        Some(template_body(a, None, v.dealer, v.task_type)),
        forbidden,
    );
    add(
        "create template for foreign dealer naming own dealer in body",
        Method::POST,
        template_foreign,
        Some(template_body(a, None, a.dealer, a.task_type)),
        forbidden,
    );
    add(
        "create template naming foreign dealer in body",
        Method::POST,
        template_own.clone(),
        Some(template_body(a, None, v.dealer, a.task_type)),
        invalid,
    );
    add(
        "create template for foreign task type",
        Method::POST,
        template_own.clone(),
        Some(template_body(a, None, a.dealer, v.task_type)),
        invalid,
    );
    for template_type in ["EMAIL", "TEXT"] {
        add(
            &format!("list of foreign {template_type} templates"),
            Method::GET,
            format!(
                "/leads/followup/dealer/{}/templatetype/{template_type}/list",
                v.dealer
            ),
            None,
            forbidden,
        );
    }
    add(
        "list of own EMAIL templates",
        Method::GET,
        format!("/leads/followup/dealer/{}/templatetype/EMAIL/list", a.dealer),
        None,
        Expect::OwnEmailTemplates,
    );

    // Creations in the attacker's own dealer under the victim's ids.
    add(
        "create with foreign follow-up id",
        Method::POST,
        create(a.departments[0], a.user),
        Some(create_body(a, Some(v.follow_ups[0]), None)),
        Expect::CreatedFollowUp(v.follow_ups[0]),
    );
    add(
        "create task type with foreign id",
        Method::POST,
        task_types_own,
        Some(task_type_body(Some(v.task_type))),
        Expect::CreatedTaskType(v.task_type),
    );
    add(
        "create template with foreign id",
        Method::POST,
        template_own,
        Some(template_body(a, Some(v.email_template), a.dealer, a.task_type)),
        Expect::CreatedTemplate(v.email_template),
    );
    cases
}

/// Gives a tenant its task type, three follow-ups with history (one archived), and one
/// template of each type, all through the tenant's own subscriber where the API allows.
async fn seed_tenant(app: &TestApp, tenant: &Tenant) {
    let task_type = NewTaskType {
        uuid: id(tenant.task_type),
        dealer_uuid: id(tenant.dealer),
        name: format!("Tenant {} declined service", tenant.letter),
        description: format!("Tenant {} task type description", tenant.letter),
    };
    app.store.create_task_type(task_type).await.unwrap();

    let due_date = NaiveDate::from_ymd_opt(2030, 1, 10).unwrap();
    for (index, uuid) in tenant.follow_ups.iter().enumerate() {
        let follow_up = NewFollowUp {
            uuid: id(uuid),
            customer_uuid: Some(tenant.customer.into()),
            task_type_uuid: Some(id(tenant.task_type)),
            title: format!("Tenant {} follow-up {}", tenant.letter, index + 1),
            notes: format!("Tenant {} notes {}", tenant.letter, index + 1),
            due_date,
            state: FollowUpState::new_open(),
        };
        let department = tenant.departments[index / 2];
        app.insert(department, vec![follow_up]).await;
    }

    let updates = [
        (tenant.departments[0], tenant.follow_ups[0], "ASSIGN"),
        (tenant.departments[0], tenant.follow_ups[1], "MARK_AS_DONE"),
        (tenant.departments[1], tenant.follow_ups[2], "ARCHIVE"),
    ];
    for (department, follow_up, action) in updates {
        let path = update_path(department, tenant.user);
        let body = update_body(tenant, &[follow_up], action);
        let (status, response) = send(app, tenant, Method::PUT, &path, Some(&body)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "seeding {action} of {follow_up}: {response}"
        );
    }

    let templates = [(tenant.email_template, "EMAIL"), (tenant.text_template, "TEXT")];
    for (uuid, template_type) in templates {
        let body = json!({
            "uuid": uuid,
            "dealerUUID": tenant.dealer,
            "taskTypeUUID": tenant.task_type,
            "type": template_type,
            "isDefault": true,
            "multi": false,
            "title": format!("Tenant {} {template_type} title", tenant.letter),
            "message": format!("Tenant {} {template_type} message", tenant.letter),
            "locale": "en-us",
            "isFreemarkerTemplate": false
        });
        let path = format!("/leads/followup/dealer/{}/template", tenant.dealer);
        let (status, response) = send(app, tenant, Method::POST, &path, Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "seeding template {uuid}: {response}");
    }
}

/// Sends a request as the tenant's subscriber and returns the status and the body text.
async fn send_text(
    app: &TestApp,
    tenant: &Tenant,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, String) {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.base_url))
        .basic_auth(tenant.username, Some(tenant.password));
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn send(
    app: &TestApp,
    tenant: &Tenant,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let (status, text) = send_text(app, tenant, method, path, body).await;
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
    (status, body)
}

/// Returns the `uuid` of each object of the array at `key`, sorted.
fn listed_uuids(case: &str, body: &Value, key: &str) -> Vec<String> {
    let list = body[key]
        .as_array()
        .unwrap_or_else(|| panic!("{case}: {key} is an array: {body}"));
    let mut uuids: Vec<String> = list
        .iter()
        .map(|item| item["uuid"].as_str().unwrap_or_default().to_owned())
        .collect();
    uuids.sort();
    uuids
}

/// Checks the parts of the response that each kind of expectation fixes.
fn check_response(case: &Case, status: StatusCode, body: &Value, own: &DealerSnapshot) {
    let name = &case.name;
    let expected_status = match case.expect {
        Expect::Error(status, _) => status,
        Expect::RejectedAsNotFound => StatusCode::CONFLICT,
        _ => StatusCode::OK,
    };
    assert_eq!(status, expected_status, "{name}: status; body: {body}");
    assert_eq!(
        body["statusCode"],
        expected_status.as_u16(),
        "{name}: statusCode mirrors the HTTP status: {body}"
    );
    let requested: Vec<&str> = case.victim.follow_ups.to_vec();
    let outcomes_are_not_found = |body: &Value| {
        let results = body["results"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: results is an array: {body}"));
        assert_eq!(
            results.len(),
            requested.len(),
            "{name}: one result per id: {body}"
        );
        for (result, uuid) in results.iter().zip(&requested) {
            assert_eq!(result["followUpUUID"], *uuid, "{name}: result order: {body}");
            assert_eq!(
                result["outcome"], "NOT_FOUND",
                "{name}: outcome of {uuid}: {body}"
            );
            assert!(
                result.get("version").is_none(),
                "{name}: version of {uuid} is hidden: {body}"
            );
        }
        assert_eq!(
            body["archivedFollowUpUUIDList"],
            json!([]),
            "{name}: a foreign archived follow-up is not reported as archived: {body}"
        );
    };
    match case.expect {
        Expect::Error(_, code) => {
            assert_eq!(body["error"]["code"], code, "{name}: error code: {body}");
            let description = body["error"]["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "{name}: error description: {body}");
        }
        Expect::AllNotFound => {
            assert_eq!(body["error"], Value::Null, "{name}: no error: {body}");
            assert_eq!(body["updateSuccessful"], true, "{name}: updateSuccessful: {body}");
            outcomes_are_not_found(body);
            let warnings = body["warnings"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: warnings is an array: {body}"));
            for warning in warnings {
                assert_eq!(warning["code"], "FOLLOW_UP_NOT_FOUND", "{name}: warning: {body}");
            }
        }
        Expect::RejectedAsNotFound => {
            assert_eq!(
                body["error"]["code"], "BATCH_REJECTED",
                "{name}: error code: {body}"
            );
            assert_eq!(
                body["updateSuccessful"], false,
                "{name}: updateSuccessful: {body}"
            );
            outcomes_are_not_found(body);
        }
        Expect::OwnFollowUps => {
            let uuids = listed_uuids(name, body, "followUpsList");
            assert_eq!(uuids, own.follow_up_ids(), "{name}: exactly the own follow-ups");
        }
        Expect::NoFollowUps => {
            assert_eq!(
                body["followUpsList"],
                json!([]),
                "{name}: no follow-up matches: {body}"
            );
            assert_eq!(body["totalCount"], 0, "{name}: totalCount: {body}");
        }
        Expect::OwnTaskTypes => {
            let uuids = listed_uuids(name, body, "taskTypeList");
            let mut expected: Vec<String> = own.task_types.iter().map(|t| t.uuid.to_string()).collect();
            expected.sort();
            assert_eq!(uuids, expected, "{name}: exactly the own task types");
        }
        Expect::OwnEmailTemplates => {
            let uuids = listed_uuids(name, body, "templateTypeList");
            let mut expected: Vec<String> = own
                .templates
                .iter()
                .filter(|t| t.template_type == TemplateType::Email)
                .map(|t| t.uuid.to_string())
                .collect();
            expected.sort();
            assert_eq!(uuids, expected, "{name}: exactly the own EMAIL templates");
        }
        Expect::CreatedFollowUp(uuid) => {
            let result = &body["results"][0];
            assert_eq!(result["followUpUUID"], uuid, "{name}: the created id: {body}");
            assert_eq!(
                result["outcome"], "CREATED",
                "{name}: a new follow-up, not the foreign one: {body}"
            );
            assert_eq!(
                result["version"], 1,
                "{name}: a new follow-up starts at version 1: {body}"
            );
            assert_eq!(
                result["dueDate"], "2030-01-15",
                "{name}: the sent due date: {body}"
            );
        }
        Expect::CreatedTaskType(uuid) => {
            assert_eq!(body["taskType"]["uuid"], uuid, "{name}: the created id: {body}");
            assert_eq!(
                body["taskType"]["active"], true,
                "{name}: a new task type is active: {body}"
            );
        }
        Expect::CreatedTemplate(uuid) => {
            assert_eq!(body["template"]["uuid"], uuid, "{name}: the created id: {body}");
            assert_eq!(
                body["template"]["dealerUUID"], case.attacker.dealer,
                "{name}: the template's dealer: {body}"
            );
            assert_eq!(
                body["warnings"],
                Value::Null,
                "{name}: no default was replaced: {body}"
            );
        }
    }
}

/// Asserts that the response names no id and contains no text of the victim's data, apart
/// from the ids that the request itself sent and those the attacker's dealer also uses.
fn assert_no_foreign_data(case: &Case, text: &str, victim: &DealerSnapshot, own: &DealerSnapshot) {
    let request = format!(
        "{} {}",
        case.path,
        case.body.as_ref().map(Value::to_string).unwrap_or_default()
    );
    let own_ids = own.ids();
    let victim_ids = victim.ids().into_iter().chain(
        [case.victim.dealer, case.victim.user]
            .into_iter()
            .chain(case.victim.departments)
            .map(str::to_owned),
    );
    for foreign_id in victim_ids {
        if request.contains(&foreign_id) || own_ids.contains(&foreign_id) {
            continue;
        }
        assert!(
            !text.contains(&foreign_id),
            "{}: the response names the foreign id {foreign_id}: {text}",
            case.name
        );
    }
    for foreign_text in victim.texts() {
        assert!(
            !text.contains(&foreign_text),
            "{}: the response contains the foreign text {foreign_text:?}: {text}",
            case.name
        );
    }
}

#[tokio::test]
async fn subscribers_cannot_cross_dealers() {
    let app = TestApp::spawn().await;
    let department_b2 = NewDepartment {
        uuid: id(TENANT_B.departments[1]),
        dealer_uuid: id(TENANT_B.dealer),
        name: "department-b2".into(),
    };
    app.store.create_department(department_b2).await.unwrap();
    seed_tenant(&app, &TENANT_A).await;
    seed_tenant(&app, &TENANT_B).await;

    let mut all = cases(&TENANT_A, &TENANT_B);
    all.extend(cases(&TENANT_B, &TENANT_A));
    assert!(all.len() >= 80, "the matrix has {} cases", all.len());

    for case in &all {
        let victim_before = DealerSnapshot::take(&app, case.victim.dealer).await;
        let own_before = DealerSnapshot::take(&app, case.attacker.dealer).await;
        assert!(
            !victim_before.follow_ups.is_empty(),
            "{}: the victim has follow-ups",
            case.name
        );

        let (status, text) = send_text(
            &app,
            case.attacker,
            case.method.clone(),
            &case.path,
            case.body.as_ref(),
        )
        .await;
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON ({e}): {text}", case.name));
        check_response(case, status, &body, &own_before);
        assert_no_foreign_data(case, &text, &victim_before, &own_before);

        let victim_after = DealerSnapshot::take(&app, case.victim.dealer).await;
        assert_eq!(
            victim_after, victim_before,
            "{}: the victim's data changed",
            case.name
        );
        let own_after = DealerSnapshot::take(&app, case.attacker.dealer).await;
        let creates = matches!(
            case.expect,
            Expect::CreatedFollowUp(_) | Expect::CreatedTaskType(_) | Expect::CreatedTemplate(_)
        );
        if creates {
            assert_ne!(
                own_after, own_before,
                "{}: the own dealer got the new record",
                case.name
            );
        } else {
            assert_eq!(
                own_after, own_before,
                "{}: the own dealer's data changed",
                case.name
            );
        }
    }
}
