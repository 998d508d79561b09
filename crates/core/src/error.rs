//! The one error type that crosses both bindings, with stable codes.

use crate::prelude::*;
use core::fmt;

pub use crate::error_codes::ErrorCode;

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`] and a human message. Messages never contain secrets:
/// they are built only from option names and non-secret values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A human-readable message (the official SDK's wording where it has one).
    pub message: String,
}

impl Error {
    /// A new error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// `INVALID_ARGUMENT`.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    /// `INVALID_OPTION`.
    pub fn invalid_option(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidOption, message)
    }

    /// `MISSING_OPTION` with the SDK's `Must supply <name>` wording.
    pub fn missing(name: &str) -> Self {
        Self::new(ErrorCode::MissingOption, ["Must supply ", name].concat())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl core::error::Error for Error {}

/// The result type of every fallible core function.
pub type Result<T> = core::result::Result<T, Error>;
