//! Entry points taking option objects as JSON text (see npm/web/fast-args.js): one string copied into
//! wasm memory instead of a `Reflect.get` and a string copy per property.

use crate::convert::read_value;
use crate::{now_ms, run, Cloudinary, JsResult};
use cirrus_core::{api, json, Error, Value};
use wasm_bindgen::prelude::*;

fn public_id(v: &JsValue) -> Result<Value, Error> {
    read_value(v, "publicId")
}

/// `url()` with the options as JSON text.
#[wasm_bindgen(js_name = urlJson, skip_typescript)]
pub fn url_json(public_id_value: JsValue, options: &str, now: JsValue) -> JsResult<String> {
    run(|| {
        api::url_owned(
            &public_id(&public_id_value)?,
            json::parse(options)?,
            now_ms(&now)?,
        )
    })
}

/// `apiSignRequest()` with the params as JSON text.
#[wasm_bindgen(js_name = apiSignRequestJson, skip_typescript)]
pub fn api_sign_request_json(
    params: &str,
    api_secret: JsValue,
    signature_algorithm: JsValue,
    signature_version: JsValue,
) -> JsResult<String> {
    run(|| {
        api::api_sign_request(
            &json::parse(params)?,
            &read_value(&api_secret, "apiSecret")?,
            &read_value(&signature_algorithm, "signatureAlgorithm")?,
            &read_value(&signature_version, "signatureVersion")?,
        )
    })
}

#[wasm_bindgen]
impl Cloudinary {
    /// `url()` with this account's config and the options as JSON text.
    #[wasm_bindgen(js_name = urlJson, skip_typescript)]
    pub fn url_json(
        &self,
        public_id_value: JsValue,
        options: &str,
        now: JsValue,
    ) -> JsResult<String> {
        run(|| {
            self.inner.url(
                &public_id(&public_id_value)?,
                &json::parse(options)?,
                now_ms(&now)?,
            )
        })
    }
}
