//! The one error type that crosses both bindings, with stable codes.

use std::fmt;

/// A stable, machine-readable error code. Its string form becomes `err.code` in JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// An argument has the wrong type or shape (e.g. a number where a string is required).
    InvalidArgument,
    /// An option has a value the SDK rejects (e.g. an unsupported `url_suffix`).
    InvalidOption,
    /// A required option (cloud_name, api_key, api_secret, ...) is missing.
    MissingOption,
    /// A signed identifier is malformed.
    InvalidIdentifier,
    /// A signature does not match.
    InvalidSignature,
    /// A signed identifier is valid but its resource type, type or format is not allowed by policy.
    IdentifierNotAllowed,
    /// The signature algorithm is neither `sha1` nor `sha256`.
    UnsupportedAlgorithm,
    /// A `CLOUDINARY_URL` or config object is malformed.
    InvalidConfig,
    /// A bug: an internal invariant failed (a caught panic, for example).
    Internal,
}

impl ErrorCode {
    /// The stable string form, e.g. `INVALID_SIGNATURE`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidOption => "INVALID_OPTION",
            ErrorCode::MissingOption => "MISSING_OPTION",
            ErrorCode::InvalidIdentifier => "INVALID_IDENTIFIER",
            ErrorCode::InvalidSignature => "INVALID_SIGNATURE",
            ErrorCode::IdentifierNotAllowed => "IDENTIFIER_NOT_ALLOWED",
            ErrorCode::UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
            ErrorCode::Internal => "INTERNAL",
        }
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
        Self::new(ErrorCode::MissingOption, format!("Must supply {name}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Error {}

/// The result type of every fallible core function.
pub type Result<T> = std::result::Result<T, Error>;
