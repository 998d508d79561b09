//! Secrets that cannot leak by accident: `Debug`, `Display` and JSON show `[REDACTED]`; the value is
//! read only where it is used (hashing), through [`Secret::expose`].

use crate::prelude::*;
use core::fmt;

/// A secret string (an api_secret, a proxy password, a token key).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself: call it only to hash or sign with it, never to show it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::config::REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::config::REDACTED)
    }
}

/// `scheme://user:password@host...` with the userinfo replaced by `[REDACTED]` (URLs of proxies and
/// API prefixes may carry credentials); other text is returned as it is.
pub fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = crate::scan::find(url, "://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match crate::scan::rfind_byte(&rest[..authority_end], b'@') {
        Some(at) => crate::value::concat(&[
            &url[..scheme_end + 3],
            crate::config::REDACTED,
            "@",
            &rest[at + 1..],
        ]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_itself() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "[REDACTED] [REDACTED]");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(
            redact_userinfo("http://user:pa@ss@proxy:3128/x?y@z"),
            "http://[REDACTED]@proxy:3128/x?y@z"
        );
        assert_eq!(
            redact_userinfo("https://api.cloudinary.com"),
            "https://api.cloudinary.com"
        );
    }
}
