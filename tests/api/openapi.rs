//! The OpenAPI document: the checked-in copy, the served copy, routing of every documented
//! operation, and the offline API reference page.

use followups::domain::filter::FILTER_KEYS;
use followups::http::openapi::{self, errors::operation_errors};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::TestApp;

/// The checked-in copy of the document.
const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
/// Set to rewrite the checked-in copy instead of comparing with it.
const UPDATE_VARIABLE: &str = "FOLLOWUPS_UPDATE_OPENAPI";

#[test]
fn checked_in_document_is_current() {
    let generated = openapi::document_text();
    if std::env::var_os(UPDATE_VARIABLE).is_some() {
        std::fs::write(CHECKED_IN, &generated).unwrap();
    }
    let stored = std::fs::read_to_string(CHECKED_IN).unwrap_or_default();
    let first_difference = stored
        .lines()
        .zip(generated.lines())
        .position(|(stored, generated)| stored != generated)
        .unwrap_or_else(|| stored.lines().count().min(generated.lines().count()));
    assert!(
        stored == generated,
        "docs/openapi.json differs from the generated document from line {}; regenerate it \
         with `cargo run -- openapi > docs/openapi.json` or `{UPDATE_VARIABLE}=1 cargo test \
         --test api openapi`, then review and commit the change",
        first_difference + 1
    );
}

#[test]
fn openapi_command_prints_document() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_followups"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed == openapi::document_text(),
        "`followups openapi` printed another document"
    );
}

#[tokio::test]
async fn served_document_is_generated_one() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(format!("{}/openapi.json", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/json");
    let served: Value = response.json().await.unwrap();
    assert_eq!(served["openapi"], "3.1.0");
    assert!(
        served == openapi::document(),
        "/openapi.json is not the generated document"
    );
}

/// Replaces `{name}` placeholders with values that pass validation.
fn concrete_path(template: &str) -> String {
    template
        .replace("{templateType}", "EMAIL")
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "some-id"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = TestApp::spawn().await;
    let document = openapi::document();
    let paths = document["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 11, "documented paths: {:?}", paths.keys());
    for (template, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let url = format!("{}{}", app.base_url, concrete_path(template));
            let response = app.client.request(method.clone(), url).send().await.unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert_ne!(
                body["error"]["code"], "ROUTE_NOT_FOUND",
                "{method} {template}: {body}"
            );
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {template}: {body}"
            );
            let secured = template.starts_with("/leads/");
            let expected = if secured {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            assert_eq!(
                status, expected,
                "{method} {template} without credentials: {body}"
            );
        }
    }
}

#[test]
fn every_operation_documents_its_errors() {
    let document = openapi::document();
    for (template, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            let errors = operation_errors(id).unwrap();
            let responses = &operation["responses"];
            for code in errors.codes() {
                let response = &responses[code.status.to_string()];
                let schema = &response["content"]["application/json"]["schema"];
                let allowed = &schema["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"];
                let listed = allowed
                    .as_array()
                    .is_some_and(|codes| codes.contains(&code.code.into()));
                assert!(
                    listed,
                    "{method} {template} does not list {} under {}",
                    code.code, code.status
                );
            }
            let secured = template.starts_with("/leads/");
            assert_eq!(
                operation["security"].is_array(),
                secured,
                "{method} {template} security"
            );
            assert_eq!(responses["401"].is_object(), secured, "{method} {template} 401");
        }
    }
    let schemes = &document["components"]["securitySchemes"]["basicAuth"];
    assert_eq!(schemes["type"], "http");
    assert_eq!(schemes["scheme"], "basic");
}

#[test]
fn filter_data_lists_every_filter_key() {
    let document = openapi::document();
    let properties = document["components"]["schemas"]["FilterData"]["properties"]
        .as_object()
        .unwrap();
    let documented: Vec<&str> = properties.keys().map(String::as_str).collect();
    assert_eq!(documented, FILTER_KEYS.to_vec());
}

/// Returns the values of every `attribute="..."` in `html`.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let marker = format!("{attribute}=\"");
    html.match_indices(&marker)
        .filter_map(|(start, _)| {
            let rest = &html[start + marker.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[tokio::test]
async fn docs_page_works_offline() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(format!("{}/docs", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.url().path(), "/docs/", "/docs redirects to /docs/");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/html"),
        "content type {content_type}"
    );
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("http://"),
        "the page names an external URL: {html}"
    );
    assert!(
        !html.contains("https://"),
        "the page names an external URL: {html}"
    );

    let mut assets: Vec<&str> = attribute_values(&html, "src");
    assets.extend(attribute_values(&html, "href"));
    assert!(
        assets.iter().any(|asset| asset.ends_with(".js")),
        "scripts: {assets:?}"
    );
    for asset in assets {
        let url = format!("{}/docs/{}", app.base_url, asset.trim_start_matches("./"));
        let status = app.client.get(&url).send().await.unwrap().status();
        assert_eq!(status, StatusCode::OK, "asset {asset} of the page");
    }

    let initializer = app
        .client
        .get(format!("{}/docs/swagger-initializer.js", app.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/openapi.json"), "{initializer}");
    assert!(!initializer.contains("http://"), "{initializer}");
    assert!(!initializer.contains("https://"), "{initializer}");
}
