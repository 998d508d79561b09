//! Transport errors: Cloudinary's message and HTTP status, a stable code, and how the request ended
//! (not sent, maybe applied, answered), which is what retrying depends on.

use cirrus_core::retry::{Outcome, Stop};
use cirrus_core::{ErrorCode, Map, Value};
use std::fmt;
use std::sync::Arc;

/// A failed API call or upload. The message is Cloudinary's (or describes the network failure);
/// it never contains the api_secret, which is only ever hashed.
#[derive(Clone, Debug)]
pub struct TransportError {
    /// `TIMEOUT`, `RATE_LIMITED`, `UNAUTHORIZED`, `NOT_FOUND`, `INVALID_REQUEST`, `PAYLOAD_TOO_LARGE`,
    /// `ABORTED`, `UPLOAD_FAILED`, `REQUEST_FAILED`, or a core code (`INVALID_ARGUMENT`, ...).
    pub code: ErrorCode,
    /// What went wrong.
    pub message: String,
    /// The HTTP status (499 for a timeout, as the SDK reports it), when there was one.
    pub http_code: Option<u16>,
    /// How the request ended on the wire; `None` when it failed here before anything was sent.
    pub outcome: Option<Outcome>,
    /// The server's `Retry-After`, in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// What failed underneath (the HTTP client's error, an I/O error), for logs and `source()`.
    pub cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl PartialEq for TransportError {
    fn eq(&self, other: &Self) -> bool {
        (
            self.code,
            &self.message,
            self.http_code,
            self.outcome,
            self.retry_after_ms,
        ) == (
            other.code,
            &other.message,
            other.http_code,
            other.outcome,
            other.retry_after_ms,
        )
    }
}

impl TransportError {
    /// An error raised before anything was sent (bad options, unreadable file, ...): never retried.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        TransportError {
            code,
            message: message.into(),
            http_code: None,
            outcome: None,
            retry_after_ms: None,
            cause: None,
        }
    }

    /// The same error, remembering what caused it.
    pub fn caused_by(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Arc::new(cause));
        self
    }

    /// An error of a request that went (or tried to go) over the wire.
    pub fn on_wire(
        code: ErrorCode,
        message: impl Into<String>,
        http_code: Option<u16>,
        outcome: Outcome,
    ) -> Self {
        TransportError {
            http_code,
            outcome: Some(outcome),
            ..Self::new(code, message)
        }
    }

    /// The call was cancelled.
    pub fn aborted() -> Self {
        Self::new(ErrorCode::Aborted, "The request was aborted")
    }

    /// An error answered by the API with `status`, classified as Cloudinary's statuses are.
    pub fn from_status(status: u16, message: String, upload: bool) -> Self {
        let (code, _) = cirrus_core::http_status::classify(status, upload);
        Self::on_wire(code, message, Some(status), Outcome::Status(status))
    }

    /// Whether the server may have applied the failed request (so the asset may exist).
    pub fn maybe_applied(&self) -> bool {
        self.outcome.is_some_and(Outcome::maybe_applied)
    }

    /// Whether retrying could help (ignoring idempotency and the retry budget).
    pub fn transient(&self) -> bool {
        self.outcome.is_some_and(Outcome::transient)
    }

    /// The same error, saying why core's retry decision stopped (its [`Stop::note`]).
    pub(crate) fn stopped_because(mut self, stop: Stop) -> Self {
        self.message.push_str(stop.note());
        self
    }

    /// `{ code, message, http_code }` for the bindings.
    pub fn to_value(&self) -> Value {
        error_value(self.code.as_str(), &self.message, self.http_code)
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
        TransportError::new(e.code, e.message)
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

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}
