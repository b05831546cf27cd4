//! Validation of a create request body: the batch around the items of [`super::create`].

use serde::Deserialize;

use super::create::{validate_item, CreateItem, CreateItemInput};
use super::update::ValidationError;

/// The create body as decoded from JSON, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(remote = "Self")]
pub struct CreateFollowUpsInput {
    #[serde(rename = "followUps")]
    pub follow_ups: Option<Vec<CreateItemInput>>,
}

crate::object_only!(CreateFollowUpsInput);

/// The first invalid field of a batch, and how many fields are invalid in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchValidationError {
    pub first: ValidationError,
    pub count: usize,
}

/// Validates every item; `max_items` bounds the batch size.
///
/// Field names in errors carry the item's position, such as `followUps[3].dueDate`.
pub fn validate_create(
    input: CreateFollowUpsInput,
    max_items: usize,
) -> Result<Vec<CreateItem>, BatchValidationError> {
    const FIELD: &str = "followUps";
    let single = |error| BatchValidationError {
        first: error,
        count: 1,
    };
    let Some(inputs) = input.follow_ups else {
        let fix = "send an array of 1 or more follow-ups to create";
        return Err(single(ValidationError::missing(FIELD, fix)));
    };
    if inputs.is_empty() {
        let problem = "is empty; send at least one follow-up to create";
        return Err(single(ValidationError::new(FIELD, Some("[]"), problem)));
    }
    if inputs.len() > max_items {
        let problem = format!(
            "has {} follow-ups; the maximum is {max_items} per request, so split the batch",
            inputs.len()
        );
        return Err(single(ValidationError::new(FIELD, None, problem)));
    }
    let mut items = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (index, input) in inputs.into_iter().enumerate() {
        match validate_item(input) {
            Ok(item) => items.push(item),
            Err(found) => errors.extend(found.into_iter().map(|mut error| {
                error.field = format!("{FIELD}[{index}].{}", error.field);
                error
            })),
        }
    }
    let count = errors.len();
    match errors.into_iter().next() {
        Some(first) => Err(BatchValidationError { first, count }),
        None => Ok(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: Option<&str>) -> CreateItemInput {
        CreateItemInput {
            customer_uuid: Some("customer-1".into()),
            title: title.map(str::to_owned),
            ..CreateItemInput::default()
        }
    }

    fn batch(items: Vec<CreateItemInput>) -> CreateFollowUpsInput {
        CreateFollowUpsInput {
            follow_ups: Some(items),
        }
    }

    #[test]
    fn errors_name_the_item_position() {
        let input = batch(vec![item(Some("ok")), item(None), item(Some(""))]);
        let error = validate_create(input, 10).unwrap_err();
        assert_eq!(error.first.field, "followUps[1].title");
        assert_eq!(error.count, 2);
    }

    #[test]
    fn batch_size_is_bounded() {
        let error = validate_create(batch(vec![item(Some("a")); 3]), 2).unwrap_err();
        assert!(error.first.problem.contains("maximum is 2"));
        let error = validate_create(batch(vec![]), 2).unwrap_err();
        assert_eq!(error.first.field, "followUps");
        let error = validate_create(CreateFollowUpsInput::default(), 2).unwrap_err();
        assert!(error.first.problem.starts_with("is missing"));
    }
}
