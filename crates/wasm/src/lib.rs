//! The cirrus browser package: thin wasm-bindgen adapters over `cirrus_core::api`.
//!
//! Every export converts its arguments to core values, calls core and converts the result back. Errors
//! are JS `Error`s whose `code` is the core's stable code. Functions that depend on the time take an
//! optional trailing `nowMs` (defaults to `Date.now()`) so results can be pinned.
#![deny(missing_docs)]

mod convert;
pub mod json_args;

use cirrus_core::{api, Error, ErrorCode, Value};
use convert::{js_error, read_value, write_value};
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

fn run<T>(f: impl FnOnce() -> Result<T, Error>) -> JsResult<T> {
    f().map_err(js_error)
}

/// The optional trailing `nowMs`: a number, or `Date.now()` when absent. (Taken as a JsValue: a typed
/// parameter would let wasm-bindgen's glue throw an uncoded TypeError for, say, a Symbol.)
pub(crate) fn now_ms(given: &JsValue) -> Result<f64, Error> {
    api::now_ms(&read_value(given, "nowMs")?, js_sys::Date::now)
}

/// A numeric argument.
fn number_arg(v: &JsValue, what: &str) -> Result<f64, Error> {
    v.as_f64()
        .ok_or_else(|| Error::invalid_argument(format!("{what} must be a number")))
}

/// Builds a delivery URL, exactly as the official SDK's `cloudinary.url()` (without analytics).
#[wasm_bindgen(js_name = url)]
pub fn url(public_id: JsValue, options: JsValue, now: JsValue) -> JsResult<String> {
    run(|| {
        api::url(
            &read_value(&public_id, "publicId")?,
            &read_value(&options, "options")?,
            now_ms(&now)?,
        )
    })
}

/// Signs request parameters (hex SHA-1 or SHA-256; signature version 1 or 2).
#[wasm_bindgen(js_name = apiSignRequest)]
pub fn api_sign_request(
    params: JsValue,
    api_secret: JsValue,
    signature_algorithm: JsValue,
    signature_version: JsValue,
) -> JsResult<String> {
    run(|| {
        api::api_sign_request(
            &read_value(&params, "params")?,
            &read_value(&api_secret, "apiSecret")?,
            &read_value(&signature_algorithm, "signatureAlgorithm")?,
            &read_value(&signature_version, "signatureVersion")?,
        )
    })
}

/// Clears blank params, signs them and adds `signature` and `api_key`.
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(params: JsValue, options: JsValue) -> JsResult<JsValue> {
    run(|| {
        api::sign_request(
            &read_value(&params, "params")?,
            &read_value(&options, "options")?,
        )
    })
    .map(|v| write_value(&v))
}

/// The upload parameters the SDK's `build_upload_params` would send.
#[wasm_bindgen(js_name = buildUploadParams)]
pub fn build_upload_params(options: JsValue, now: JsValue) -> JsResult<JsValue> {
    run(|| api::build_upload_params(&read_value(&options, "options")?, now_ms(&now)?))
        .map(|v| write_value(&v))
}

/// Verifies a signed identifier (`<resource_type>/<type>/v<version>/<public_id>[.<format>]#<signature>`).
#[wasm_bindgen(js_name = verifyIdentifier)]
pub fn verify_identifier(
    identifier: JsValue,
    api_secret: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    run(|| {
        api::verify_identifier(
            &read_value(&identifier, "identifier")?,
            &read_value(&api_secret, "apiSecret")?,
            &read_value(&options, "options")?,
        )
    })
    .map(|v| write_value(&v))
}

/// Generates an auth token (`__cld_token__=...`).
#[wasm_bindgen(js_name = generateAuthToken)]
pub fn generate_auth_token(options: JsValue, now: JsValue) -> JsResult<String> {
    run(|| api::generate_auth_token(&read_value(&options, "options")?, now_ms(&now)?))
}

/// Verifies a webhook notification's `X-Cld-Signature` for its body and `X-Cld-Timestamp`.
#[wasm_bindgen(js_name = verifyNotificationSignature)]
pub fn verify_notification_signature(
    body: JsValue,
    timestamp: JsValue,
    signature: JsValue,
    options: JsValue,
    now: JsValue,
) -> JsResult<bool> {
    run(|| {
        api::verify_notification_signature(
            &read_value(&body, "body")?,
            &read_value(&timestamp, "timestamp")?,
            &read_value(&signature, "signature")?,
            &read_value(&options, "options")?,
            now_ms(&now)?,
        )
    })
}

/// A signed Upload API URL that downloads a private or authenticated asset.
#[wasm_bindgen(js_name = privateDownloadUrl)]
pub fn private_download_url(
    public_id: JsValue,
    format: JsValue,
    options: JsValue,
    now: JsValue,
) -> JsResult<String> {
    run(|| {
        api::private_download_url(
            &read_value(&public_id, "publicId")?,
            &read_value(&format, "format")?,
            &read_value(&options, "options")?,
            now_ms(&now)?,
        )
    })
}

/// A signed URL that generates and downloads an archive.
#[wasm_bindgen(js_name = downloadArchiveUrl)]
pub fn download_archive_url(options: JsValue, now: JsValue) -> JsResult<String> {
    run(|| api::download_archive_url(&read_value(&options, "options")?, now_ms(&now)?))
}

/// A signed URL that generates and downloads a ZIP archive.
#[wasm_bindgen(js_name = downloadZipUrl)]
pub fn download_zip_url(options: JsValue, now: JsValue) -> JsResult<String> {
    run(|| api::download_zip_url(&read_value(&options, "options")?, now_ms(&now)?))
}

/// Parses a `CLOUDINARY_URL` into the SDK's config object.
#[wasm_bindgen(js_name = parseCloudinaryUrl)]
pub fn parse_cloudinary_url(url: JsValue) -> JsResult<JsValue> {
    run(|| api::parse_cloudinary_url(&read_value(&url, "url")?)).map(|v| write_value(&v))
}

/// The stable code of a failed call's HTTP status and whether to retry it: `{ code, retryable }`.
#[wasm_bindgen(js_name = classifyStatus)]
pub fn classify_status(status: JsValue, upload: JsValue) -> JsResult<JsValue> {
    let status = run(|| number_arg(&status, "status"))?;
    let status = if (0.0..=999.0).contains(&status) {
        status as u16
    } else {
        0
    };
    let (code, retryable) = cirrus_core::http_status::classify(status, upload.is_truthy());
    let mut m = cirrus_core::Map::new();
    m.set("code", code.into());
    m.set("retryable", retryable.into());
    Ok(write_value(&Value::Object(m)))
}

/// Chunks for a chunked upload of `total` bytes: `[[start, end], ...]` (inclusive ends).
#[wasm_bindgen(js_name = planChunks)]
pub fn plan_chunks(total: JsValue, chunk_size: JsValue) -> JsResult<JsValue> {
    let plan = run(|| {
        let total = number_arg(&total, "total")?;
        let size = number_arg(&chunk_size, "chunkSize")?;
        cirrus_core::chunks::plan(total.max(0.0) as u64, size.max(1.0) as u64)
    })?;
    let pairs: Vec<Value> = plan
        .iter()
        .map(|c| {
            Value::Array(vec![
                Value::Number(c.start as f64),
                Value::Number(c.end as f64),
            ])
        })
        .collect();
    Ok(write_value(&Value::Array(pairs)))
}

/// A client bound to one account's config. Its secrets stay in wasm memory: `JSON.stringify` shows a
/// redacted config. (In a browser, give it only what is public: cloud_name and URL settings.)
#[wasm_bindgen]
pub struct Cloudinary {
    inner: api::Client,
}

#[wasm_bindgen]
impl Cloudinary {
    /// From a config object (`{ cloud_name, ... }`) or a `CLOUDINARY_URL` string.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<Cloudinary> {
        run(|| {
            Ok(Cloudinary {
                inner: api::Client::new(&read_value(&config, "config")?)?,
            })
        })
    }

    /// From `process.env.CLOUDINARY_URL` where there is one (Node, SSR).
    #[wasm_bindgen(js_name = fromEnv)]
    pub fn from_env() -> JsResult<Cloudinary> {
        let env_url = ["process", "env", "CLOUDINARY_URL"]
            .iter()
            .try_fold(JsValue::from(js_sys::global()), |v, key| {
                js_sys::Reflect::get(&v, &(*key).into()).ok()
            })
            .and_then(|v| v.as_string());
        run(|| {
            let url = env_url
                .ok_or_else(|| Error::new(ErrorCode::MissingOption, "CLOUDINARY_URL is not set"))?;
            Ok(Cloudinary {
                inner: api::Client::new(&Value::String(url))?,
            })
        })
    }

    /// The configured cloud name.
    #[wasm_bindgen(getter, js_name = cloudName)]
    pub fn cloud_name(&self) -> Option<String> {
        self.inner.cloud_name().map(str::to_owned)
    }

    /// The config with secrets replaced by `[REDACTED]`.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        write_value(&self.inner.redacted_config())
    }

    /// `url()` with this account's config.
    pub fn url(&self, public_id: JsValue, options: JsValue, now: JsValue) -> JsResult<String> {
        run(|| {
            self.inner.url(
                &read_value(&public_id, "publicId")?,
                &read_value(&options, "options")?,
                now_ms(&now)?,
            )
        })
    }

    /// `apiSignRequest()` with this account's secret and signature settings.
    #[wasm_bindgen(js_name = apiSignRequest)]
    pub fn api_sign_request(&self, params: JsValue) -> JsResult<String> {
        run(|| self.inner.api_sign_request(&read_value(&params, "params")?))
    }

    /// `signRequest()` with this account's credentials (options may override them).
    #[wasm_bindgen(js_name = signRequest)]
    pub fn sign_request(&self, params: JsValue, options: JsValue) -> JsResult<JsValue> {
        run(|| {
            self.inner.sign_request(
                &read_value(&params, "params")?,
                &read_value(&options, "options")?,
            )
        })
        .map(|v| write_value(&v))
    }

    /// `buildUploadParams()` (no credentials are involved).
    #[wasm_bindgen(js_name = buildUploadParams)]
    pub fn build_upload_params(&self, options: JsValue, now: JsValue) -> JsResult<JsValue> {
        build_upload_params(options, now)
    }

    /// `verifyIdentifier()` with this account's secret.
    #[wasm_bindgen(js_name = verifyIdentifier)]
    pub fn verify_identifier(&self, identifier: JsValue, options: JsValue) -> JsResult<JsValue> {
        run(|| {
            self.inner.verify_identifier(
                &read_value(&identifier, "identifier")?,
                &read_value(&options, "options")?,
            )
        })
        .map(|v| write_value(&v))
    }

    /// `generateAuthToken()` over this account's `auth_token` settings.
    #[wasm_bindgen(js_name = generateAuthToken)]
    pub fn generate_auth_token(&self, options: JsValue, now: JsValue) -> JsResult<String> {
        run(|| {
            self.inner
                .generate_auth_token(&read_value(&options, "options")?, now_ms(&now)?)
        })
    }

    /// `verifyNotificationSignature()` with this account's secret.
    #[wasm_bindgen(js_name = verifyNotificationSignature)]
    pub fn verify_notification_signature(
        &self,
        body: JsValue,
        timestamp: JsValue,
        signature: JsValue,
        options: JsValue,
        now: JsValue,
    ) -> JsResult<bool> {
        run(|| {
            self.inner.verify_notification_signature(
                &read_value(&body, "body")?,
                &read_value(&timestamp, "timestamp")?,
                &read_value(&signature, "signature")?,
                &read_value(&options, "options")?,
                now_ms(&now)?,
            )
        })
    }

    /// `privateDownloadUrl()` with this account's config.
    #[wasm_bindgen(js_name = privateDownloadUrl)]
    pub fn private_download_url(
        &self,
        public_id: JsValue,
        format: JsValue,
        options: JsValue,
        now: JsValue,
    ) -> JsResult<String> {
        run(|| {
            self.inner.private_download_url(
                &read_value(&public_id, "publicId")?,
                &read_value(&format, "format")?,
                &read_value(&options, "options")?,
                now_ms(&now)?,
            )
        })
    }

    /// `downloadArchiveUrl()` with this account's config.
    #[wasm_bindgen(js_name = downloadArchiveUrl)]
    pub fn download_archive_url(&self, options: JsValue, now: JsValue) -> JsResult<String> {
        run(|| {
            self.inner
                .download_archive_url(&read_value(&options, "options")?, now_ms(&now)?)
        })
    }

    /// `downloadZipUrl()` with this account's config.
    #[wasm_bindgen(js_name = downloadZipUrl)]
    pub fn download_zip_url(&self, options: JsValue, now: JsValue) -> JsResult<String> {
        run(|| {
            self.inner
                .download_zip_url(&read_value(&options, "options")?, now_ms(&now)?)
        })
    }
}
