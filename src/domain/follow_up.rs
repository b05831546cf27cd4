//! The mutable state of a follow-up that the bulk update reads and writes.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::person::PersonRef;

/// Work status. Archiving is a separate flag, not a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FollowUpStatus {
    NotStarted,
    Scheduled,
    Complete,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 3] = [Self::NotStarted, Self::Scheduled, Self::Complete];

    /// Returns the wire and storage spelling, such as `NOT_STARTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "NOT_STARTED",
            Self::Scheduled => "SCHEDULED",
            Self::Complete => "COMPLETE",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == value)
    }
}

/// The user who completed a follow-up, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub by: PersonRef,
    pub at: DateTime<Utc>,
}

/// The fields of a follow-up that bulk actions change, with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpState {
    pub status: FollowUpStatus,
    pub assignee: Option<PersonRef>,
    pub archived: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub completion: Option<Completion>,
    /// Starts at 1 and grows by one with every change.
    pub version: i64,
}

impl FollowUpState {
    /// The state of a follow-up that nobody has worked on yet.
    pub fn new_open() -> Self {
        Self {
            status: FollowUpStatus::NotStarted,
            assignee: None,
            archived: false,
            archived_at: None,
            completion: None,
            version: 1,
        }
    }
}
