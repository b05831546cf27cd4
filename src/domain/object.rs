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

#[cfg(test)]
mod tests {
    use serde::Deserialize;

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
    fn null_for_an_optional_object_is_none() {
        let pair: Pair = serde_json::from_str(r#"{"second": null}"#).unwrap();
        assert_eq!(pair.second, None);
    }
}
