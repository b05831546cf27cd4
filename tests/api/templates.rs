//! Templates: upstream fields and casing, the one-default rule, validation, authorization
//! and concurrent default creation.

use followups::storage::NewTaskType;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::task::JoinSet;

use crate::common::{
    assert_error_envelope, id, TestApp, FIXTURE, NARROW_PASSWORD, NARROW_USERNAME, OTHER_PASSWORD,
    OTHER_USERNAME, PASSWORD, USERNAME,
};

/// Task types `tt-a` of dealer A and `tt-b` of dealer B.
async fn seed_task_types(app: &TestApp) {
    for (uuid, dealer) in [("tt-a", FIXTURE.dealer_a), ("tt-b", FIXTURE.dealer_b)] {
        let task_type = NewTaskType {
            uuid: id(uuid),
            dealer_uuid: id(dealer),
            name: format!("Task type {uuid}"),
            description: String::new(),
        };
        app.store.create_task_type(task_type).await.unwrap();
    }
}

fn template(uuid: &str, template_type: &str, locale: &str, is_default: bool) -> Value {
    json!({
        "uuid": uuid,
        "dealerUUID": FIXTURE.dealer_a,
        "taskTypeUUID": "tt-a",
        "type": template_type,
        "isDefault": is_default,
        "multi": false,
        "title": "Follow-up for Declined Service",
        "message": "Dear ${customerName}, we noticed you declined some service recommendations.",
        "locale": locale,
        "isFreemarkerTemplate": true
    })
}

async fn create_as(
    app: &TestApp,
    username: &str,
    password: &str,
    dealer: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let path = format!("/leads/followup/dealer/{dealer}/template");
    app.send_as(username, password, Method::POST, &path, Some(body))
        .await
}

async fn create(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    create_as(app, USERNAME, PASSWORD, FIXTURE.dealer_a, body).await
}

async fn list_as(
    app: &TestApp,
    username: &str,
    password: &str,
    dealer: &str,
    kind: &str,
) -> (StatusCode, Value) {
    let path = format!("/leads/followup/dealer/{dealer}/templatetype/{kind}/list");
    app.send_as(username, password, Method::GET, &path, None).await
}

/// Lists dealer A's templates of one type and returns them.
async fn list(app: &TestApp, kind: &str) -> Vec<Value> {
    let (status, body) = list_as(app, USERNAME, PASSWORD, FIXTURE.dealer_a, kind).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["templateTypeList"].as_array().unwrap().clone()
}

/// Returns the uuids of the templates flagged as default.
fn defaults(templates: &[Value]) -> Vec<&str> {
    templates
        .iter()
        .filter(|t| t["isDefault"] == true)
        .map(|t| t["uuid"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn template_create_returns_upstream_fields() {
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;

    let body = template("tpl-1", "EMAIL", "en-us", true);
    let (status, created) = create(&app, &body).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(
        created["template"], body,
        "the answer repeats the template in the upstream casing"
    );
    assert_eq!(created["warnings"], Value::Null);

    let emails = list(&app, "EMAIL").await;
    assert_eq!(emails, vec![body]);
    assert!(
        list(&app, "TEXT").await.is_empty(),
        "TEXT lists no EMAIL template"
    );
}

#[tokio::test]
async fn template_without_uuid_gets_generated_one() {
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;
    let mut body = template("unused", "TEXT", "fr-ca", false);
    body.as_object_mut().unwrap().remove("uuid");
    body.as_object_mut().unwrap().remove("dealerUUID");

    let (status, created) = create(&app, &body).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["template"]["uuid"].as_str().unwrap().len(), 64);
    assert_eq!(created["template"]["dealerUUID"], FIXTURE.dealer_a);
}

#[tokio::test]
async fn second_default_demotes_first() {
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;
    for body in [
        template("first", "EMAIL", "en-us", true),
        template("french", "EMAIL", "fr-ca", true),
        template("text", "TEXT", "en-us", true),
        template("plain", "EMAIL", "en-us", false),
    ] {
        let (status, answer) = create(&app, &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(
            answer["warnings"],
            Value::Null,
            "no default was replaced: {answer}"
        );
    }

    let (status, answer) = create(&app, &template("second", "EMAIL", "en-us", true)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let warnings = answer["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{answer}");
    assert_eq!(warnings[0]["code"], "DEFAULT_TEMPLATE_REPLACED");
    assert_eq!(warnings[0]["metadata"]["templateUUID"], "first");
    assert!(warnings[0]["description"].as_str().unwrap().contains("first"));

    let emails = list(&app, "EMAIL").await;
    assert_eq!(
        defaults(&emails),
        vec!["french", "second"],
        "one default per locale"
    );
    assert_eq!(
        defaults(&list(&app, "TEXT").await),
        vec!["text"],
        "TEXT keeps its default"
    );
}

#[tokio::test]
async fn template_rejects_bad_type_and_locale() {
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;
    let cases = [
        ("type", "SMS", "EMAIL or TEXT"),
        ("type", "email", "EMAIL or TEXT"),
        ("locale", "en-US", "en-us or fr-ca"),
        ("locale", "de-de", "en-us or fr-ca"),
    ];
    for (field, value, allowed) in cases {
        let mut body = template("tpl-1", "EMAIL", "en-us", true);
        body[field] = json!(value);
        let (status, answer) = create(&app, &body).await;
        assert_error_envelope(status, &answer, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        assert_eq!(answer["error"]["metadata"]["field"], field);
        assert_eq!(answer["error"]["metadata"]["value"], value);
        let description = answer["error"]["description"].as_str().unwrap();
        assert!(description.contains(allowed), "{description}");
    }

    let (status, answer) = list_as(&app, USERNAME, PASSWORD, FIXTURE.dealer_a, "SMS").await;
    assert_error_envelope(status, &answer, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    assert_eq!(answer["error"]["metadata"]["field"], "templateType");
    assert!(answer["error"]["description"]
        .as_str()
        .unwrap()
        .contains("EMAIL or TEXT"));

    assert!(
        list(&app, "EMAIL").await.is_empty(),
        "rejected requests created nothing"
    );
}

#[tokio::test]
async fn template_task_type_must_be_dealers() {
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;
    for task_type in ["tt-missing", "tt-b"] {
        let mut body = template("tpl-1", "EMAIL", "en-us", false);
        body["taskTypeUUID"] = json!(task_type);
        let (status, answer) = create(&app, &body).await;
        assert_error_envelope(status, &answer, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
        assert_eq!(answer["error"]["metadata"]["field"], "taskTypeUUID");
        assert_eq!(answer["error"]["metadata"]["value"], task_type);
    }

    let mut body = template("tpl-1", "EMAIL", "en-us", false);
    body["dealerUUID"] = json!(FIXTURE.dealer_b);
    let (status, answer) = create(&app, &body).await;
    assert_error_envelope(status, &answer, StatusCode::BAD_REQUEST, "INVALID_REQUEST_DATA");
    assert_eq!(answer["error"]["metadata"]["field"], "dealerUUID");

    assert!(
        list(&app, "EMAIL").await.is_empty(),
        "rejected requests created nothing"
    );
}

#[tokio::test]
async fn template_repeated_uuid_conflicts() {
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;
    let body = template("tpl-1", "EMAIL", "en-us", true);
    let (status, _) = create(&app, &body).await;
    assert_eq!(status, StatusCode::OK);

    let (status, answer) = create(&app, &body).await;
    assert_error_envelope(status, &answer, StatusCode::CONFLICT, "TEMPLATE_CONFLICT");
    assert_eq!(
        defaults(&list(&app, "EMAIL").await),
        vec!["tpl-1"],
        "the first default stays"
    );
}

#[tokio::test]
async fn template_authorization() {
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;
    let body = template("tpl-1", "EMAIL", "en-us", true);

    let (status, answer) = create_as(&app, NARROW_USERNAME, NARROW_PASSWORD, FIXTURE.dealer_a, &body).await;
    assert_error_envelope(status, &answer, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    let (status, answer) = list_as(&app, NARROW_USERNAME, NARROW_PASSWORD, FIXTURE.dealer_a, "EMAIL").await;
    assert_eq!(status, StatusCode::OK, "a department grant reads: {answer}");
    assert_eq!(
        answer["templateTypeList"],
        json!([]),
        "the department grant created nothing"
    );

    let (status, answer) = create_as(&app, OTHER_USERNAME, OTHER_PASSWORD, FIXTURE.dealer_a, &body).await;
    assert_error_envelope(status, &answer, StatusCode::FORBIDDEN, "NOT_AUTHORIZED_REQUEST");
    let (foreign_status, foreign) =
        list_as(&app, OTHER_USERNAME, OTHER_PASSWORD, FIXTURE.dealer_a, "EMAIL").await;
    let (missing_status, missing) =
        list_as(&app, OTHER_USERNAME, OTHER_PASSWORD, "no-such-dealer", "EMAIL").await;
    assert_error_envelope(
        foreign_status,
        &foreign,
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
    );
    assert_error_envelope(
        missing_status,
        &missing,
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
    );
    let foreign_description = foreign["error"]["description"].as_str().unwrap();
    let missing_description = missing["error"]["description"].as_str().unwrap();
    assert_eq!(
        foreign_description.replace(FIXTURE.dealer_a, "ID"),
        missing_description.replace("no-such-dealer", "ID"),
        "another tenant's dealer is answered like a missing one"
    );

    let (status, answer) = create(&app, &body).await;
    assert_eq!(status, StatusCode::OK, "a dealer grant writes: {answer}");
}

#[tokio::test]
async fn concurrent_defaults_never_fail() {
    const REQUESTS: usize = 8;
    let app = TestApp::spawn().await;
    seed_task_types(&app).await;

    let url = format!(
        "{}/leads/followup/dealer/{}/template",
        app.base_url, FIXTURE.dealer_a
    );
    let mut requests = JoinSet::new();
    for n in 0..REQUESTS {
        let request = app
            .client
            .post(&url)
            .basic_auth(USERNAME, Some(PASSWORD))
            .json(&template(&format!("tpl-{n}"), "TEXT", "fr-ca", true));
        requests.spawn(async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        });
    }
    let answers = requests.join_all().await;

    let mut demoted = Vec::new();
    for (status, answer) in &answers {
        assert_eq!(*status, StatusCode::OK, "{answer}");
        if let Some(warnings) = answer["warnings"].as_array() {
            demoted.push(
                warnings[0]["metadata"]["templateUUID"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
    }
    assert_eq!(
        demoted.len(),
        REQUESTS - 1,
        "every default but the first replaced one"
    );
    demoted.sort();
    demoted.dedup();
    assert_eq!(demoted.len(), REQUESTS - 1, "each default was demoted once");

    let texts = list(&app, "TEXT").await;
    assert_eq!(texts.len(), REQUESTS);
    let current = defaults(&texts);
    assert_eq!(current.len(), 1, "exactly one default remains: {texts:?}");
    assert!(
        !demoted.iter().any(|d| d == current[0]),
        "the remaining default was never demoted"
    );
}

#[tokio::test]
async fn demo_templates_one_default_each() {
    use followups::demo::{seed, OPEN_FOLLOW_UPS};
    use followups::domain::template::TemplateType;
    use followups::domain::FollowUpStatus;
    use followups::storage::{self, StoreOptions};

    let database = crate::database::TestDatabase::create().await;
    let store = storage::open(&database.url, &StoreOptions::default())
        .await
        .unwrap();
    let data = seed(store.as_ref()).await.unwrap();

    for dealer in &data.dealers {
        let found = store.find_dealer(&id(&dealer.uuid)).await.unwrap().unwrap();
        for template_type in [TemplateType::Email, TemplateType::Text] {
            let templates = store.list_templates(found.id, template_type).await.unwrap();
            assert_eq!(
                templates.len(),
                dealer.task_type_uuids.len() * 2,
                "{template_type}"
            );
            assert!(
                templates.iter().all(|t| t.is_default),
                "one default per task type and locale"
            );
            for task_type in &dealer.task_type_uuids {
                let mut locales: Vec<&str> = templates
                    .iter()
                    .filter(|t| t.task_type_uuid.as_str() == task_type)
                    .map(|t| t.locale.as_str())
                    .collect();
                locales.sort();
                assert_eq!(locales, vec!["en-us", "fr-ca"], "{template_type} of {task_type}");
            }
        }
        for department in &dealer.departments {
            for follow_up in &department.follow_up_uuids[..OPEN_FOLLOW_UPS] {
                let stored = store
                    .find_follow_up(&id(&department.uuid), &id(follow_up))
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(stored.state.status, FollowUpStatus::NotStarted, "{follow_up}");
                assert_eq!(stored.state.assignee, None, "{follow_up}");
                assert!(!stored.state.archived, "{follow_up}");
            }
        }
    }
}
