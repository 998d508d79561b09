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
        let text = |k: &str| match config.get(k) {
            v if v.is_nullish() => Err(TransportError::new(
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
                Value::String(p) if !p.is_empty() => p.trim_end_matches('/').to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

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
