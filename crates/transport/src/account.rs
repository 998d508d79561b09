//! The account a transport talks for: typed, with its secret in a [`Secret`] (whose `Debug` and
//! `Display` are redacted), read once from the config object.

use crate::error::TransportError;
use cirrus_core::{ErrorCode, Map, Secret, Value};

/// One Cloudinary account.
#[derive(Clone, Debug)]
pub struct Account {
    /// The cloud name.
    pub cloud_name: String,
    /// The API key.
    pub api_key: String,
    /// The API secret.
    pub api_secret: Secret,
    /// Where the Upload and Admin APIs are (`https://api.cloudinary.com` unless configured).
    pub api_prefix: String,
}

impl Account {
    /// From a config object (`cloud_name`; `api_key` and `api_secret`, which unsigned uploads do without;
    /// optional `upload_prefix`).
    pub fn from_config(config: &Map) -> Result<Account, TransportError> {
        let optional = |k: &str| match config.get(k) {
            v if v.is_nullish() => String::new(),
            v => v.to_js_string(),
        };
        // An empty cloud name is none: every URL would name no cloud, and each call would fail at the
        // server (or be retried) instead of here.
        let text = |k: &str| match config.get(k) {
            v if v.is_nullish() || v.as_str() == Some("") => Err(TransportError::new(
                ErrorCode::MissingOption,
                format!("Must supply {k}"),
            )),
            v => Ok(v.to_js_string()),
        };
        Ok(Account {
            cloud_name: text("cloud_name")?,
            api_key: optional("api_key"),
            api_secret: Secret::new(optional("api_secret")),
            api_prefix: match config.get("upload_prefix") {
                Value::String(p) if !p.is_empty() => api_prefix(p)?,
                _ => cirrus_core::download::UPLOAD_PREFIX.to_owned(),
            },
        })
    }

    /// The Admin API's `Authorization` header (HTTP Basic with the key and the secret).
    pub fn basic_auth(&self) -> String {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                self.api_key,
                self.api_secret.expose()
            ))
        )
    }

    /// `<prefix>/v1_1/<cloud>/<path>`.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/v1_1/{}/{path}", self.api_prefix, self.cloud_name)
    }
}

/// A configured `upload_prefix`: an http(s) URL naming a host (a typo would otherwise fail every call,
/// each retried as a network error), without its trailing `/`. (A scheme is case-insensitive; the error
/// shows no user:password a URL may carry.)
fn api_prefix(prefix: &str) -> Result<String, TransportError> {
    let after = |scheme: &str| {
        prefix
            .get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .map(|_| &prefix[scheme.len()..])
    };
    let host = after("https://")
        .or_else(|| after("http://"))
        .filter(|rest| !rest.is_empty() && !rest.starts_with('/'));
    match host {
        Some(_) => Ok(prefix.trim_end_matches('/').to_owned()),
        None => Err(TransportError::new(
            ErrorCode::InvalidConfig,
            format!(
                "upload_prefix must be an http:// or https:// URL, not {}",
                cirrus_core::secret::redact_userinfo(prefix)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(&str, &str)]) -> Map {
        let mut config = Map::new();
        for (k, v) in entries {
            config.set(k.to_string(), (*v).into());
        }
        config
    }

    #[test]
    fn a_config_that_names_no_cloud_or_no_api_is_refused_up_front() {
        let refused =
            |entries: &[(&str, &str)]| Account::from_config(&config(entries)).unwrap_err();
        assert_eq!(refused(&[]).code, ErrorCode::MissingOption);
        assert_eq!(
            refused(&[("cloud_name", "")]).message,
            "Must supply cloud_name"
        );
        for prefix in [
            "ftp://x",
            "api.cloudinary.com",
            "http://",
            "https:///v1",
            "localhost:8080",
        ] {
            let e = refused(&[("cloud_name", "demo"), ("upload_prefix", prefix)]);
            assert_eq!(e.code, ErrorCode::InvalidConfig, "{prefix}");
            assert!(e.message.contains(prefix), "{}", e.message);
        }
        let account = |prefix: &str| {
            Account::from_config(&config(&[
                ("cloud_name", "demo"),
                ("upload_prefix", prefix),
            ]))
            .unwrap()
        };
        assert_eq!(
            account("http://127.0.0.1:9/").api_url("image/upload"),
            "http://127.0.0.1:9/v1_1/demo/image/upload"
        );
        assert_eq!(
            account("https://api-eu.cloudinary.com").api_prefix,
            "https://api-eu.cloudinary.com"
        );
        assert_eq!(account("").api_prefix, cirrus_core::download::UPLOAD_PREFIX);
        assert_eq!(
            account("HTTPS://API.example").api_prefix,
            "HTTPS://API.example"
        );
        let secret = refused(&[
            ("cloud_name", "demo"),
            ("upload_prefix", "ftp://user:hunter2@host"),
        ]);
        assert!(!secret.message.contains("hunter2"), "{}", secret.message);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let mut config = Map::new();
        config.set("cloud_name", "demo".into());
        config.set("api_key", "123".into());
        config.set("api_secret", "top-secret-value".into());
        let account = Account::from_config(&config).unwrap();
        assert!(!format!("{account:?}").contains("top-secret"));
        assert_eq!(account.basic_auth(), "Basic MTIzOnRvcC1zZWNyZXQtdmFsdWU=");
    }
}
