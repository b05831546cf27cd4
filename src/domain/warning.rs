//! Non-fatal findings reported in the response envelope's `warnings` array.

use std::collections::BTreeMap;

use serde::Serialize;

/// One warning: a stable code, a sentence for people and string metadata for programs.
///
/// Metadata values are strings, as the upstream API documents; lists of ids are joined
/// with commas, which ids cannot contain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub description: String,
    pub metadata: BTreeMap<String, String>,
}

impl Warning {
    pub fn new(code: &'static str, description: String) -> Self {
        Self {
            code,
            description,
            metadata: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.metadata.insert(key.to_owned(), value.into());
        self
    }
}
