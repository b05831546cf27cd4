//! Domain rules as plain code: identifiers, request validation and outcome planning.

pub mod clock;
pub mod create;
pub mod create_batch;
pub mod create_plan;
pub mod date;
pub mod fetch;
pub mod filter;
pub mod follow_up;
pub mod history;
pub mod id;
pub mod import;
pub mod object;
pub mod overdue;
pub mod page;
pub mod person;
pub mod plan;
pub mod task_type;
pub mod template;
pub mod update;
pub mod warning;

pub use clock::{Clock, ManualClock, SystemClock};
pub use create::{CreateItem, CreateItemInput};
pub use create_plan::{CreateOutcome, CreateProblem};
pub use fetch::{FetchCommand, FetchFollowUpsInput, PageStart, SortKey};
pub use filter::FollowUpFilter;
pub use follow_up::{Completion, FollowUpState, FollowUpStatus};
pub use id::OpaqueId;
pub use person::{PersonName, PersonRef};
pub use plan::{BatchPlan, Change, ItemPlan, Outcome};
pub use update::{Action, ActionType, UpdateCommand, UpdateFollowUpsInput, ValidationError};
pub use warning::Warning;
