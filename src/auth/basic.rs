//! Parsing of the `Authorization: Basic ...` header (RFC 7617).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// A username and password taken from a Basic header.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// The reason an Authorization header value is not usable Basic credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BasicError {
    /// The header does not start with `Basic `. Its text is not echoed, because a client
    /// that left out the scheme sent its credentials in that place.
    #[error("the Authorization header does not use the Basic scheme; send Basic base64(username:password)")]
    WrongScheme,
    #[error("the Authorization header is not valid base64; send Basic base64(username:password)")]
    InvalidBase64,
    #[error("the decoded Authorization header is not UTF-8 text")]
    InvalidUtf8,
    #[error("the decoded Authorization header has no ':' between username and password")]
    MissingColon,
}

/// Parses a header value such as `Basic YXBpdXNlcjpzZWN1cmVwYXNz`.
///
/// The scheme name is case-insensitive; the password is everything after the first colon.
pub fn parse_basic(header: &[u8]) -> Result<BasicCredentials, BasicError> {
    let header = std::str::from_utf8(header)
        .map_err(|_| BasicError::InvalidUtf8)?
        .trim();
    let (scheme, encoded) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(BasicError::WrongScheme);
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| BasicError::InvalidBase64)?;
    let decoded = String::from_utf8(decoded).map_err(|_| BasicError::InvalidUtf8)?;
    let (username, password) = decoded.split_once(':').ok_or(BasicError::MissingColon)?;
    Ok(BasicCredentials {
        username: username.to_owned(),
        password: password.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let credentials = parse_basic(b"Basic YXBpdXNlcjpzZWN1cmVwYXNz").unwrap();
        assert_eq!(credentials.username, "apiuser");
        assert_eq!(credentials.password, "securepass");
        assert!(parse_basic(b"basic YXBpdXNlcjpzZWN1cmVwYXNz").is_ok());
    }

    #[test]
    fn rejects_malformed_headers() {
        assert!(matches!(parse_basic(b"Bearer abc"), Err(BasicError::WrongScheme)));
        assert_eq!(parse_basic(b"Basic !!!"), Err(BasicError::InvalidBase64));
        assert_eq!(parse_basic(b"Basic YWJj"), Err(BasicError::MissingColon));
        assert_eq!(parse_basic(b"Basic"), Err(BasicError::MissingColon));
        assert_eq!(parse_basic(&[0xff, 0xfe]), Err(BasicError::InvalidUtf8));
    }
}
