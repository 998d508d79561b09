//! How a Cloudinary API status is reported and whether it is worth retrying (shared by the Node transport
//! and the browser's direct upload).

/// The stable code for an HTTP status of a failed call, and whether retrying may help.
pub fn classify(status: u16, upload: bool) -> (&'static str, bool) {
    let failed = if upload {
        "UPLOAD_FAILED"
    } else {
        "REQUEST_FAILED"
    };
    match status {
        400 => ("INVALID_REQUEST", false),
        401 | 403 => ("UNAUTHORIZED", false),
        404 => ("NOT_FOUND", false),
        408 => ("TIMEOUT", true),
        413 => ("PAYLOAD_TOO_LARGE", false),
        420 | 429 => ("RATE_LIMITED", true),
        500..=599 => (failed, true),
        _ => (failed, false),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn classifies() {
        assert_eq!(super::classify(429, true), ("RATE_LIMITED", true));
        assert_eq!(super::classify(502, false), ("REQUEST_FAILED", true));
        assert_eq!(super::classify(401, true), ("UNAUTHORIZED", false));
    }
}
