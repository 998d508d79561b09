//! Transformation strings (`generate_transformation_string`): the whole parameter table, chained and
//! named transformations, variables, conditions, layers, ranges and video codecs.

use crate::error::{Error, Result};
use crate::expression::{normalize, normalize_owned};
use crate::layer::process_layer;
use crate::prelude::*;
use crate::value::{cmp_utf16, Map, Value};

/// Parameters copied as they are, `(option, short key)`.
const SIMPLE_PARAMS: &[(&str, &str)] = &[
    ("audio_codec", "ac"),
    ("audio_frequency", "af"),
    ("bit_rate", "br"),
    ("color_space", "cs"),
    ("default_image", "d"),
    ("delay", "dl"),
    ("density", "dn"),
    ("duration", "du"),
    ("end_offset", "eo"),
    ("fetch_format", "f"),
    ("gravity", "g"),
    ("page", "pg"),
    ("prefix", "p"),
    ("start_offset", "so"),
    ("streaming_profile", "sp"),
    ("video_codec", "vc"),
    ("video_sampling", "vs"),
];

/// No account: what the free functions (no config) read where the SDK reads `config()`.
pub(crate) static NO_ACCOUNT: Map = Map::new();

/// How deep transformations may nest (chains of chains, and an account's
/// `responsive_width_transformation` that asks for `responsive_width` itself, where the SDK recurses
/// until the stack overflows).
const MAX_NESTING: usize = 32;

/// Builds the transformation string for an options value: a string is used as it is, an array is a
/// chain, an object is one component (plus its own chained `transformation`s).
pub fn generate(options: &Value) -> Result<String> {
    generate_in(options, &NO_ACCOUNT, 0)
}

/// [`generate`] for an account: each component defaults `responsive_width` and `dpr` to the account's,
/// and `responsive_width` appends the account's `responsive_width_transformation`, as the SDK does with
/// its global config.
pub(crate) fn generate_in(options: &Value, account: &Map, depth: usize) -> Result<String> {
    if depth > MAX_NESTING {
        return Err(Error::invalid_option("Transformations nest too deeply"));
    }
    match options {
        Value::String(s) => Ok(s.clone()),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                let part = generate_in(item, account, depth + 1)?;
                if !part.is_empty() {
                    parts.push(part);
                }
            }
            Ok(parts.join("/"))
        }
        Value::Object(map) => component(map.clone(), account, depth).map(|(s, _)| s),
        Value::Null | Value::Undefined => {
            Err(Error::invalid_option("A transformation must not be null"))
        }
        Value::Bool(_) | Value::Number(_) => Ok(String::new()),
    }
}

/// Builds from an options object, consuming the transformation keys from it (as the SDK does), so that
/// the caller can go on reading the URL options that remain. `account`: see [`generate_in`].
pub fn generate_from_options(options: &mut Map, account: &Map) -> Result<String> {
    let taken = core::mem::take(options);
    let (result, rest) = component(taken, account, 0)?;
    *options = rest;
    Ok(result)
}

fn string_method(value: Value, option: &str) -> Result<Option<String>> {
    match value {
        Value::String(s) => Ok(Some(s)),
        v if v.truthy() => Err(Error::invalid_option(format!("{option} must be a string"))),
        _ => Ok(None),
    }
}

/// `value && value.replace(/^#/, "rgb:")`: falsy values are kept, truthy non-strings are errors.
fn hash_to_rgb(value: Value, option: &str) -> Result<Value> {
    if !value.truthy() {
        return Ok(value);
    }
    match string_method(value, option)? {
        Some(s) => Ok(rgb(&s).into()),
        None => Ok(Value::Undefined),
    }
}

fn rgb(color: &str) -> String {
    match color.strip_prefix('#') {
        Some(rest) => format!("rgb:{rest}"),
        None => color.to_owned(),
    }
}

/// One transformation component: the chained transformations first, then this component's own
/// `if`, variables, parameters and raw transformation. Returns it and the options it did not consume.
fn component(mut o: Map, account: &Map, depth: usize) -> Result<(String, Map)> {
    let responsive_width = o.consume_or("responsive_width", account);
    let (width, height) = dimensions(&mut o)?;
    let (mut chain, named) = chained(&mut o, account, depth)?;
    let if_value = match o.consume("if") {
        v if v.truthy() => Value::String(format!("if_{}", normalize(&v).to_js_string())),
        v => v,
    };
    let dpr = o.consume_or("dpr", account);
    let pairs = parameters(&mut o, [width, height, dpr], named)?;
    let variables = variables(&mut o)?;
    let raw = o.consume("raw_transformation");
    let mut own = String::new();
    for part in [if_value, variables.into(), pairs.into(), raw] {
        if part.truthy() {
            if !own.is_empty() {
                own.push(',');
            }
            part.write_js_string(&mut own);
        }
    }
    chain.push(own);
    if responsive_width.truthy() {
        chain.push(responsive_transformation(account, depth)?);
    }
    chain.retain(|s| !s.is_empty());
    let result = if chain.len() == 1 {
        chain.pop().unwrap_or_default()
    } else {
        chain.join("/")
    };
    Ok((result, o))
}

/// What `responsive_width` appends: the account's `responsive_width_transformation`, else
/// `{ width: "auto", crop: "limit" }`, built as a transformation of the account (its `dpr` applies) but
/// without its `responsive_width` (the SDK keeps that on and recurses until its stack overflows: a
/// deviation, see tests/vectors/deviations.json).
fn responsive_transformation(account: &Map, depth: usize) -> Result<String> {
    if account.is_empty() {
        return Ok("c_limit,w_auto".to_owned());
    }
    let mut plain = account.clone();
    plain.remove("responsive_width");
    match account.get("responsive_width_transformation") {
        t if t.truthy() => generate_in(t, &plain, depth + 1),
        _ => {
            let mut default = Map::with_capacity(2);
            default.set("width", "auto".into());
            default.set("crop", "limit".into());
            component(default, &plain, depth + 1).map(|(s, _)| s)
        }
    }
}

/// `width` and `height`, from `size` (`WxH`) when it is given (which also sets them in the options).
fn dimensions(o: &mut Map) -> Result<(Value, Value)> {
    let mut width = o.get("width").clone();
    let mut height = o.get("height").clone();
    let size = o.consume("size");
    if size.truthy() {
        let size = string_method(size, "size")?.unwrap_or_default();
        let mut parts = size.split('x');
        width = parts.next().map_or(Value::Undefined, Value::from);
        height = parts.next().map_or(Value::Undefined, Value::from);
        o.set("width", width.clone());
        o.set("height", height.clone());
    }
    Ok((width, height))
}

/// The `transformation` option: chained components (objects) or named transformations (strings).
fn chained(o: &mut Map, account: &Map, depth: usize) -> Result<(Vec<String>, String)> {
    let base = o.consume("transformation").to_array();
    let mut chain: Vec<String> = Vec::new();
    if !base.iter().any(Value::is_object) {
        return Ok((chain, Value::join(&base, ".")));
    }
    for tr in &base {
        chain.push(if tr.is_object() {
            generate_in(tr, account, depth + 1)?
        } else {
            let mut wrapper = Map::new();
            wrapper.set("transformation", tr.clone());
            component(wrapper, account, depth + 1)?.0
        });
    }
    Ok((chain, String::new()))
}

/// `effect`: an array joins with `:`, an object becomes `name:value` items.
fn effect_value(effect: Value) -> Value {
    match effect {
        Value::Array(items) => Value::join(&items, ":").into(),
        Value::Object(map) => Value::Array(
            map.iter()
                .map(|(k, v)| format!("{k}:{}", v.to_js_string()).into())
                .collect(),
        ),
        other => other,
    }
}

/// `border`: an object (or array) becomes `{width}px_solid_{color}`; digits alone are an HTML border
/// attribute (put back into the options), not a transformation.
fn border_value(o: &mut Map) -> Result<Value> {
    Ok(match o.consume("border") {
        b @ (Value::Object(_) | Value::Array(_)) => {
            let width = match b.get("width") {
                w if w.is_nullish() => "2".to_owned(),
                w => w.to_js_string(),
            };
            let color = match b.get("color") {
                c if c.is_nullish() => "black".to_owned(),
                Value::String(c) => rgb(c),
                _ => return Err(Error::invalid_option("border.color must be a string")),
            };
            Value::String(format!("{width}px_solid_{color}"))
        }
        b => {
            let s = b.to_js_string();
            if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) {
                o.set("border", b);
                Value::Undefined
            } else {
                b
            }
        }
    })
}

/// `offset` splits into `start_offset` and `end_offset`, which are normalised.
fn offsets(o: &mut Map) {
    if !o.get("offset").is_nullish() {
        let (start, end) = split_range(o.consume("offset"));
        o.set("start_offset", start);
        o.set("end_offset", end);
    }
    for key in ["start_offset", "end_offset"] {
        if o.get(key).truthy() {
            let normalised = normalize(o.get(key));
            o.set(key, normalised);
        }
    }
}

/// `fn_`: `custom_function`, else `custom_pre_function` as `pre:...`.
fn custom_function_value(o: &mut Map) -> Value {
    let custom_function = process_custom_function(o.consume("custom_function"));
    let custom_pre_function = match process_custom_function(o.consume("custom_pre_function")) {
        Value::String(s) => Value::String(format!("pre:{s}")),
        _ => Value::Null,
    };
    if custom_function.truthy() {
        custom_function
    } else {
        custom_pre_function
    }
}

/// Every present parameter as one `key_value` pair, sorted by key and joined with `,`.
fn parameters(o: &mut Map, [width, height, dpr]: [Value; 3], named: String) -> Result<String> {
    let crop = o.consume("crop");
    let angle = Value::join(&o.consume("angle").to_array(), ".");
    let background = hash_to_rgb(o.consume("background"), "background")?;
    let color = hash_to_rgb(o.consume("color"), "color")?;
    let effect = effect_value(o.consume("effect"));
    let border = border_value(o)?;
    let flags = Value::join(&o.consume("flags").to_array(), ".");
    offsets(o);
    let overlay = process_layer(o.consume("overlay"))?;
    let radius = process_radius(o.consume("radius"))?;
    let underlay = process_layer(o.consume("underlay"))?;
    let custom_function = custom_function_value(o);
    let fps = match o.consume("fps") {
        Value::Array(items) => Value::join(&items, "-").into(),
        other => other,
    };
    // Each present parameter becomes one `key_value` pair; absent ones cost nothing more.
    let mut pairs: Vec<String> = Vec::with_capacity(8);
    let mut add = |short: &str, value: Value| {
        if value.present() {
            let mut pair = String::with_capacity(16);
            pair.push_str(short);
            pair.push('_');
            value.write_js_string(&mut pair);
            pairs.push(pair);
        }
    };
    add("a", normalize_owned(angle.into()));
    add("ar", normalize_owned(o.consume("aspect_ratio")));
    add("b", background);
    add("bo", border);
    add("c", crop);
    add("co", color);
    add("dpr", normalize_owned(dpr));
    add("e", normalize_owned(effect));
    add("fl", flags.into());
    add("fn", custom_function);
    add("fps", fps);
    add("h", normalize_owned(height));
    add("ki", normalize_owned(o.consume("keyframe_interval")));
    add("l", overlay);
    add("o", normalize_owned(o.consume("opacity")));
    add("q", normalize_owned(o.consume("quality")));
    add("r", radius);
    add("t", named.into());
    add("u", underlay);
    add("w", normalize_owned(width));
    add("x", normalize_owned(o.consume("x")));
    add("y", normalize_owned(o.consume("y")));
    add("z", normalize_owned(o.consume("zoom")));
    for (name, short) in SIMPLE_PARAMS {
        let mut value = o.consume(name);
        if matches!(value, Value::Undefined) {
            continue;
        }
        if *short == "vc" {
            value = process_video_params(value);
        }
        if matches!(*short, "so" | "eo" | "du") {
            value = norm_range_value(value);
        }
        add(short, value);
    }
    crate::value::sort_small(&mut pairs, |a, b| cmp_utf16(a, b).is_lt());
    Ok(pairs.join(","))
}

/// `$name` options (sorted), then the `variables` list in order, as `$name_value` items.
fn variables(o: &mut Map) -> Result<String> {
    let variables_param = o.consume("variables");
    let mut dollar: Vec<String> = Vec::new();
    let dollar_keys: Vec<String> = o
        .keys()
        .filter(|k| k.starts_with('$'))
        .map(str::to_owned)
        .collect();
    for key in dollar_keys {
        let value = o.remove(&key);
        dollar.push(format!("{key}_{}", normalize(&value).to_js_string()));
    }
    crate::value::sort_small(&mut dollar, |a, b| cmp_utf16(a, b).is_lt());
    for pair in variables_list(&variables_param)? {
        dollar.push(format!(
            "{}_{}",
            pair.0.to_js_string(),
            normalize(&pair.1).to_js_string()
        ));
    }
    Ok(dollar.join(","))
}

/// The `variables` option: a list of `[name, value]` pairs.
fn variables_list(value: &Value) -> Result<Vec<(Value, Value)>> {
    let items = match value {
        Value::Undefined | Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => {
            return Err(Error::invalid_option(
                "variables must be an array of [name, value] pairs",
            ))
        }
    };
    items
        .iter()
        .map(|item| match item {
            Value::Array(pair) => Ok((
                pair.first().cloned().unwrap_or_default(),
                pair.get(1).cloned().unwrap_or_default(),
            )),
            Value::String(s) => {
                let mut chars = s.chars().map(|c| Value::String(c.to_string()));
                Ok((
                    chars.next().unwrap_or_default(),
                    chars.next().unwrap_or_default(),
                ))
            }
            _ => Err(Error::invalid_option(
                "variables must be an array of [name, value] pairs",
            )),
        })
        .collect()
}

fn process_radius(radius: Value) -> Result<Value> {
    if !radius.truthy() {
        return Ok(radius);
    }
    let items = match radius {
        Value::Array(items) => items,
        other => vec![other],
    };
    if items.is_empty() || items.len() > 4 {
        return Err(Error::invalid_option(
            "Radius array should contain between 1 and 4 values",
        ));
    }
    if items.iter().any(|v| matches!(v, Value::Null)) {
        return Err(Error::invalid_option("Corner: Cannot be null"));
    }
    let normalised: Vec<Value> = items.iter().map(normalize).collect();
    Ok(Value::join(&normalised, ":").into())
}

fn process_custom_function(value: Value) -> Value {
    if !value.is_object() {
        return value;
    }
    let kind = value.get("function_type");
    let source = value.get("source");
    if kind.as_str() == Some("remote") {
        let encoded = crate::encoding::base64_encode_url(&source.to_js_string());
        return Value::String(format!("remote:{encoded}"));
    }
    Value::join(&[kind.clone(), source.clone()], ":").into()
}

fn process_video_params(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut video = String::new();
            if map.has("codec") {
                video = map.get("codec").to_js_string();
                if map.has("profile") {
                    video = format!("{video}:{}", map.get("profile").to_js_string());
                    if map.has("level") {
                        video = format!("{video}:{}", map.get("level").to_js_string());
                    }
                }
            }
            video.into()
        }
        s @ Value::String(_) => s,
        _ => Value::Null,
    }
}

/// Matches `^(([0-9]*)\.([0-9]+)|([0-9]+))([%pP])?$`, returning the number and whether a modifier follows.
fn match_range_value(s: &str) -> Option<(&str, bool)> {
    let (number, modifier) = match s.strip_suffix(['%', 'p', 'P']) {
        Some(n) => (n, true),
        None => (s, false),
    };
    let valid = match number.split_once('.') {
        Some((int, frac)) => {
            int.bytes().all(|b| b.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
    };
    valid.then_some((number, modifier))
}

fn norm_range_value(value: Value) -> Value {
    let s = value.to_js_string();
    match match_range_value(&s) {
        Some((number, modifier)) => format!("{number}{}", if modifier { "p" } else { "" }).into(),
        None => value,
    }
}

/// Whether `s` contains `<number>[%pP]?..<number>` anywhere (the SDK's unanchored range test).
fn contains_range(s: &str) -> bool {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(pos) = s[from..].find("..") {
        let at = from + pos;
        let before_ok = at >= 1
            && (b[at - 1].is_ascii_digit()
                || (matches!(b[at - 1], b'%' | b'p' | b'P')
                    && at >= 2
                    && b[at - 2].is_ascii_digit()));
        let after = &b[at + 2..];
        let after_ok = after.first().is_some_and(u8::is_ascii_digit)
            || (after.first() == Some(&b'.') && after.get(1).is_some_and(u8::is_ascii_digit));
        if before_ok && after_ok {
            return true;
        }
        from = at + 1;
    }
    false
}

/// `split_range` followed by the SDK's destructuring `[start, end] = ...`.
fn split_range(range: Value) -> (Value, Value) {
    let nth = |items: &[Value], i: usize| items.get(i).cloned().unwrap_or_default();
    match range {
        Value::String(s) => {
            let items: Vec<Value> = if contains_range(&s) {
                s.split("..").map(Value::from).collect()
            } else {
                // A string that is not a range is destructured character by character.
                s.chars()
                    .take(2)
                    .map(|c| Value::String(c.to_string()))
                    .collect()
            };
            (nth(&items, 0), nth(&items, 1))
        }
        Value::Array(items) => (nth(&items, 0), items.last().cloned().unwrap_or_default()),
        _ => (Value::Null, Value::Null),
    }
}
