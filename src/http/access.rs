//! Path ids and dealer-level authorization shared by the dealer endpoints.

use axum::http::StatusCode;

use super::error::ApiError;
use super::AppState;
use crate::auth::Subscriber;
use crate::domain::OpaqueId;
use crate::storage::{Dealer, Department, DepartmentScope};

/// A dealer and the part of it that the subscriber may read.
#[derive(Debug, Clone)]
pub struct DealerAccess {
    pub dealer: Dealer,
    /// `All` with a grant on the dealer, otherwise the granted departments of the dealer.
    pub scope: DepartmentScope,
}

/// Parses a path parameter into an id, naming the parameter when it is invalid.
pub fn parse_path_id(name: &str, value: &str) -> Result<OpaqueId, ApiError> {
    OpaqueId::parse(value).map_err(|e| {
        ApiError::bad_request(format!("path parameter {name} {e} (received {value:?})"))
            .with_metadata("field", name)
    })
}

/// Resolves the department and checks the subscriber's grants on it.
///
/// A department that does not exist is answered exactly like one of another dealer, so
/// that the answer does not reveal which ids exist.
pub async fn authorize_department(
    state: &AppState,
    subscriber: &Subscriber,
    department: &OpaqueId,
) -> Result<Department, ApiError> {
    let found = state.find_department(department).await?;
    match found {
        Some(found) if subscriber.grants.covers(&found) => Ok(found),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "NOT_AUTHORIZED_REQUEST",
            format!(
                "service subscriber {:?} has no grant on department {department}; ask the \
                 administrator to grant it the department or its dealer",
                subscriber.username
            ),
        )
        .with_metadata("departmentUUID", department.as_str())),
    }
}

/// Resolves a dealer and the subscriber's access to it.
///
/// A subscriber with only department grants in the dealer gets those departments. A dealer
/// that does not exist is answered exactly like one without any grant, so that the answer
/// does not reveal which ids exist.
pub async fn authorize_dealer(
    state: &AppState,
    subscriber: &Subscriber,
    dealer_uuid: &OpaqueId,
) -> Result<DealerAccess, ApiError> {
    let Some(dealer) = state.store.find_dealer(dealer_uuid).await? else {
        return Err(not_authorized(subscriber, dealer_uuid));
    };
    if subscriber.grants.dealer_ids.contains(&dealer.id) {
        return Ok(DealerAccess {
            dealer,
            scope: DepartmentScope::All,
        });
    }
    let granted: Vec<i64> = dealer
        .department_ids
        .iter()
        .copied()
        .filter(|id| subscriber.grants.department_ids.contains(id))
        .collect();
    if granted.is_empty() {
        return Err(not_authorized(subscriber, dealer_uuid));
    }
    Ok(DealerAccess {
        dealer,
        scope: DepartmentScope::Only(granted),
    })
}

fn not_authorized(subscriber: &Subscriber, dealer: &OpaqueId) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "NOT_AUTHORIZED_REQUEST",
        format!(
            "service subscriber {:?} has no grant on dealer {dealer}; ask the administrator to \
             grant it the dealer or, for reading follow-ups, one of its departments",
            subscriber.username
        ),
    )
    .with_metadata("dealerUUID", dealer.as_str())
}

/// Resolves a dealer for a write, which needs a grant on the dealer itself.
///
/// A subscriber with grants only on some of the dealer's departments may read the dealer's
/// task types and templates, but not change them.
pub async fn authorize_dealer_write(
    state: &AppState,
    subscriber: &Subscriber,
    dealer_uuid: &OpaqueId,
) -> Result<Dealer, ApiError> {
    let access = authorize_dealer(state, subscriber, dealer_uuid).await?;
    match access.scope {
        DepartmentScope::All => Ok(access.dealer),
        DepartmentScope::Only(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "NOT_AUTHORIZED_REQUEST",
            format!(
                "service subscriber {:?} has grants only on departments of dealer {dealer_uuid}, \
                 and this change needs a grant on the dealer; ask the administrator to grant it \
                 the dealer",
                subscriber.username
            ),
        )
        .with_metadata("dealerUUID", dealer_uuid.as_str())),
    }
}
