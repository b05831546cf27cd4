//! People named in requests: the user taking an action and the assignee.

use serde::{Deserialize, Serialize};

use super::id::OpaqueId;

/// A first or last name: at most 100 characters and no control characters. May be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

/// Why a string is not a valid [`PersonName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("is {length} characters long; the maximum is {max}", max = PersonName::MAX_LEN)]
    TooLong { length: usize },
    #[error("contains the control character {character:?}; send printable text only")]
    ControlCharacter { character: char },
}

impl PersonName {
    /// Maximum length in characters.
    pub const MAX_LEN: usize = 100;

    pub fn parse(value: &str) -> Result<Self, NameError> {
        let length = value.chars().count();
        if length > Self::MAX_LEN {
            return Err(NameError::TooLong { length });
        }
        if let Some(character) = value.chars().find(|c| c.is_control()) {
            return Err(NameError::ControlCharacter { character });
        }
        Ok(Self(value.to_owned()))
    }

    /// Wraps a value read back from storage, where it was validated on the way in.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user reference as the wire format carries it: `{uuid, fname, lname}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    pub uuid: OpaqueId,
    pub fname: PersonName,
    pub lname: PersonName,
}

/// A user reference exactly as decoded from JSON, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(remote = "Self")]
pub struct PersonInput {
    pub uuid: Option<String>,
    pub fname: Option<String>,
    pub lname: Option<String>,
}

crate::object_only!(PersonInput);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_limits() {
        assert!(PersonName::parse("").is_ok());
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse(&"x".repeat(101)),
            Err(NameError::TooLong { length: 101 })
        );
        assert_eq!(
            PersonName::parse("Jo\nhn"),
            Err(NameError::ControlCharacter { character: '\n' })
        );
    }
}
