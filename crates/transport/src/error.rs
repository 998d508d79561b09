//! Transport errors: Cloudinary's message and HTTP status, plus a stable code.

use cirrus_core::{Map, Value};
use std::fmt;

/// A failed API call or upload. The message is Cloudinary's (or describes the network failure);
/// it never contains the api_secret, which is only ever hashed.
#[derive(Clone, Debug, PartialEq)]
pub struct TransportError {
    /// `TIMEOUT`, `RATE_LIMITED`, `UNAUTHORIZED`, `NOT_FOUND`, `INVALID_REQUEST`, `PAYLOAD_TOO_LARGE`,
    /// `ABORTED`, `UPLOAD_FAILED`, `REQUEST_FAILED`, or a core code (`INVALID_ARGUMENT`, ...).
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
    /// The HTTP status (499 for a timeout, as the SDK reports it), when there was one.
    pub http_code: Option<u16>,
    /// Whether trying again may succeed (network errors, timeouts, 429 and 5xx).
    pub retryable: bool,
}

impl TransportError {
    /// A new error.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        http_code: Option<u16>,
        retryable: bool,
    ) -> Self {
        TransportError {
            code,
            message: message.into(),
            http_code,
            retryable,
        }
    }

    /// The call was cancelled.
    pub fn aborted() -> Self {
        Self::new("ABORTED", "The request was aborted", None, false)
    }

    /// An error answered by the API with `status`, classified as Cloudinary's statuses are.
    pub fn from_status(status: u16, message: String, upload: bool) -> Self {
        let (code, retryable) = cirrus_core::http_status::classify(status, upload);
        Self::new(code, message, Some(status), retryable)
    }

    /// `{ code, message, http_code }` for the bindings.
    pub fn to_value(&self) -> Value {
        error_value(self.code, &self.message, self.http_code)
    }
}

/// The `{ code, message, http_code }` object a failed call reports to the bindings.
pub fn error_value(code: &str, message: &str, http_code: Option<u16>) -> Value {
    let mut m = Map::new();
    m.set("code", code.into());
    m.set("message", message.into());
    m.set(
        "http_code",
        http_code.map_or(Value::Undefined, |c| Value::Number(f64::from(c))),
    );
    Value::Object(m)
}

impl From<cirrus_core::Error> for TransportError {
    fn from(e: cirrus_core::Error) -> Self {
        TransportError::new(e.code.as_str(), e.message, None, false)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.http_code {
            Some(c) => write!(f, "{} ({}, HTTP {c})", self.message, self.code),
            None => write!(f, "{} ({})", self.message, self.code),
        }
    }
}

impl std::error::Error for TransportError {}
