//! Fast entry points that take their option objects as JSON text.
//!
//! Reading an object through N-API costs a few calls per property (keys, lookups, two calls per string),
//! which dominates a sub-microsecond `url()`. The JavaScript wrappers (npm/node/fast-args.cjs) check that
//! an argument is plain JSON-safe data — strings, finite numbers, booleans, null, arrays and plain objects,
//! nothing `undefined` — and send `JSON.stringify` of it here as one string; anything else takes the
//! ordinary (defensive) reader. Both paths produce the same core value, so results are identical.

use crate::{guard, now_arg, read, Cloudinary, Code, CoreResult, JsOut};
use cirrus_core::{api, json, Value};
use napi::bindgen_prelude::*;
use napi_derive::napi;

fn parse(text: &str) -> CoreResult<Value> {
    json::parse(text)
}

/// `url()` with the options as JSON text.
#[napi(skip_typescript)]
pub fn url_json(
    env: Env,
    public_id: Unknown,
    options: String,
    now: Unknown,
) -> Result<String, Code> {
    guard(|| {
        api::url_owned(
            &read(&env, &public_id, "publicId")?,
            parse(&options)?,
            now_arg(&env, &now)?,
        )
    })
}

/// `apiSignRequest()` with the params as JSON text.
#[napi(skip_typescript)]
pub fn api_sign_request_json(
    env: Env,
    params: String,
    api_secret: Unknown,
    signature_algorithm: Unknown,
    signature_version: Unknown,
) -> Result<String, Code> {
    guard(|| {
        api::api_sign_request(
            &parse(&params)?,
            &read(&env, &api_secret, "apiSecret")?,
            &read(&env, &signature_algorithm, "signatureAlgorithm")?,
            &read(&env, &signature_version, "signatureVersion")?,
        )
    })
}

/// `signRequest()` with both objects as JSON text.
#[napi(skip_typescript)]
pub fn sign_request_json(params: String, options: String) -> Result<JsOut, Code> {
    guard(|| api::sign_request(&parse(&params)?, &parse(&options)?).map(JsOut))
}

/// `buildUploadParams()` with the options as JSON text.
#[napi(skip_typescript)]
pub fn build_upload_params_json(env: Env, options: String, now: Unknown) -> Result<JsOut, Code> {
    guard(|| api::build_upload_params(&parse(&options)?, now_arg(&env, &now)?).map(JsOut))
}

#[napi]
impl Cloudinary {
    /// `url()` with this account's config and the options as JSON text.
    #[napi(skip_typescript)]
    pub fn url_json(
        &self,
        env: Env,
        public_id: Unknown,
        options: String,
        now: Unknown,
    ) -> Result<String, Code> {
        guard(|| {
            self.inner.url(
                &read(&env, &public_id, "publicId")?,
                &parse(&options)?,
                now_arg(&env, &now)?,
            )
        })
    }

    /// `apiSignRequest()` with this account's secret and the params as JSON text.
    #[napi(skip_typescript)]
    pub fn api_sign_request_json(&self, params: String) -> Result<String, Code> {
        guard(|| self.inner.api_sign_request(&parse(&params)?))
    }

    /// `signRequest()` with this account's credentials, both objects as JSON text.
    #[napi(skip_typescript)]
    pub fn sign_request_json(&self, params: String, options: String) -> Result<JsOut, Code> {
        guard(|| {
            self.inner
                .sign_request(&parse(&params)?, &parse(&options)?)
                .map(JsOut)
        })
    }
}
