//! How a Cloudinary API status is reported and whether it is worth retrying (shared by the Node transport
//! and the browser's direct upload).

use crate::ErrorCode;

/// The stable code for an HTTP status of a failed call, and whether retrying may help: the retry
/// policy's own answer ([`crate::retry::Outcome::transient`]), so an error's `retryable` and what the
/// transport and the browser's uploads do with it never disagree.
pub fn classify(status: u16, upload: bool) -> (ErrorCode, bool) {
    let code = match status {
        400 => ErrorCode::InvalidRequest,
        401 | 403 => ErrorCode::Unauthorized,
        404 => ErrorCode::NotFound,
        408 => ErrorCode::Timeout,
        413 => ErrorCode::PayloadTooLarge,
        420 | 429 => ErrorCode::RateLimited,
        _ if upload => ErrorCode::UploadFailed,
        _ => ErrorCode::RequestFailed,
    };
    (code, crate::retry::Outcome::Status(status).transient())
}

#[cfg(test)]
mod tests {
    #[test]
    fn classifies() {
        use crate::ErrorCode;
        assert_eq!(super::classify(429, true), (ErrorCode::RateLimited, true));
        assert_eq!(
            super::classify(502, false),
            (ErrorCode::RequestFailed, true)
        );
        assert_eq!(super::classify(401, true), (ErrorCode::Unauthorized, false));
        assert_eq!(super::classify(408, true), (ErrorCode::Timeout, true));
        assert_eq!(super::classify(418, true), (ErrorCode::UploadFailed, false));
        assert_eq!(super::classify(0, false), (ErrorCode::RequestFailed, false));
    }

    /// Every status a server can send: `retryable` is the retry policy's answer. (Before, a status of 600
    /// or more was retried by the policy while its error said it was not retryable.)
    #[test]
    fn retryable_is_the_retry_policy() {
        use crate::retry::Outcome;
        for status in 0..=999u16 {
            let (_, retryable) = super::classify(status, true);
            assert_eq!(retryable, Outcome::Status(status).transient(), "{status}");
        }
        assert!(super::classify(600, true).1);
    }
}
