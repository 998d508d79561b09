//! Media service errors: a stable code, a message, and what was done to keep both sides consistent.

use cirrus_core::{ErrorCode, Value};
use cirrus_transport::TransportError;

/// A failed media operation.
#[derive(Clone, Debug)]
pub struct MediaError {
    /// `MISSING_FILE`, `MISSING_OWNER`, `EMPTY_FILE`, `FILE_TOO_LARGE`, `UNSUPPORTED_TYPE`, `NOT_FOUND`,
    /// `REPOSITORY_FAILED`, `REPOSITORY_TIMEOUT`, `INTENT_EXPIRED`, `IDEMPOTENCY_IN_PROGRESS`, or a transport
    /// code (`UPLOAD_FAILED`, ...).
    pub code: ErrorCode,
    /// What went wrong.
    pub message: String,
    /// The HTTP status of a failed Cloudinary call.
    pub http_code: Option<u16>,
    /// The transport error underneath, when there is one.
    pub cause: Option<Box<TransportError>>,
}

impl PartialEq for MediaError {
    fn eq(&self, other: &Self) -> bool {
        (self.code, &self.message, self.http_code) == (other.code, &other.message, other.http_code)
    }
}

impl MediaError {
    /// A new error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        MediaError {
            code,
            message: message.into(),
            http_code: None,
            cause: None,
        }
    }

    /// The same error with `note` appended to its message (what was done about it).
    pub fn note(mut self, note: &str) -> Self {
        self.message = format!("{}; {note}", self.message);
        self
    }

    /// `{ code, message, http_code }`.
    pub fn to_value(&self) -> Value {
        cirrus_transport::error_value(self.code.as_str(), &self.message, self.http_code)
    }
}

impl From<TransportError> for MediaError {
    fn from(e: TransportError) -> Self {
        MediaError {
            code: e.code,
            message: e.message.clone(),
            http_code: e.http_code,
            cause: Some(Box::new(e)),
        }
    }
}

impl From<cirrus_core::Error> for MediaError {
    fn from(e: cirrus_core::Error) -> Self {
        MediaError::new(e.code, e.message)
    }
}

impl std::fmt::Display for MediaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for MediaError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}
