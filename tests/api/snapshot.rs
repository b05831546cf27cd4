//! Snapshots of everything a dealer owns, read through the store, to show that a request
//! changed nothing.

use chrono::Utc;
use followups::domain::template::TemplateType;
use followups::domain::{FollowUpFilter, PageStart};
use followups::storage::{DepartmentScope, FollowUp, FollowUpQuery, HistoryEvent, TaskType, Template};

use crate::common::{id, TestApp};

/// A dealer's follow-ups (archived ones too) with their history, its task types and its
/// templates of both types, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealerSnapshot {
    pub follow_ups: Vec<(FollowUp, Vec<HistoryEvent>)>,
    pub task_types: Vec<TaskType>,
    pub templates: Vec<Template>,
}

impl DealerSnapshot {
    /// Reads the snapshot of `dealer`, which must exist.
    pub async fn take(app: &TestApp, dealer: &str) -> Self {
        let found = app.store.find_dealer(&id(dealer)).await.unwrap();
        let dealer = found.unwrap_or_else(|| panic!("dealer {dealer} exists"));
        let query = FollowUpQuery {
            dealer_id: dealer.id,
            departments: DepartmentScope::All,
            filter: FollowUpFilter {
                include_archived: true,
                ..FollowUpFilter::default()
            },
            today: Utc::now().date_naive(),
            start: PageStart::Offset(0),
            limit: 10_000,
            count_total: false,
        };
        let page = app.store.fetch_follow_ups(&query).await.unwrap();
        let mut follow_ups = Vec::new();
        for follow_up in page.follow_ups {
            let history = app
                .store
                .follow_up_history(&follow_up.department_uuid, &follow_up.uuid)
                .await
                .unwrap();
            follow_ups.push((follow_up, history));
        }
        let task_types = app.store.list_task_types(dealer.id).await.unwrap();
        let mut templates = Vec::new();
        for template_type in [TemplateType::Email, TemplateType::Text] {
            let listed = app.store.list_templates(dealer.id, template_type).await.unwrap();
            templates.extend(listed);
        }
        Self {
            follow_ups,
            task_types,
            templates,
        }
    }

    /// Returns the ids of the dealer's follow-ups, task types and templates.
    pub fn ids(&self) -> Vec<String> {
        let follow_ups = self.follow_ups.iter().map(|(f, _)| f.uuid.to_string());
        let task_types = self.task_types.iter().map(|t| t.uuid.to_string());
        let templates = self.templates.iter().map(|t| t.uuid.to_string());
        follow_ups.chain(task_types).chain(templates).collect()
    }

    /// Returns the ids of the dealer's follow-ups, sorted.
    pub fn follow_up_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.follow_ups.iter().map(|(f, _)| f.uuid.to_string()).collect();
        ids.sort();
        ids
    }

    /// Returns the free text of the dealer's data, leaving out empty strings: follow-up
    /// titles, notes and customer ids, task type names and descriptions, template titles and
    /// messages.
    pub fn texts(&self) -> Vec<String> {
        let mut texts = Vec::new();
        for (follow_up, _) in &self.follow_ups {
            texts.push(follow_up.title.clone());
            texts.push(follow_up.notes.clone());
            texts.extend(follow_up.customer_uuid.clone());
        }
        for task_type in &self.task_types {
            texts.push(task_type.name.clone());
            texts.push(task_type.description.clone());
        }
        for template in &self.templates {
            texts.push(template.title.clone());
            texts.push(template.message.clone());
        }
        texts.retain(|text| !text.is_empty());
        texts
    }
}
