//! Domain rules as plain code: identifiers, request validation and outcome planning.

pub mod create;
pub mod create_batch;
pub mod create_plan;
pub mod follow_up;
pub mod id;
pub mod import;
pub mod person;
pub mod plan;
pub mod update;
pub mod warning;

pub use create::{CreateItem, CreateItemInput};
pub use create_plan::{CreateOutcome, CreateProblem};
pub use follow_up::{Completion, FollowUpState, FollowUpStatus};
pub use id::OpaqueId;
pub use person::{PersonName, PersonRef};
pub use plan::{BatchPlan, Change, ItemPlan, Outcome};
pub use update::{Action, ActionType, UpdateCommand, UpdateFollowUpsInput, ValidationError};
pub use warning::Warning;
