//! How a Cloudinary API status is reported and whether it is worth retrying (shared by the Node transport
//! and the browser's direct upload).

use crate::ErrorCode;

/// The stable code for an HTTP status of a failed call, and whether retrying may help.
pub fn classify(status: u16, upload: bool) -> (ErrorCode, bool) {
    let failed = if upload {
        ErrorCode::UploadFailed
    } else {
        ErrorCode::RequestFailed
    };
    match status {
        400 => (ErrorCode::InvalidRequest, false),
        401 | 403 => (ErrorCode::Unauthorized, false),
        404 => (ErrorCode::NotFound, false),
        408 => (ErrorCode::Timeout, true),
        413 => (ErrorCode::PayloadTooLarge, false),
        420 | 429 => (ErrorCode::RateLimited, true),
        500..=599 => (failed, true),
        _ => (failed, false),
    }
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
    }
}
