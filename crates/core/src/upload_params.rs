//! `build_upload_params`: upload options → the parameters sent (and signed) with an upload request.

use crate::encoding::decode_uri_component;
use crate::error::{Error, Result};
use crate::prelude::*;
use crate::transformation;
use crate::value::{Map, Value};

/// `as_safe_bool`: `true`/`"true"`/`"1"` → 1, `false`/`"false"`/`"0"` → 0, null/undefined → undefined,
/// anything else as it is.
pub fn as_safe_bool(value: &Value) -> Value {
    match value {
        Value::Undefined | Value::Null => Value::Undefined,
        Value::Bool(true) => Value::Number(1.0),
        Value::Bool(false) => Value::Number(0.0),
        Value::String(s) if s == "true" || s == "1" => Value::Number(1.0),
        Value::String(s) if s == "false" || s == "0" => Value::Number(0.0),
        other => other.clone(),
    }
}

use crate::fields::{copy_fields, Field};

/// The upload parameters in the SDK's key order (eager, responsive_breakpoints and transformation go between).
const FIELDS: &[Field] = &[
    Field::Raw("access_mode"),
    Field::Joined("allowed_formats"),
    Field::Raw("asset_folder"),
    Field::Bool("async"),
    Field::Bool("backup"),
    Field::Raw("callback"),
    Field::Bool("cinemagraph_analysis"),
    Field::Bool("colors"),
    Field::Raw("display_name"),
    Field::Bool("discard_original_filename"),
];

const FIELDS_AFTER_EAGER: &[Field] = &[
    Field::Bool("eager_async"),
    Field::Raw("eager_notification_url"),
    Field::Raw("eval"),
    Field::Bool("exif"),
    Field::Bool("faces"),
    Field::Raw("folder"),
    Field::Raw("format"),
    Field::Raw("filename_override"),
    Field::Bool("image_metadata"),
    Field::Bool("media_metadata"),
    Field::Bool("invalidate"),
    Field::Bool("clear_invalid"),
    Field::Raw("moderation"),
    Field::Raw("notification_url"),
    Field::Bool("overwrite"),
    Field::Bool("phash"),
    Field::Raw("proxy"),
    Field::Raw("public_id"),
    Field::Raw("public_id_prefix"),
    Field::Bool("quality_analysis"),
];

const FIELDS_AFTER_TRANSFORMATION: &[Field] = &[
    Field::Raw("type"),
    Field::Bool("unique_filename"),
    Field::Raw("upload_preset"),
    Field::Bool("use_filename"),
    Field::Bool("use_filename_as_display_name"),
    Field::Raw("quality_override"),
    Field::Bool("accessibility_analysis"),
    Field::Bool("use_asset_folder_as_public_id_prefix"),
    Field::Bool("visual_search"),
    Field::Raw("on_success"),
    Field::Raw("auto_transcription"),
    Field::Bool("auto_chaptering"),
];

/// Builds the upload parameters for `options`. `now_ms` (Unix milliseconds) gives the `timestamp`
/// (whole seconds, rounded down) when none is given.
/// Keys whose value is `undefined` are left out; `null`s the SDK produces are kept.
pub fn build_upload_params(options: &Map, now_ms: f64) -> Result<Map> {
    let mut params = Map::with_capacity(16);
    copy_fields(options, FIELDS, &mut params);
    params.push_new("eager", build_eager(options.get("eager"))?.into());
    copy_fields(options, FIELDS_AFTER_EAGER, &mut params);
    params.set(
        "responsive_breakpoints",
        responsive_breakpoints(options.get("responsive_breakpoints"))?,
    );
    params.set(
        "return_delete_token",
        as_safe_bool(options.get("return_delete_token")),
    );
    let timestamp = options.get("timestamp");
    params.set(
        "timestamp",
        if timestamp.truthy() {
            timestamp.clone()
        } else {
            Value::Number(crate::float::floor(now_ms / 1000.0))
        },
    );
    let transformation = transformation::generate_from_map(options)?;
    params.set(
        "transformation",
        decode_uri_component(&transformation)?.into(),
    );
    copy_fields(options, FIELDS_AFTER_TRANSFORMATION, &mut params);
    updateable_resource_params(options, &mut params)?;
    params.retain(|_, v| !matches!(v, Value::Undefined));
    Ok(params)
}

/// `build_eager`: each transformation's string, `/<format>` appended when it has one, joined by `|`.
pub fn build_eager(eager: &Value) -> Result<String> {
    let mut out = String::new();
    for (i, t) in eager.as_items().iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        out.push_str(&transformation::generate(t)?);
        let format = t.get("format");
        if !format.is_nullish() {
            out.push('/');
            format.write_js_string(&mut out);
        }
    }
    Ok(out)
}

fn responsive_breakpoints(value: &Value) -> Result<Value> {
    if value.is_nullish() {
        return Ok(Value::Null);
    }
    let mut breakpoints = value.to_array();
    for bp in breakpoints.iter_mut() {
        if let Value::Object(settings) = bp {
            let t = settings.get("transformation");
            if t.truthy() {
                let generated = transformation::generate(t)?;
                settings.set("transformation", generated.into());
            }
        }
    }
    Ok(Value::Array(breakpoints)
        .to_json()
        .map_or(Value::Undefined, Value::from))
}

/// The parameters shared by upload and `explicit`/`update` (`updateable_resource_params`).
fn updateable_resource_params(options: &Map, params: &mut Map) -> Result<()> {
    let given = |name: &str| !options.get(name).is_nullish();
    if given("access_control") {
        params.set(
            "access_control",
            json_array_param(options.get("access_control"))?,
        );
    }
    for name in ["auto_tagging", "background_removal", "categorization"] {
        if given(name) {
            params.set(name, options.get(name).clone());
        }
    }
    for name in ["context", "metadata"] {
        if given(name) {
            params.set(name, encode_context(options.get(name))?);
        }
    }
    if given("custom_coordinates") {
        params.set(
            "custom_coordinates",
            encode_double_array(options.get("custom_coordinates")).into(),
        );
    }
    if given("detection") {
        params.set("detection", options.get("detection").clone());
    }
    if given("face_coordinates") {
        params.set(
            "face_coordinates",
            encode_double_array(options.get("face_coordinates")).into(),
        );
    }
    if given("headers") {
        params.set("headers", build_custom_headers(options.get("headers")));
    }
    for name in [
        "notification_url",
        "ocr",
        "raw_convert",
        "similarity_search",
    ] {
        if given(name) {
            params.set(name, options.get(name).clone());
        }
    }
    if given("tags") {
        params.set("tags", joined_tags(options.get("tags")).into());
    }
    for name in [
        "quality_override",
        "asset_folder",
        "display_name",
        "unique_display_name",
        "visual_search",
    ] {
        if given(name) {
            params.set(name, options.get(name).clone());
        }
    }
    if given("regions") {
        params.set(
            "regions",
            options
                .get("regions")
                .to_json()
                .map_or(Value::Undefined, Value::from),
        );
    }
    match options.get("auto_transcription") {
        b @ Value::Bool(_) => params.set("auto_transcription", as_safe_bool(b)),
        v @ Value::Object(map) if map.has("translate") => params.set(
            "auto_transcription",
            v.to_json().map_or(Value::Undefined, Value::from),
        ),
        _ => {}
    }
    Ok(())
}

/// `tags`: a list joined with `,` (a single tag as it is).
fn joined_tags(tags: &Value) -> String {
    Value::join(tags.as_items(), ",")
}

/// `jsonArrayParam`: a JSON string is parsed, a single value wrapped in an array, then serialised.
fn json_array_param(data: &Value) -> Result<Value> {
    if !data.truthy() {
        return Ok(Value::Null);
    }
    let data = match data {
        Value::String(s) => crate::json::parse(s)?,
        other => other.clone(),
    };
    let data = match data {
        a @ Value::Array(_) => a,
        other => Value::Array(vec![other]),
    };
    Ok(data.to_json().map_or(Value::Undefined, Value::from))
}

/// Appends `String(value)` with `=` and `|` escaped; a null or undefined value is an error.
fn write_context_value(out: &mut String, value: &Value) -> Result<()> {
    let owned;
    let s = match value {
        Value::Undefined | Value::Null => {
            return Err(Error::invalid_option(
                "context values must not be null or undefined",
            ))
        }
        Value::String(s) => s.as_str(),
        other => {
            owned = other.to_js_string();
            owned.as_str()
        }
    };
    for c in s.chars() {
        if c == '=' || c == '|' {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(())
}

/// One `key=value` entry of a context (or what the SDK writes for a value it does not pair with its key).
fn write_context_entry(out: &mut String, key: &str, v: &Value) -> Result<()> {
    match v {
        Value::String(_) => {
            out.push_str(key);
            out.push('=');
            write_context_value(out, v)?;
        }
        Value::Array(items) => {
            out.push_str(key);
            out.push_str("=[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                write_context_value(out, item)?;
                out.push('"');
            }
            out.push(']');
        }
        Value::Number(n) if crate::float::fract(*n) == 0.0 && n.is_finite() => {
            out.push_str(key);
            out.push('=');
            write_context_value(out, v)?;
        }
        Value::Undefined | Value::Null => {
            return Err(Error::invalid_option(format!(
                "context value for {key} must not be null or undefined"
            )))
        }
        // The SDK writes other values without their key.
        other => other.write_js_string(out),
    }
    Ok(())
}

/// `encode_context`: `k=v|k=v` with `=` and `|` escaped; array values become `k=["a","b"]`.
pub fn encode_context(value: &Value) -> Result<Value> {
    let mut out = String::with_capacity(32);
    match value {
        Value::Object(map) => {
            for (i, (key, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                write_context_entry(&mut out, key, v)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                write_context_entry(&mut out, &i.to_string(), v)?;
            }
        }
        other => return Ok(other.clone()),
    }
    Ok(out.into())
}

/// `encodeDoubleArray`: `[[x,y,w,h],...]` → `x,y,w,h|...`.
pub fn encode_double_array(value: &Value) -> String {
    let mut rows = value.to_array();
    if !matches!(rows.first(), Some(Value::Array(_))) {
        rows = vec![Value::Array(rows)];
    }
    let encoded: Vec<String> = rows
        .iter()
        .map(|row| Value::join(row.as_items(), ","))
        .collect();
    encoded.join("|")
}

fn build_custom_headers(headers: &Value) -> Value {
    match headers {
        Value::Undefined | Value::Null => Value::Undefined,
        Value::Array(items) => Value::join(items, "\n").into(),
        Value::Object(map) => {
            let lines: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", v.to_js_string()))
                .collect();
            lines.join("\n").into()
        }
        other => other.clone(),
    }
}
