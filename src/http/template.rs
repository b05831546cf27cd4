//! Message templates of a dealer's task types, in the upstream casing.
//!
//! - `POST /leads/followup/dealer/{dealerUUID}/template` creates one.
//! - `GET /leads/followup/dealer/{dealerUUID}/templatetype/{templateType}/list` lists the
//!   dealer's templates of one type.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use super::access::{authorize_dealer, authorize_dealer_write, parse_path_id};
use super::authentication::Authenticated;
use super::body::JsonBody;
use super::envelope::Envelope;
use super::error::ApiError;
use super::task_type::DealerPath;
use super::{rejection, AppState};
use crate::domain::template::{
    default_replaced_warning, parse_template_type, validate_template, TemplateInput,
};
use crate::domain::OpaqueId;
use crate::storage::{CreateTemplateResult, NewTemplate, StoreError, Template};

#[derive(Debug, Deserialize)]
pub struct TemplateTypePath {
    #[serde(rename = "dealerUUID")]
    dealer: String,
    #[serde(rename = "templateType")]
    template_type: String,
}

/// A template in responses; upstream spells `dealerUUID` and `taskTypeUUID` in capitals here.
#[derive(Debug, Serialize)]
pub struct TemplateJson {
    uuid: OpaqueId,
    #[serde(rename = "dealerUUID")]
    dealer_uuid: OpaqueId,
    #[serde(rename = "taskTypeUUID")]
    task_type_uuid: OpaqueId,
    #[serde(rename = "type")]
    template_type: &'static str,
    #[serde(rename = "isDefault")]
    is_default: bool,
    multi: bool,
    title: String,
    message: String,
    locale: &'static str,
    #[serde(rename = "isFreemarkerTemplate")]
    is_freemarker_template: bool,
}

impl From<Template> for TemplateJson {
    fn from(template: Template) -> Self {
        Self {
            uuid: template.uuid,
            dealer_uuid: template.dealer_uuid,
            task_type_uuid: template.task_type_uuid,
            template_type: template.template_type.as_str(),
            is_default: template.is_default,
            multi: template.multi,
            title: template.title,
            message: template.message,
            locale: template.locale.as_str(),
            is_freemarker_template: template.is_freemarker_template,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CreatedTemplate {
    template: TemplateJson,
}

/// The list payload. Upstream names the key `templateTypeList`, although it contains templates.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateList {
    template_type_list: Vec<TemplateJson>,
}

/// Creates a template for one of the path dealer's task types.
pub async fn create_template(
    State(state): State<AppState>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<DealerPath>, PathRejection>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Envelope<CreatedTemplate>, ApiError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    let dealer_uuid = parse_path_id("dealerUUID", &path.dealer)?;
    let dealer = authorize_dealer_write(&state, &subscriber, &dealer_uuid).await?;
    rejection::single_content_type(&headers)?;
    let input: TemplateInput = body.read().await?;
    let draft = validate_template(input, &dealer_uuid)?;

    let new = NewTemplate {
        dealer_id: dealer.id,
        draft: draft.clone(),
    };
    let demoted = match state.store.create_template(new).await {
        Ok(CreateTemplateResult::Created { demoted }) => demoted,
        Ok(CreateTemplateResult::UnknownTaskType) => {
            return Err(unknown_task_type(&dealer_uuid, &draft.task_type_uuid))
        }
        Err(StoreError::AlreadyExists { .. }) => return Err(template_conflict(&dealer_uuid, &draft.uuid)),
        Err(other) => return Err(other.into()),
    };
    tracing::info!(
        dealer.uuid = %dealer_uuid,
        template.uuid = %draft.uuid,
        template.demoted = demoted.as_ref().map(OpaqueId::as_str),
        "created template {} for dealer {dealer_uuid}", draft.uuid
    );
    let warnings = demoted
        .iter()
        .map(|old| default_replaced_warning(old, &draft))
        .collect();
    let template = Template {
        uuid: draft.uuid,
        dealer_uuid,
        task_type_uuid: draft.task_type_uuid,
        template_type: draft.template_type,
        is_default: draft.is_default,
        multi: draft.multi,
        title: draft.title,
        message: draft.message,
        locale: draft.locale,
        is_freemarker_template: draft.is_freemarker_template,
    };
    let payload = CreatedTemplate {
        template: template.into(),
    };
    Ok(Envelope::ok(payload, warnings))
}

/// Lists the path dealer's templates of the path's type, in creation order.
pub async fn list_templates(
    State(state): State<AppState>,
    subscriber: Result<Authenticated, ApiError>,
    path: Result<Path<TemplateTypePath>, PathRejection>,
) -> Result<Envelope<TemplateList>, ApiError> {
    let Authenticated(subscriber) = subscriber?;
    let Path(path) = path.map_err(rejection::from_path)?;
    let dealer_uuid = parse_path_id("dealerUUID", &path.dealer)?;
    let template_type = parse_template_type("templateType", Some(&path.template_type))?;
    let access = authorize_dealer(&state, &subscriber, &dealer_uuid).await?;
    let templates = state
        .store
        .list_templates(access.dealer.id, template_type)
        .await?;
    let template_type_list = templates.into_iter().map(TemplateJson::from).collect();
    Ok(Envelope::ok(TemplateList { template_type_list }, Vec::new()))
}

fn unknown_task_type(dealer: &OpaqueId, task_type: &OpaqueId) -> ApiError {
    ApiError::bad_request(format!(
        "taskTypeUUID {task_type} is not a task type of dealer {dealer}; send one of the ids that \
         GET /leads/followup/dealer/{dealer}/tasktype/list returns"
    ))
    .with_metadata("field", "taskTypeUUID")
    .with_metadata("value", task_type.as_str())
}

fn template_conflict(dealer: &OpaqueId, uuid: &OpaqueId) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "TEMPLATE_CONFLICT",
        format!(
            "dealer {dealer} already has a template with uuid {uuid}; send another uuid or leave \
             it out to have one generated"
        ),
    )
    .with_metadata("field", "uuid")
    .with_metadata("value", uuid.as_str())
}
