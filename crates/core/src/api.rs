//! The JavaScript-facing API, on [`Value`]s: argument checking, option decoding and result shapes.
//!
//! Both bindings convert host values to [`Value`], call these functions and convert the result back,
//! so the Node addon and the wasm package cannot drift apart. Names follow the public JS API.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::hash::SignatureAlgorithm;
use crate::identifier::{self, IdentifierPolicy};
use crate::prelude::*;
use crate::signing::{self, SignatureVersion, SigningOptions};
use crate::time::Now;
use crate::value::{Map, Value};
use crate::{download, upload_params};

/// An options argument: an object, or nothing (an empty object).
fn object_arg<'a>(value: &'a Value, name: &str) -> Result<&'a Map> {
    static EMPTY: Map = Map::new();
    match value {
        Value::Object(m) => Ok(m),
        Value::Undefined | Value::Null => Ok(&EMPTY),
        _ => Err(not_an_object(name)),
    }
}

/// Params to sign: an object. Unlike an options argument, none is not an empty object: the SDK fails
/// on it (a TypeError), and signing nothing is a caller's mistake, not a request.
fn params_arg<'a>(value: &'a Value, name: &str) -> Result<&'a Map> {
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(not_an_object(name)),
    }
}

fn not_an_object(name: &str) -> Error {
    Error::invalid_argument(crate::value::concat(&[name, " must be an object"]))
}

fn string_arg(value: &Value, name: &str) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        _ => Err(Error::invalid_argument(crate::value::concat(&[
            name,
            " must be a string",
        ]))),
    }
}

/// A public id: a string, or a number (the SDK calls `toString()`).
fn public_id_string(public_id: &Value) -> Result<alloc::borrow::Cow<'_, str>> {
    match public_id {
        Value::String(s) => Ok(s.as_str().into()),
        Value::Number(n) => Ok(crate::value::number_to_string(*n).into()),
        _ => Err(Error::invalid_argument("publicId must be a string")),
    }
}

/// `url(publicId, options)`.
pub fn url(public_id: &Value, options: &Value, now: Now) -> Result<String> {
    crate::url::url(
        &public_id_string(public_id)?,
        object_arg(options, "options")?,
        now,
    )
}

/// The trailing `nowMs` argument of the time-dependent functions: a number, or the `clock` when absent
/// (read only if the call needs the time). A wrong type is refused here, before the call does anything.
pub fn now_arg(value: &Value, clock: fn() -> f64) -> Result<Now> {
    match value {
        Value::Undefined | Value::Null => Ok(Now::Clock(clock)),
        Value::Number(n) => Ok(Now::At(*n)),
        _ => Err(Error::invalid_argument("nowMs must be a number")),
    }
}

/// `apiSignRequest(params, apiSecret, signatureAlgorithm?, signatureVersion?)`.
pub fn api_sign_request(
    params: &Value,
    api_secret: &Value,
    algorithm: &Value,
    version: &Value,
) -> Result<String> {
    let params = params_arg(params, "params")?;
    let secret = string_arg(api_secret, "apiSecret")?;
    let algorithm = SignatureAlgorithm::from_option(algorithm)?;
    Ok(signing::api_sign_request(
        params,
        &secret,
        algorithm,
        SignatureVersion::from_option(version),
    ))
}

/// `apiSignRequest(params, apiSecret)` with the default algorithm (SHA-1) and signature version (2), the
/// params as flat text ([`signing::api_sign_request_flat`]): the bindings' fast path for params whose
/// values are all strings, numbers, booleans or null, which skips building a [`Value`] map.
pub fn api_sign_request_flat(flat: &str, api_secret: &str) -> Result<String> {
    signing::api_sign_request_flat(
        flat,
        api_secret,
        SignatureAlgorithm::Sha1,
        SignatureVersion::V2,
    )
}

/// `signRequest(params, { api_key, api_secret, signature_algorithm?, signature_version? })`.
pub fn sign_request(params: &Value, options: &Value) -> Result<Value> {
    let signing = SigningOptions::from_options(object_arg(options, "options")?)?;
    Ok(Value::Object(signing::sign_request(
        params_arg(params, "params")?,
        &signing,
    )))
}

/// [`sign_request`] taking the params and options by value (no copy of freshly read params).
pub fn sign_request_owned(params: Value, options: Value) -> Result<Value> {
    let signing = SigningOptions::from_options(object_arg(&options, "options")?)?;
    sign_parsed(params, &signing)
}

/// Signs params read from their text (an object) with options already read.
fn sign_parsed(params: Value, signing: &SigningOptions) -> Result<Value> {
    match params {
        Value::Object(params) => Ok(Value::Object(signing::sign_request_owned(params, signing))),
        _ => Err(not_an_object("params")),
    }
}

/// An answer for a binding: JSON text the core wrote itself, or a value.
#[derive(Debug)]
pub enum Answer {
    /// JSON text that `JSON.parse` turns into the answer exactly.
    Json(String),
    /// The answer as a value.
    Value(Value),
}

/// [`sign_request`] of params and options as text (flat or JSON; the bindings' fast path): params that
/// are flat scalars are signed and answered as JSON with no map built
/// ([`signing::sign_request_flat_json`]), others parsed and signed as usual.
pub fn sign_request_text(params: &str, options: &str) -> Result<Answer> {
    let signing = match SigningOptions::from_flat(options) {
        Some(signing) => signing?,
        None => SigningOptions::from_options(object_arg(
            &crate::flat::parse_arg(options, "options")?,
            "options",
        )?)?,
    };
    sign_text(params, &signing)
}

/// Signs params given as text with options already read: flat scalars straight from the text as JSON,
/// the rest parsed.
fn sign_text(params: &str, signing: &SigningOptions) -> Result<Answer> {
    if let Some(json) = signing::sign_request_flat_json(params, signing) {
        return Ok(Answer::Json(json));
    }
    sign_parsed(crate::flat::parse_arg(params, "params")?, signing).map(Answer::Value)
}

/// `buildUploadParams(options)`.
pub fn build_upload_params(options: &Value, now: Now) -> Result<Value> {
    upload_params::build_upload_params(object_arg(options, "options")?, now.ms()).map(Value::Object)
}

fn string_list(options: &Map, name: &str) -> Result<Vec<String>> {
    match options.get(name) {
        Value::Undefined | Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items.iter().map(|v| string_arg(v, name)).collect(),
        _ => Err(Error::invalid_argument(crate::value::concat(&[
            name,
            " must be an array of strings",
        ]))),
    }
}

/// `verifyIdentifier(identifier, apiSecret, { signature_algorithm?, allowed_resource_types?, allowed_types?,
/// allowed_formats? })` → `{ resource_type, type, version, public_id, format, identifier }`.
pub fn verify_identifier(identifier: &Value, api_secret: &Value, options: &Value) -> Result<Value> {
    let identifier = match identifier {
        Value::String(s) => s.clone(),
        _ => {
            return Err(Error::new(
                crate::ErrorCode::InvalidIdentifier,
                "The identifier must be a string",
            ))
        }
    };
    let secret = string_arg(api_secret, "apiSecret")?;
    let options = object_arg(options, "options")?;
    let policy = IdentifierPolicy {
        allowed_resource_types: string_list(options, "allowed_resource_types")?,
        allowed_types: string_list(options, "allowed_types")?,
        allowed_formats: string_list(options, "allowed_formats")?,
        algorithm: SignatureAlgorithm::from_option(options.get("signature_algorithm"))?,
    };
    let parsed = identifier::verify_identifier(&identifier, &secret, &policy)?;
    identifier_value(parsed, false)
}

/// `verifyIdentifier(identifier, apiSecret)` with no policy and the default algorithm, its result as text
/// (the bindings' fast path: one string crosses instead of an object): resource_type, type, version,
/// public_id, identifier and, if there is one, the format, separated by `\0`. `None` when a part holds
/// `\0` (the caller then takes the ordinary path).
pub fn verify_identifier_flat(identifier: &str, api_secret: &str) -> Result<Option<String>> {
    let parsed =
        identifier::verify_identifier_parts(identifier, api_secret, &IdentifierPolicy::default())?;
    version_number(parsed.version)?;
    let parts = [
        parsed.resource_type,
        parsed.kind,
        parsed.version,
        parsed.public_id,
        parsed.identifier,
        parsed.format.unwrap_or_default(),
    ];
    let count = if parsed.format.is_some() { 6 } else { 5 };
    let parts = &parts[..count];
    if parts.iter().any(|p| p.bytes().any(|b| b == 0)) {
        return Ok(None);
    }
    Ok(Some(parts.join("\0")))
}

/// A signed identifier's version digits as a number (at most 2^53 - 1, so JavaScript holds it exactly).
fn version_number(digits: &str) -> Result<f64> {
    match crate::value::parse_decimal(digits) {
        Some(v) if v <= 9_007_199_254_740_991.0 => Ok(v),
        _ => Err(Error::new(
            crate::ErrorCode::InvalidIdentifier,
            "The version is too large",
        )),
    }
}

/// `parseIdentifier(identifier)` → the parts of a signed identifier without checking its signature (no
/// secret needed: for a browser that shows what it uploaded): `verifyIdentifier`'s object plus `signature`.
pub fn parse_identifier(identifier: &Value) -> Result<Value> {
    match identifier {
        Value::String(s) => identifier_value(identifier::parse_identifier(s)?, true),
        _ => Err(Error::new(
            crate::ErrorCode::InvalidIdentifier,
            "The identifier must be a string",
        )),
    }
}

/// `explainSignature(params, { error?, signature?, api_secret?, signature_algorithm?, signature_version? })`
/// → the signature doctor's diagnosis of `params` (what the signer signed) against Cloudinary's error.
pub fn explain_signature(params: &Value, options: &Value, now: Now) -> Result<Value> {
    let params = object_arg(params, "params")?;
    let options = object_arg(options, "options")?;
    let text = |name: &str| -> Result<Option<String>> {
        match options.get(name) {
            Value::Undefined | Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(Error::invalid_argument(crate::value::concat(&[
                name,
                " must be a string",
            ]))),
        }
    };
    let (error, signature, secret) = (text("error")?, text("signature")?, text("api_secret")?);
    let inputs = crate::signature_doctor::Inputs {
        error: error.as_deref(),
        signature: signature.as_deref(),
        api_secret: secret.as_deref(),
        algorithm: SignatureAlgorithm::from_option(options.get("signature_algorithm"))?,
        version: SignatureVersion::from_option(options.get("signature_version")),
        now_secs: now.ms() / 1000.0,
    };
    Ok(crate::signature_doctor::diagnose(params, &inputs).to_value())
}

/// An identifier's parts as the JS object both functions return.
fn identifier_value(parsed: identifier::SignedIdentifier, with_signature: bool) -> Result<Value> {
    let version = version_number(&parsed.version)?;
    let mut out = Map::new();
    out.set("resource_type", parsed.resource_type.into());
    out.set("type", parsed.kind.into());
    out.set("version", Value::Number(version));
    out.set("public_id", parsed.public_id.into());
    out.set("format", parsed.format.map_or(Value::Null, Value::from));
    out.set("identifier", parsed.identifier.into());
    if with_signature {
        out.set("signature", parsed.signature.into());
    }
    Ok(Value::Object(out))
}

/// `generateAuthToken(options)`.
pub fn generate_auth_token(options: &Value, now: Now) -> Result<String> {
    crate::auth_token::generate_auth_token(object_arg(options, "options")?, now)
}

/// `verifyNotificationSignature(body, timestamp, signature, { api_secret, valid_for?, now?, signature_algorithm? })`.
/// `now` (Unix seconds) defaults to the call's time; `valid_for` to 7200 seconds, as in the SDK.
pub fn verify_notification_signature(
    body: &Value,
    timestamp: &Value,
    signature: &Value,
    options: &Value,
    now: Now,
) -> Result<bool> {
    // The SDK's order: the age check (a null timestamp counts as 0), the secret (its only throw), then
    // missing arguments answer false.
    let options = object_arg(options, "options")?;
    let number = |name: &str| -> Result<Option<f64>> {
        match options.get(name) {
            Value::Undefined | Value::Null => Ok(None),
            Value::Number(n) => Ok(Some(*n)),
            _ => Err(Error::invalid_argument(crate::value::concat(&[
                name,
                " must be a number",
            ]))),
        }
    };
    let valid_for = number("valid_for")?.unwrap_or(7200.0);
    // The caller's `now`, else the call's time (a clock is read only then).
    let now = match number("now")? {
        Some(n) => n,
        None => now.ms() / 1000.0,
    };
    if matches!(timestamp, Value::Null) && 0.0 < crate::float::round(now - valid_for) {
        return Ok(false);
    }
    let secret = match options.get("api_secret") {
        Value::String(s) => s.clone(),
        _ => return Err(Error::missing("api_secret")),
    };
    let (body, timestamp, signature) = match (body, timestamp, signature) {
        (Value::String(b), Value::String(_) | Value::Number(_), Value::String(s)) => {
            (b, timestamp.to_js_string(), s)
        }
        (b, t, s) if b.is_nullish() || t.is_nullish() || s.is_nullish() => return Ok(false),
        (Value::String(_), Value::String(_) | Value::Number(_), _) => {
            return Err(Error::invalid_argument("signature must be a string"))
        }
        (Value::String(_), _, _) => {
            return Err(Error::invalid_argument(
                "timestamp must be a number or a string",
            ))
        }
        _ => return Err(Error::invalid_argument("body must be a string")),
    };
    Ok(identifier::verify_notification_signature(
        body,
        &timestamp,
        signature,
        &secret,
        valid_for,
        now,
        SignatureAlgorithm::from_option(options.get("signature_algorithm"))?,
    ))
}

/// `privateDownloadUrl(publicId, format, options)`.
pub fn private_download_url(
    public_id: &Value,
    format: &Value,
    options: &Value,
    now: Now,
) -> Result<String> {
    download::private_download_url(public_id, format, object_arg(options, "options")?, now.ms())
}

/// `downloadArchiveUrl(options)`.
pub fn download_archive_url(options: &Value, now: Now) -> Result<String> {
    download::download_archive_url(object_arg(options, "options")?, now.ms())
}

/// `downloadZipUrl(options)`.
pub fn download_zip_url(options: &Value, now: Now) -> Result<String> {
    download::download_zip_url(object_arg(options, "options")?, now.ms())
}

/// `parseCloudinaryUrl(url)`.
pub fn parse_cloudinary_url(url: &Value) -> Result<Value> {
    crate::config::parse_cloudinary_url(&string_arg(url, "url")?).map(Value::Object)
}

#[cfg(feature = "cloudinary-url")]
fn config_from_url(url: &str) -> Result<Config> {
    Config::from_url(url)
}

/// Without the `cloudinary-url` feature (the browser module): a CLOUDINARY_URL holds the api_secret.
#[cfg(not(feature = "cloudinary-url"))]
fn config_from_url(_: &str) -> Result<Config> {
    Err(Error::new(
        crate::ErrorCode::NotInBrowserBuild,
        "a CLOUDINARY_URL config holds the api_secret: cirrus-web's browser build takes a config object (import cirrus-web/full on a server or worker)",
    ))
}

/// A per-instance client: every call's options are laid over its config (`{...config, ...options}`), so
/// several accounts can live in one process. Its `Debug` never shows secrets.
#[derive(Clone, Debug, Default)]
pub struct Client {
    config: Config,
}

impl Client {
    /// A client from a config object (the SDK's keys), or a `CLOUDINARY_URL` string.
    pub fn new(config: &Value) -> Result<Self> {
        let config = match config {
            Value::String(url) => config_from_url(url)?,
            Value::Object(map) => Config::new(map.clone()),
            _ => {
                return Err(Error::invalid_argument(
                    "config must be an object or a CLOUDINARY_URL string",
                ))
            }
        };
        Ok(Client { config })
    }

    /// The config with secrets redacted (for `toJSON` and `inspect`).
    pub fn redacted_config(&self) -> Value {
        Value::Object(self.config.redacted())
    }

    /// The config (secrets included: for signing only; never log it, its `Debug` is redacted).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The cloud name, if configured.
    pub fn cloud_name(&self) -> Option<&str> {
        self.config.cloud_name()
    }

    /// `options` laid over the config.
    pub fn options(&self, options: &Value) -> Result<Value> {
        Ok(Value::Object(
            self.config.merged(object_arg(options, "options")?),
        ))
    }

    fn secret(&self) -> Result<Value> {
        self.secret_str().map(Value::from)
    }

    fn secret_str(&self) -> Result<&str> {
        match self.config.values().get("api_secret") {
            Value::String(s) => Ok(s),
            _ => Err(Error::missing("api_secret")),
        }
    }

    /// The signing options of `options` laid over the config (see [`SigningOptions::from_layers`]).
    fn signing(&self, options: &Value) -> Result<SigningOptions> {
        SigningOptions::from_layers(object_arg(options, "options")?, self.config.values())
    }

    /// `url` with the config, read where the SDK reads its global config (see
    /// [`crate::url::url_for_account`]).
    pub fn url(&self, public_id: &Value, options: &Value, now: Now) -> Result<String> {
        let public_id = public_id_string(public_id)?;
        let options = object_arg(options, "options")?;
        crate::url::url_for_account(&public_id, options, self.config.values(), now)
    }

    /// `apiSignRequest` with the configured secret and algorithm.
    pub fn api_sign_request(&self, params: &Value) -> Result<String> {
        let values = self.config.values();
        api_sign_request(
            params,
            &self.secret()?,
            values.get("signature_algorithm"),
            values.get("signature_version"),
        )
    }

    /// [`Client::api_sign_request`] of params as text (the Node binding's fast path): flat scalar params
    /// are signed from the text ([`signing::api_sign_request_flat`]), others read as the object.
    pub fn api_sign_request_text(&self, params: &str) -> Result<String> {
        let values = self.config.values();
        let secret = self.secret_str()?;
        let algorithm = SignatureAlgorithm::from_option(values.get("signature_algorithm"))?;
        let version = SignatureVersion::from_option(values.get("signature_version"));
        match signing::api_sign_request_flat(params, secret, algorithm, version) {
            Ok(signature) => Ok(signature),
            // JSON text, nested values, or text JavaScript's writer does not make: read as the object.
            Err(_) => self.api_sign_request(&crate::flat::parse_arg(params, "params")?),
        }
    }

    /// `signRequest` with the configured credentials (options may override them).
    pub fn sign_request(&self, params: &Value, options: &Value) -> Result<Value> {
        let signing = self.signing(options)?;
        Ok(Value::Object(signing::sign_request(
            params_arg(params, "params")?,
            &signing,
        )))
    }

    /// [`Client::sign_request`] of params and options as text (the Node binding's fast path), as
    /// [`sign_request_text`]: flat scalar params are signed and answered as JSON with no map built.
    pub fn sign_request_text(&self, params: &str, options: &str) -> Result<Answer> {
        sign_text(
            params,
            &self.signing(&crate::flat::parse_arg(options, "options")?)?,
        )
    }

    /// `verifyIdentifier` with the configured secret and algorithm (options may add a policy).
    pub fn verify_identifier(&self, identifier: &Value, options: &Value) -> Result<Value> {
        let mut merged = object_arg(options, "options")?.clone();
        if merged.get("signature_algorithm").is_nullish() {
            merged.set(
                "signature_algorithm",
                self.config.values().get("signature_algorithm").clone(),
            );
        }
        verify_identifier(identifier, &self.secret()?, &Value::Object(merged))
    }

    /// `explainSignature` with the account's secret and algorithm (used to compare, never shown).
    pub fn explain_signature(&self, params: &Value, options: &Value, now: Now) -> Result<Value> {
        let mut merged = object_arg(options, "options")?.clone();
        for key in ["api_secret", "signature_algorithm", "signature_version"] {
            if merged.get(key).is_nullish() {
                merged.set(key, self.config.values().get(key).clone());
            }
        }
        explain_signature(params, &Value::Object(merged), now)
    }

    /// `generateAuthToken` over the configured `auth_token` settings.
    pub fn generate_auth_token(&self, options: &Value, now: Now) -> Result<String> {
        let mut merged = match self.config.values().get("auth_token") {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        merged.assign(object_arg(options, "options")?);
        generate_auth_token(&Value::Object(merged), now)
    }

    /// `verifyNotificationSignature` with the configured secret and algorithm.
    pub fn verify_notification_signature(
        &self,
        body: &Value,
        timestamp: &Value,
        signature: &Value,
        options: &Value,
        now: Now,
    ) -> Result<bool> {
        let mut merged = object_arg(options, "options")?.clone();
        for key in ["api_secret", "signature_algorithm"] {
            if merged.get(key).is_nullish() {
                merged.set(key, self.config.values().get(key).clone());
            }
        }
        verify_notification_signature(body, timestamp, signature, &Value::Object(merged), now)
    }

    /// `privateDownloadUrl` with the config.
    pub fn private_download_url(
        &self,
        public_id: &Value,
        format: &Value,
        options: &Value,
        now: Now,
    ) -> Result<String> {
        private_download_url(public_id, format, &self.options(options)?, now)
    }

    /// `downloadArchiveUrl` with the config.
    pub fn download_archive_url(&self, options: &Value, now: Now) -> Result<String> {
        download_archive_url(&self.options(options)?, now)
    }

    /// `downloadZipUrl` with the config.
    pub fn download_zip_url(&self, options: &Value, now: Now) -> Result<String> {
        download_zip_url(&self.options(options)?, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The account's text path answers what its value path answers: flat scalar params (JSON answer),
    /// nested params (parsed), options left out, overriding the account's key, or unreadable.
    #[test]
    fn client_sign_request_text_is_the_value_path() {
        let config =
            crate::json::parse(r#"{"cloud_name":"demo","api_key":"k1","api_secret":"s1"}"#)
                .unwrap();
        let client = Client::new(&config).unwrap();
        let params = [
            "12\0o\0ktimestamp\0n1700000000\0kpublic_id\0sa/b\0ktags\0sx&y\0kempty\0s\0kz\0z\0e",
            "9\0o\0ktimestamp\0n1\0ktags\0a\0sa\0sb\0e\0e",
            "2\0o\0e",
            r#"{"timestamp":1,"eager":[{"width":100}]}"#,
        ];
        let options = [
            "2\0o\0e",
            "4\0o\0kapi_key\0sk2\0e",
            "6\0o\0kapi_secret\0ss2\0ksignature_algorithm\0ssha256\0e",
            "4\0o\0ksignature_version\0n1\0e",
        ];
        let as_json = |answer: Answer| match answer {
            Answer::Json(text) => text,
            Answer::Value(value) => value.to_json().unwrap(),
        };
        for p in params {
            for o in options {
                let by_value = client.sign_request(
                    &crate::flat::parse_arg(p, "params").unwrap(),
                    &crate::flat::parse_arg(o, "options").unwrap(),
                );
                // The options laid over the account as one merged object, signed by the free function.
                let merged = match crate::flat::parse_arg(o, "options").unwrap() {
                    Value::Object(options) => Value::Object(client.config().merged(&options)),
                    _ => unreachable!(),
                };
                let by_merged =
                    sign_request(&crate::flat::parse_arg(p, "params").unwrap(), &merged);
                assert_eq!(
                    by_merged.map(|v| v.to_json()).ok(),
                    by_value.as_ref().map(|v| v.to_json()).ok(),
                    "{p:?} {o:?}"
                );
                let by_text = client.sign_request_text(p, o);
                assert_eq!(
                    by_text.map(as_json).ok(),
                    by_value.map(|v| v.to_json().unwrap()).ok(),
                    "{p:?} {o:?}"
                );
            }
        }
        assert!(client.sign_request_text("2\0o\0e", "x").is_err());
        for p in params
            .iter()
            .chain(&["4\0o\0ka\0n1.0\0e", "6\0o\0ka\0s1\0ka\0s2\0e"])
        {
            for config in [
                r#"{"api_secret":"s1"}"#,
                r#"{"api_secret":"s1","signature_algorithm":"sha256","signature_version":1}"#,
            ] {
                let client = Client::new(&crate::json::parse(config).unwrap()).unwrap();
                let by_value =
                    client.api_sign_request(&crate::flat::parse_arg(p, "params").unwrap());
                assert_eq!(
                    client.api_sign_request_text(p).ok(),
                    by_value.ok(),
                    "{p:?} {config}"
                );
            }
        }
        let no_secret =
            Client::new(&crate::json::parse(r#"{"cloud_name":"demo"}"#).unwrap()).unwrap();
        assert_eq!(
            no_secret
                .sign_request_text("2\0o\0e", "2\0o\0e")
                .unwrap_err()
                .code,
            no_secret
                .sign_request(&Value::Undefined, &Value::Undefined)
                .unwrap_err()
                .code,
        );
    }
}
