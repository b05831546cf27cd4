//! HTTP Basic authentication of service subscribers, with a cache of verified credentials.

mod authenticator;
mod basic;
pub mod password;
mod throttle;

pub use authenticator::{AuthError, Authenticator, AuthenticatorOptions, Subscriber};
pub use basic::{parse_basic, BasicCredentials, BasicError};
pub use throttle::{ThrottleOptions, ThrottleReason, Throttled};
