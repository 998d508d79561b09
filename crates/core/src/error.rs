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

    /// `INVALID_ARGUMENT`: a binding's reader met more values than it reads (`what`: the argument).
    pub fn too_large(what: &str) -> Self {
        Self::invalid_argument(crate::value::concat(&[what, " is too large"]))
    }

    /// `INVALID_ARGUMENT`: a binding's reader met values nested deeper than it reads (a cycle does that).
    pub fn nested_too_deeply(what: &str) -> Self {
        Self::invalid_argument(crate::value::concat(&[
            what,
            " is nested too deeply (or cyclic)",
        ]))
    }

    /// `INVALID_ARGUMENT`: an object wider than [`crate::value::MAX_OBJECT_KEYS`].
    pub fn too_many_keys(what: &str) -> Self {
        let most = crate::digits::uint_string(crate::value::MAX_OBJECT_KEYS as u64);
        Self::invalid_argument(crate::value::concat(&[
            what,
            " has more than ",
            &most,
            " keys",
        ]))
    }

    /// `INVALID_ARGUMENT`: a value that is not plain data.
    pub fn not_plain_data(what: &str) -> Self {
        Self::invalid_argument(crate::value::concat(&[
            what,
            " must be a string, number, boolean, array or plain object (not a function, symbol or bigint)",
        ]))
    }

    /// `INVALID_ARGUMENT`: a binding could not read `what` (a getter or Proxy trap threw).
    pub fn unreadable(what: &str) -> Self {
        Self::invalid_argument(crate::value::concat(&["could not read ", what]))
    }

    /// `MISSING_OPTION` with the SDK's `Must supply <name>` wording.
    pub fn missing(name: &str) -> Self {
        Self::new(
            ErrorCode::MissingOption,
            crate::value::concat(&["Must supply ", name]),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The readers' messages, word for word: both bindings answer with them, and callers match on them.
    #[test]
    fn reader_messages() {
        let cases = [
            (Error::too_large("options"), "options is too large"),
            (
                Error::nested_too_deeply("options"),
                "options is nested too deeply (or cyclic)",
            ),
            (
                Error::too_many_keys("options"),
                "options has more than 10000 keys",
            ),
            (
                Error::not_plain_data("option width"),
                "option width must be a string, number, boolean, array or plain object (not a function, symbol or bigint)",
            ),
            (Error::unreadable("options"), "could not read options"),
        ];
        for (error, message) in cases {
            assert_eq!(error.code, ErrorCode::InvalidArgument);
            assert_eq!(error.message, message);
        }
    }
}
