//! Overlays and underlays (`l_` / `u_`): strings, fetch layers, text layers and asset layers.

use alloc::borrow::Cow;

use crate::encoding::{base64_encode_url, encode_uri_component, smart_escape_where};
use crate::error::{Error, Result};
use crate::prelude::*;
use crate::value::{Joined, Map, Value};

/// Text-style keywords with their defaults, in the SDK's order.
const KEYWORDS: &[(&str, Option<&str>)] = &[
    ("font_weight", Some("normal")),
    ("font_style", Some("normal")),
    ("text_decoration", Some("none")),
    ("text_align", None),
    ("stroke", Some("none")),
];

/// Builds the layer component for an `overlay`/`underlay` option value (a plain string or other value
/// is handed back as it is).
pub fn process_layer(layer: Cow<'_, Value>) -> Result<Cow<'_, Value>> {
    // A `fetch:` string stands for the fetch layer it names; any other string is used as it is.
    let fetched = match layer.as_str() {
        Some(s) => match fetch_layer(s) {
            Some(map) => Value::Object(map),
            None => return Ok(layer),
        },
        None => Value::Undefined,
    };
    let Some(fields) = layer_fields(if fetched.is_object() {
        &fetched
    } else {
        &layer
    }) else {
        return Ok(layer);
    };
    let mut resource_type = fields.get("resource_type").clone();
    let text = fields.get("text").clone();
    let mut kind = fields.get("type").clone();
    let mut public_id = fields.get("public_id").clone();
    let format = fields.get("format");
    let fetch_url = fields.get("url");

    if !text.is_empty() && resource_type.is_empty() {
        resource_type = "text".into();
    }
    if !fetch_url.is_empty() && kind.is_empty() {
        kind = "fetch".into();
    }
    if !public_id.is_empty() && !format.is_empty() {
        let mut joined = public_id.to_js_string();
        joined.push('.');
        format.write_js_string(&mut joined);
        public_id = joined.into();
    }
    let is_text = resource_type.as_str() == Some("text");
    let is_fetch = kind.as_str() == Some("fetch");
    if public_id.is_empty() && !is_text && !is_fetch {
        return Err(Error::invalid_option(
            "Must supply public_id for non-text overlay",
        ));
    }

    // The layer's components joined with `:`, written as they come (no list of them first).
    let mut parts = Joined::new(':');
    if !resource_type.is_empty() && resource_type.as_str() != Some("image") {
        resource_type.write_js_string(parts.next());
    }
    if !kind.is_empty() && kind.as_str() != Some("upload") {
        kind.write_js_string(parts.next());
    }
    if is_text || resource_type.as_str() == Some("subtitles") {
        if public_id.is_empty() && text.is_empty() {
            return Err(Error::invalid_option(
                "Must supply either text or public_in in overlay",
            ));
        }
        let style = text_style(fields)?;
        if !style.is_empty() {
            style.write_js_string(parts.next());
        }
        if !public_id.is_empty() {
            let id = slashes_to_colons(&public_id)?;
            parts.next().push_str(&id);
        }
        if !text.is_empty() {
            let text = text
                .as_str()
                .ok_or_else(|| Error::invalid_option("overlay text must be a string"))?;
            parts.next().push_str(&encode_text(text));
        }
    } else if is_fetch {
        parts
            .next()
            .push_str(&base64_encode_url(&fetch_url.to_js_string()));
    } else {
        let id = slashes_to_colons(&public_id)?;
        parts.next().push_str(&id);
    }
    Ok(Cow::Owned(Value::String(parts.text)))
}

/// Every `/` of a layer's public_id becomes `:`. (The SDK replaces only the first one, which breaks
/// nested folders; see tests/vectors/deviations.json.)
fn slashes_to_colons(public_id: &Value) -> Result<String> {
    match public_id {
        Value::String(s) => Ok(crate::scan::replace_byte(s, b'/', ":")),
        _ => Err(Error::invalid_option("overlay public_id must be a string")),
    }
}

/// `fetch:<url>` and `<resource_type>:fetch:<url>` string layers.
fn fetch_layer(s: &str) -> Option<Map> {
    let mut map = Map::new();
    if let Some(url) = s.strip_prefix("fetch:") {
        map.set("url", url.into());
    } else {
        let pos = crate::scan::find(s, ":fetch:")?;
        // The whole URL after `:fetch:`: the SDK keeps only up to the URL's own first `:`, which
        // turns every `video:fetch:https://...` into `https` (see tests/vectors/deviations.json).
        map.set("url", s[pos + ":fetch:".len()..].into());
        if pos > 0 {
            map.set("resource_type", s[..pos].into());
        }
    }
    map.set("type", "fetch".into());
    Some(map)
}

/// A non-null object (or array) layer's fields; other values pass through as they are.
fn layer_fields(layer: &Value) -> Option<&Map> {
    static EMPTY: Map = Map::new();
    match layer {
        Value::Object(m) => Some(m),
        Value::Array(_) => Some(&EMPTY),
        _ => None,
    }
}

fn text_style(layer: &Map) -> Result<Value> {
    let explicit = layer.get("text_style");
    if !explicit.is_empty() {
        return Ok(explicit.clone());
    }
    let mut keywords: Vec<Value> = Vec::new();
    for (attr, default) in KEYWORDS {
        let given = layer.get(attr);
        let value = if given.truthy() {
            given.clone()
        } else {
            default.map_or(Value::Null, Value::from)
        };
        let is_default = match (default, &value) {
            (Some(d), Value::String(v)) => v == d,
            (None, Value::Null) => true,
            _ => false,
        };
        if !is_default {
            keywords.push(value);
        }
    }
    for (attr, value) in layer.iter() {
        let prefix = match attr {
            "letter_spacing" | "line_spacing" => attr,
            "font_hinting" => "hinting",
            "font_antialiasing" => "antialias",
            _ => continue,
        };
        let mut keyword = crate::value::concat(&[prefix, "_"]);
        value.write_js_string(&mut keyword);
        keywords.push(keyword.into());
    }
    if !layer.has("font_size") && keywords.is_empty() {
        return Ok("".into());
    }
    let font_size = layer.get("font_size");
    let font_family = layer.get("font_family");
    if !font_size.truthy() {
        return Err(Error::invalid_option(
            "Must supply font_size for text in overlay/underlay",
        ));
    }
    if !font_family.truthy() {
        return Err(Error::invalid_option(
            "Must supply font_family for text in overlay/underlay",
        ));
    }
    // `[font_family, font_size, ...keywords].filter(truthy).join("_")`, written as it goes.
    let mut style = Joined::new('_');
    for value in [font_family, font_size].into_iter().chain(&keywords) {
        if value.truthy() {
            value.write_js_string(style.next());
        }
    }
    Ok(style.text.into())
}

/// Text is escaped part by part; `$(variable)` references are left as they are.
fn encode_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        match find_text_variable(rest) {
            Some((start, end)) => {
                out.push_str(&encode_text_part(&rest[..start]));
                out.push_str(&rest[start..end]);
                rest = &rest[end..];
            }
            None => {
                out.push_str(&encode_text_part(rest));
                break;
            }
        }
    }
    out
}

/// Finds `\$\([a-zA-Z]\w+\)`.
fn find_text_variable(s: &str) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(pos) = crate::scan::find(&s[from..], "$(") {
        let start = from + pos;
        let mut i = start + 2;
        if i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
            let word_start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if i > word_start && bytes.get(i) == Some(&b')') {
                return Some((start, i + 1));
            }
        }
        from = start + 1;
    }
    None
}

fn encode_text_part(part: &str) -> String {
    let escaped = smart_escape_where(part, |u| u == u16::from(b',') || u == u16::from(b'/'));
    let encoded = encode_uri_component(&escaped);
    crate::scan::replace_byte(
        &crate::scan::replace_byte(&encoded, b'(', "%28"),
        b')',
        "%29",
    )
}
