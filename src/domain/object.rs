//! Request bodies decode from JSON objects only.
//!
//! serde's derived `Deserialize` for a struct also accepts a sequence of the field values
//! in declaration order, so `["f1", "ASSIGN"]` would decode like an object with those
//! fields. A client that sends an array almost certainly has a bug, and positional
//! decoding would silently bind its values to whichever fields come first. The
//! [`object_only!`](crate::object_only) macro gives a struct a `Deserialize` impl that
//! requests a map from the format and rejects anything else, while the derived code still
//! reads the fields, reports wrong types and catches duplicates.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::Deserializer;

use super::create::FIELD_ALIASES;
use super::update::ValidationError;

/// A struct whose fields decode from a map, through the code derived with
/// `#[serde(remote = "Self")]`.
pub trait FromFields: Sized {
    fn from_fields<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Decodes `T` from a map; any other value, a sequence included, is an invalid type.
pub fn deserialize_object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromFields,
{
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromFields> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_fields(MapAccessDeserializer::new(map))
    }
}

/// Implements `Deserialize` for a struct that derives it with `#[serde(remote = "Self")]`,
/// so that only a JSON object decodes into it.
#[macro_export]
macro_rules! object_only {
    ($type:ty) => {
        impl $crate::domain::object::FromFields for $type {
            fn from_fields<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$type>::deserialize(deserializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::domain::object::deserialize_object(deserializer)
            }
        }
    };
}

/// Returns the error for a field that an object gives twice, or `None` when `error` reports
/// something else.
///
/// serde's derived code reports a repeated key, and a field sent under both its name and its
/// alias, through `de::Error::duplicate_field`, whose message is "duplicate field `NAME`"
/// (serde 1.0.229). serde_json gives that error no kind of its own, so the message is
/// matched. `path` is where the object sits, as serde_path_to_error writes it: `.` for the
/// top level, or a path such as `followUps[0]`.
pub fn duplicate_field_error(path: &str, error: &serde_json::Error) -> Option<ValidationError> {
    let message = error.to_string();
    let name = duplicated_field(&message)?;
    let field = match path {
        "." => name.to_owned(),
        _ => format!("{path}.{name}"),
    };
    let problem = match FIELD_ALIASES.iter().find(|(canonical, _)| *canonical == name) {
        Some((canonical, alias)) => format!(
            "is given more than once: {canonical} and {alias} are two accepted spellings of \
             the same field, so send only one of them, once"
        ),
        None => "is given more than once; send each field once".to_owned(),
    };
    Some(ValidationError::new(field, None, problem))
}

/// Returns the field that a serde "duplicate field `NAME`" message names.
pub fn duplicated_field(message: &str) -> Option<&str> {
    Some(message.strip_prefix("duplicate field `")?.split_once('`')?.0)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::duplicate_field_error;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(remote = "Self")]
    struct Pair {
        first: Option<String>,
        second: Option<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(remote = "Self")]
    struct Inner {
        value: u8,
    }

    crate::object_only!(Pair);
    crate::object_only!(Inner);

    #[test]
    fn objects_decode_with_nested_objects() {
        let pair: Pair = serde_json::from_str(r#"{"first": "a", "second": {"value": 7}}"#).unwrap();
        assert_eq!(pair.second, Some(Inner { value: 7 }));
    }

    #[test]
    fn array_body_is_rejected() {
        let error = serde_json::from_str::<Pair>(r#"["a", {"value": 7}]"#).unwrap_err();
        assert!(error.to_string().contains("expected a JSON object"), "{error}");
    }

    #[test]
    fn nested_array_is_rejected() {
        let error = serde_json::from_str::<Pair>(r#"{"second": [7]}"#).unwrap_err();
        assert!(error.to_string().contains("expected a JSON object"), "{error}");
    }

    #[test]
    fn duplicate_fields_are_still_caught() {
        let error = serde_json::from_str::<Pair>(r#"{"first": "a", "first": "b"}"#).unwrap_err();
        assert!(error.to_string().contains("duplicate field"), "{error}");
    }

    #[test]
    fn duplicate_field_error_names_the_field() {
        let error = serde_json::from_str::<Pair>(r#"{"first": "a", "first": "b"}"#).unwrap_err();
        let duplicate = duplicate_field_error(".", &error).unwrap();
        assert_eq!(duplicate.field, "first");
        assert_eq!(duplicate.problem, "is given more than once; send each field once");
        let nested = duplicate_field_error("followUps[0]", &error).unwrap();
        assert_eq!(nested.field, "followUps[0].first");
    }

    #[test]
    fn duplicate_field_error_ignores_other_errors() {
        let error = serde_json::from_str::<Pair>(r#"{"first": 7}"#).unwrap_err();
        assert!(duplicate_field_error(".", &error).is_none());
    }

    #[test]
    fn null_for_an_optional_object_is_none() {
        let pair: Pair = serde_json::from_str(r#"{"second": null}"#).unwrap();
        assert_eq!(pair.second, None);
    }
}
