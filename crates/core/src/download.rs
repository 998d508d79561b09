//! Signed Upload-API URLs: `private_download_url`, `download_archive_url`, `download_zip_url`.

use crate::encoding::{encode_uri_component, querystring_escape};
use crate::error::{Error, Result};
use crate::fields::{copy_fields, Field};
use crate::prelude::*;
use crate::signing::{sign_request, SigningOptions};
use crate::upload_params::build_eager;
use crate::value::{number_to_string, Map, Value};

/// The default Upload API host.
pub const UPLOAD_PREFIX: &str = "https://api.cloudinary.com";

/// `api_url`: `<upload_prefix>/v1_1/<cloud_name>/<resource_type>/<action>`.
pub fn api_url(action: &str, options: &Map) -> Result<String> {
    let resource_type = match options.get("resource_type") {
        v if v.truthy() => v.to_js_string(),
        _ => "image".to_owned(),
    };
    let prefix = match options.get("upload_prefix") {
        Value::Undefined => UPLOAD_PREFIX.to_owned(),
        v => v.to_js_string(),
    };
    let cloud_name = match options.get("cloud_name") {
        Value::Undefined => return Err(Error::missing("cloud_name")),
        v => v.to_js_string(),
    };
    let encode = |part: &str| encode_uri_component(part).replacen('\'', "%27", 1);
    Ok(format!(
        "{prefix}/v1_1/{cloud_name}/{}/{}",
        encode(&resource_type),
        encode(action)
    ))
}

fn timestamp_or_now(options: &Map, now_ms: f64) -> Value {
    match options.get("timestamp") {
        v if v.truthy() => v.clone(),
        _ => Value::Number(crate::float::floor(now_ms / 1000.0)),
    }
}

/// Node's `querystring.stringify`.
fn querystring_stringify(params: &Map) -> String {
    let primitive = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_finite() => number_to_string(*n),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    let mut fields = Vec::new();
    for (k, v) in params.iter() {
        let key = querystring_escape(k);
        match v {
            Value::Array(items) => {
                for item in items {
                    fields.push(format!("{key}={}", querystring_escape(&primitive(item))));
                }
            }
            other => fields.push(format!("{key}={}", querystring_escape(&primitive(other)))),
        }
    }
    fields.join("&")
}

/// The SDK's `hashToQuery`: arrays become repeated `key[]=` parameters.
fn hash_to_query(params: &Map) -> String {
    let mut fields = Vec::new();
    for (k, v) in params.iter() {
        match v {
            Value::Array(items) => {
                let key = if k.ends_with("[]") {
                    k.to_owned()
                } else {
                    format!("{k}[]")
                };
                for item in items {
                    fields.push(format!(
                        "{}={}",
                        querystring_escape(&key),
                        querystring_escape(&item.to_js_string())
                    ));
                }
            }
            other => fields.push(format!(
                "{}={}",
                querystring_escape(k),
                querystring_escape(&other.to_js_string())
            )),
        }
    }
    fields.join("&")
}

/// A signed URL (timestamped `now_ms`, Unix milliseconds, unless `timestamp` is given) that downloads a private or authenticated asset through the Upload API.
pub fn private_download_url(
    public_id: &Value,
    format: &Value,
    options: &Map,
    now_ms: f64,
) -> Result<String> {
    let mut params = Map::new();
    params.set("timestamp", timestamp_or_now(options, now_ms));
    params.set("public_id", public_id.clone());
    params.set("format", format.clone());
    for key in ["type", "attachment", "expires_at"] {
        params.set(key, options.get(key).clone());
    }
    let signed = sign_request(&params, &SigningOptions::from_options(options)?);
    Ok(format!(
        "{}?{}",
        api_url("download", options)?,
        querystring_stringify(&signed)
    ))
}

/// The archive generation API's parameters, in the SDK's order (`timestamp` and `transformations` go between).
const ARCHIVE_FIELDS: &[Field] = &[
    Field::Bool("allow_missing"),
    Field::Bool("async"),
    Field::Raw("expires_at"),
    Field::Bool("flatten_folders"),
    Field::Bool("flatten_transformations"),
    Field::Bool("keep_derived"),
    Field::Raw("mode"),
    Field::Raw("notification_url"),
    Field::Array("prefixes"),
    Field::Array("fully_qualified_public_ids"),
    Field::Array("public_ids"),
    Field::Bool("skip_transformation_name"),
    Field::Array("tags"),
    Field::Raw("target_format"),
    Field::Raw("target_public_id"),
    Field::Raw("target_asset_folder"),
    Field::Array("target_tags"),
];

/// `archive_params`: the parameters of the archive generation API.
pub fn archive_params(options: &Map, now_ms: f64) -> Result<Map> {
    let mut p = Map::new();
    copy_fields(options, ARCHIVE_FIELDS, &mut p);
    p.set("timestamp", timestamp_or_now(options, now_ms));
    p.set(
        "transformations",
        build_eager(options.get("transformations"))?.into(),
    );
    copy_fields(
        options,
        &[Field::Raw("type"), Field::Bool("use_original_filename")],
        &mut p,
    );
    Ok(p)
}

/// A signed URL that generates and downloads an archive of the assets the options select.
pub fn download_archive_url(options: &Map, now_ms: f64) -> Result<String> {
    let mut with_mode = options.clone();
    with_mode.set("mode", "download".into());
    let mut params = archive_params(&with_mode, now_ms)?;
    params.set("mode", "download".into());
    let signed = sign_request(&params, &SigningOptions::from_options(options)?);
    Ok(format!(
        "{}?{}",
        api_url("generate_archive", options)?,
        hash_to_query(&signed)
    ))
}

/// [`download_archive_url`] with `target_format: "zip"`.
pub fn download_zip_url(options: &Map, now_ms: f64) -> Result<String> {
    let mut zip = options.clone();
    zip.set("target_format", "zip".into());
    download_archive_url(&zip, now_ms)
}
