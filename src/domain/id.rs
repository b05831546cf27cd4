//! Opaque identifiers used for dealers, departments, users and follow-ups.

use std::fmt;

use rand::RngCore;
use serde::Serialize;

/// An identifier as clients send it: 1 to 128 characters from `[A-Za-z0-9_-]`.
///
/// Ids are compared byte for byte and never case-folded. Both 64-character hex ids and
/// placeholder ids such as `follow-up-uuid-1` are valid; RFC 4122 form is not required.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OpaqueId(String);

/// Why a string is not a valid [`OpaqueId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("is empty; send 1 to {max} characters from A-Z, a-z, 0-9, '_' and '-'", max = OpaqueId::MAX_LEN)]
    Empty,
    #[error("is {length} characters long; the maximum is {max}", max = OpaqueId::MAX_LEN)]
    TooLong { length: usize },
    #[error("contains {character:?} at position {position}; only A-Z, a-z, 0-9, '_' and '-' are allowed")]
    InvalidCharacter { character: char, position: usize },
}

impl OpaqueId {
    /// Maximum length in characters.
    pub const MAX_LEN: usize = 128;

    /// Parses a client-supplied id.
    pub fn parse(value: &str) -> Result<Self, IdError> {
        if value.is_empty() {
            return Err(IdError::Empty);
        }
        let length = value.chars().count();
        if length > Self::MAX_LEN {
            return Err(IdError::TooLong { length });
        }
        let invalid = value
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'));
        match invalid {
            Some((position, character)) => Err(IdError::InvalidCharacter { character, position }),
            None => Ok(Self(value.to_owned())),
        }
    }

    /// Generates a new id of 64 lower-case hex characters from 32 random bytes.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// Wraps a value read back from storage, where it was validated on the way in.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for OpaqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hex_and_placeholder_ids() {
        let hex = "1798d108ffb4dc7be6c78754d0794f8c749ff94877e36ebb9547bdb48d378060";
        assert!(OpaqueId::parse(hex).is_ok());
        assert!(OpaqueId::parse("follow-up-uuid-1").is_ok());
        assert!(OpaqueId::parse("-f_LNZEWiHQg4AbTH-b_qmDTO8CKwkSQXCtpYFHfWGw").is_ok());
    }

    #[test]
    fn rejects_empty_long_and_foreign_characters() {
        assert_eq!(OpaqueId::parse(""), Err(IdError::Empty));
        let long = "a".repeat(129);
        assert_eq!(OpaqueId::parse(&long), Err(IdError::TooLong { length: 129 }));
        assert!(OpaqueId::parse(&"a".repeat(128)).is_ok());
        let err = OpaqueId::parse("ab c").unwrap_err();
        assert_eq!(
            err,
            IdError::InvalidCharacter {
                character: ' ',
                position: 2
            }
        );
        assert!(OpaqueId::parse("a\0b").is_err());
        assert!(OpaqueId::parse("é").is_err());
    }

    #[test]
    fn generated_ids_are_64_lower_hex() {
        let id = OpaqueId::generate();
        assert_eq!(id.as_str().len(), 64);
        assert!(id
            .as_str()
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(OpaqueId::parse(id.as_str()).is_ok());
    }
}
