//! Transformation strings (`generate_transformation_string`): the whole parameter table, chained and
//! named transformations, variables, conditions, layers, ranges and video codecs.
//!
//! A component reads its options where they are (the SDK consumes them from a copy; nothing read after
//! a component is one of its options, so reading leaves the same result): an option the caller did not
//! give costs a lookup, no copy and nothing to drop, and a value written as given is borrowed, not moved.

use alloc::borrow::Cow;

use crate::error::{Error, Result};
use crate::expression::{normalize, normalize_cow, normalize_string, write_normalized};
use crate::layer::process_layer;
use crate::prelude::*;
use crate::value::{cmp_utf16, Joined, Map, Value, UNDEFINED};

/// No account: what the free functions (no config) read where the SDK reads `config()`.
pub(crate) static NO_ACCOUNT: Map = Map::new();

/// How deep transformations may nest (chains of chains, and an account's
/// `responsive_width_transformation` that asks for `responsive_width` itself, where the SDK recurses
/// until the stack overflows).
const MAX_NESTING: usize = 32;

/// A parameter's value as it is written: the option's own (borrowed), or one worked out from it.
type Param<'a> = Cow<'a, Value>;

/// Builds the transformation string for an options value: a string is used as it is, an array is a
/// chain, an object is one component (plus its own chained `transformation`s).
pub fn generate(options: &Value) -> Result<String> {
    generate_in(options, &NO_ACCOUNT, 0)
}

/// The options a component reads besides its parameters ([`PARAMS`]) and `$name` variables.
pub(crate) const COMPONENT_OPTIONS: [&str; 9] = [
    "responsive_width",
    "width",
    "height",
    "size",
    "transformation",
    "if",
    "dpr",
    "variables",
    "raw_transformation",
];

/// [`generate`] of an options object that mostly holds other things (upload options): when none of
/// its keys is one a component reads (and no account adds any), the transformation is empty.
pub fn generate_from_map(options: &Map) -> Result<String> {
    let reads = options.iter().any(|(k, v)| {
        param_index(k, v).is_some() || COMPONENT_OPTIONS.contains(&k) || k.starts_with('$')
    });
    if !reads {
        return Ok(String::new());
    }
    component(options, &NO_ACCOUNT, 0)
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
        // A chain: its non-empty transformations joined with `/`.
        Value::Array(items) => {
            let mut chain = Joined::new('/');
            for item in items {
                let part = generate_in(item, account, depth + 1)?;
                if !part.is_empty() {
                    chain.next().push_str(&part);
                }
            }
            Ok(chain.text)
        }
        Value::Object(map) => component(map, account, depth),
        Value::Null | Value::Undefined => {
            Err(Error::invalid_option("A transformation must not be null"))
        }
        Value::Bool(_) | Value::Number(_) => Ok(String::new()),
    }
}

/// The transformation of a URL's options object (its other options are the URL's own). `account`:
/// see [`generate_in`].
pub fn generate_from_options(options: &Map, account: &Map) -> Result<String> {
    component(options, account, 0)
}

/// `normalize(value)`, borrowing what it leaves unchanged (most values: `fill`, `0.5`, `auto:good`).
fn normalized(value: Param<'_>) -> Param<'_> {
    match value {
        Cow::Borrowed(v @ Value::String(s)) => match normalize_cow(s) {
            Cow::Borrowed(_) => Cow::Borrowed(v),
            Cow::Owned(changed) => Cow::Owned(Value::String(changed)),
        },
        Cow::Owned(Value::String(s)) => Cow::Owned(Value::String(normalize_string(s))),
        other => other,
    }
}

/// `value && value.replace(/^#/, "rgb:")`: falsy values are kept, truthy non-strings are errors.
fn hash_to_rgb<'a>(value: Param<'a>, option: &str) -> Result<Param<'a>> {
    if !value.truthy() {
        return Ok(value);
    }
    let rgb = match value.as_str() {
        Some(color) => hash_rgb(color),
        None => return Err(must_be_a_string(option)),
    };
    Ok(match rgb {
        Some(rgb) => Cow::Owned(rgb.into()),
        None => value,
    })
}

fn must_be_a_string(option: &str) -> Error {
    Error::invalid_option(crate::value::concat(&[option, " must be a string"]))
}

/// `color.replace(/^#/, "rgb:")`, when that changes it.
fn hash_rgb(color: &str) -> Option<String> {
    color
        .strip_prefix('#')
        .map(|rest| crate::value::concat(&["rgb:", rest]))
}

/// One transformation component: the chained transformations first, then this component's own
/// `if`, variables, parameters and raw transformation.
fn component(o: &Map, account: &Map, depth: usize) -> Result<String> {
    let responsive_width = o.option_or("responsive_width", account).truthy();
    let (width, height) = dimensions(o)?;
    let (chain, named) = chained(o, account, depth)?;
    let if_value = match o.option("if") {
        v if v.truthy() => {
            let mut text = String::from("if_");
            write_normalized(v, &mut text);
            Some(text)
        }
        _ => None,
    };
    let dpr = Cow::Borrowed(o.option_or("dpr", account));
    // Parameters are worked out before the variables (the SDK's order: it decides which error shows) but
    // written after them: into one buffer, the parts joined by `,` as they come.
    let mut pairs = String::with_capacity(64);
    parameters(o, [width, height, dpr], named, &mut pairs)?;
    let variables = variables(o)?;
    let raw = o.option("raw_transformation");
    let own = if if_value.is_none() && variables.is_empty() && !raw.truthy() {
        pairs
    } else {
        let mut own = String::with_capacity(pairs.len() + 32);
        let comma = |own: &mut String| {
            if !own.is_empty() {
                own.push(',');
            }
        };
        for part in [if_value.as_deref().unwrap_or_default(), &variables, &pairs] {
            if !part.is_empty() {
                comma(&mut own);
                own.push_str(part);
            }
        }
        if raw.truthy() {
            comma(&mut own);
            raw.write_js_string(&mut own);
        }
        own
    };
    if chain.is_empty() && !responsive_width {
        return Ok(own);
    }
    // The chain, this component and the responsive part: the non-empty ones joined with `/`.
    let responsive = if responsive_width {
        responsive_transformation(account, depth)?
    } else {
        String::new()
    };
    // Copied into one text (moving a lone part instead, as the old code did, is +0.14 KB gzipped in
    // the browser module for one allocation in the few components that have one).
    let mut joined = Joined::new('/');
    for part in chain.iter().chain([&own, &responsive]) {
        if !part.is_empty() {
            joined.next().push_str(part);
        }
    }
    Ok(joined.text)
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
            component(&default, &plain, depth + 1)
        }
    }
}

/// `width` and `height`, from `size` (`WxH`) when it is given.
fn dimensions(o: &Map) -> Result<(Param<'_>, Param<'_>)> {
    let size = o.option("size");
    if !size.truthy() {
        return Ok((
            Cow::Borrowed(o.get("width")),
            Cow::Borrowed(o.get("height")),
        ));
    }
    let size = size.as_str().ok_or_else(|| must_be_a_string("size"))?;
    // `size.split("x")`'s first two parts (no character splitter in the browser module).
    let (width, height) = match crate::scan::split_once_byte(size, b'x') {
        Some((width, rest)) => {
            let height = crate::scan::split_once_byte(rest, b'x').map_or(rest, |(h, _)| h);
            (width, Value::from(height))
        }
        None => (size, Value::Undefined),
    };
    Ok((Cow::Owned(Value::from(width)), Cow::Owned(height)))
}

/// The `transformation` option: chained components (objects) or named transformations (strings).
fn chained(o: &Map, account: &Map, depth: usize) -> Result<(Vec<String>, String)> {
    let base = o.option("transformation").as_items();
    if !base.iter().any(Value::is_object) {
        return Ok((Vec::new(), Value::join(base, ".")));
    }
    let mut chain: Vec<String> = Vec::with_capacity(base.len());
    for tr in base {
        chain.push(if tr.is_object() {
            generate_in(tr, account, depth + 1)?
        } else {
            let mut wrapper = Map::new();
            wrapper.set("transformation", tr.clone());
            component(&wrapper, account, depth + 1)?
        });
    }
    Ok((chain, String::new()))
}

/// `effect`: an array joins with `:`, an object becomes `name:value` items.
fn effect_value(effect: Param<'_>) -> Param<'_> {
    match &*effect {
        Value::Array(items) => Cow::Owned(Value::join(items, ":").into()),
        Value::Object(map) => Cow::Owned(Value::Array(
            map.iter()
                .map(|(k, v)| crate::value::concat(&[k, ":", &v.to_js_string()]).into())
                .collect(),
        )),
        _ => effect,
    }
}

/// `border`: an object (or array) becomes `{width}px_solid_{color}`; digits alone are an HTML border
/// attribute, not a transformation.
fn border_value(border: Param<'_>) -> Result<Param<'_>> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    Ok(match &*border {
        b @ (Value::Object(_) | Value::Array(_)) => {
            let width = match b.get("width") {
                w if w.is_nullish() => "2".to_owned(),
                w => w.to_js_string(),
            };
            let color = match b.get("color") {
                c if c.is_nullish() => "black".to_owned(),
                Value::String(c) => hash_rgb(c).unwrap_or_else(|| c.clone()),
                _ => return Err(Error::invalid_option("border.color must be a string")),
            };
            Cow::Owned(Value::String(crate::value::concat(&[
                width.as_str(),
                "px_solid_",
                &color,
            ])))
        }
        Value::String(s) if digits(s) => Cow::Borrowed(&UNDEFINED),
        Value::String(_) => border,
        b if digits(&b.to_js_string()) => Cow::Borrowed(&UNDEFINED),
        _ => border,
    })
}

/// `fn_`: `custom_function`, else `custom_pre_function` as `pre:...`.
fn custom_function_value<'a>(
    custom_function: Param<'a>,
    custom_pre_function: Param<'a>,
) -> Param<'a> {
    let custom_function = process_custom_function(custom_function);
    if custom_function.truthy() {
        return custom_function;
    }
    match &*process_custom_function(custom_pre_function) {
        Value::String(s) => Cow::Owned(Value::String(crate::value::concat(&["pre:", s]))),
        _ => Cow::Owned(Value::Null),
    }
}

/// How a parameter option becomes the value of its `key_value` pair.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// As given.
    Raw,
    /// Through the expression normaliser (`normalize`).
    Normalized,
    /// A range (`norm_range_value`): `duration`, and the offsets (normalised first when truthy).
    Range,
    /// `video_codec`: an object becomes `codec[:profile[:level]]`.
    VideoCodec,
    /// Worked out by [`special_parameters`] (several options, errors).
    Special,
}

/// The options a transformation component takes as parameters, with their short keys: one table, read
/// in one walk of the options given (no lookup per name the caller did not give).
pub(crate) const PARAMS: [(&str, &str, Kind); 38] = [
    ("angle", "a", Kind::Special),
    ("aspect_ratio", "ar", Kind::Normalized),
    ("background", "b", Kind::Special),
    ("border", "bo", Kind::Special),
    ("color", "co", Kind::Special),
    ("crop", "c", Kind::Raw),
    ("custom_function", "fn", Kind::Special),
    ("custom_pre_function", "fn", Kind::Special),
    ("effect", "e", Kind::Special),
    ("end_offset", "eo", Kind::Range),
    ("flags", "fl", Kind::Special),
    ("fps", "fps", Kind::Special),
    ("keyframe_interval", "ki", Kind::Normalized),
    ("offset", "so", Kind::Special),
    ("opacity", "o", Kind::Normalized),
    ("overlay", "l", Kind::Special),
    ("quality", "q", Kind::Normalized),
    ("radius", "r", Kind::Special),
    ("start_offset", "so", Kind::Range),
    ("underlay", "u", Kind::Special),
    ("x", "x", Kind::Normalized),
    ("y", "y", Kind::Normalized),
    ("zoom", "z", Kind::Normalized),
    ("audio_codec", "ac", Kind::Raw),
    ("audio_frequency", "af", Kind::Raw),
    ("bit_rate", "br", Kind::Raw),
    ("color_space", "cs", Kind::Raw),
    ("default_image", "d", Kind::Raw),
    ("delay", "dl", Kind::Raw),
    ("density", "dn", Kind::Raw),
    ("duration", "du", Kind::Range),
    ("fetch_format", "f", Kind::Raw),
    ("gravity", "g", Kind::Raw),
    ("page", "pg", Kind::Raw),
    ("prefix", "p", Kind::Raw),
    ("streaming_profile", "sp", Kind::Raw),
    ("video_codec", "vc", Kind::VideoCodec),
    ("video_sampling", "vs", Kind::Raw),
];

// `Given` keeps a bit per parameter in a u64.
const _: () = assert!(PARAMS.len() <= 64);

/// The [`PARAMS`] index of `name`, worked out when compiling (a name not in the table does not compile).
const fn param(name: &str) -> usize {
    let mut i = 0;
    while i < PARAMS.len() {
        if same_name(PARAMS[i].0, name) {
            return i;
        }
        i += 1;
    }
    panic!("not a parameter")
}

const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The parameters' option names, in [`PARAMS`]'s order (for building [`PARAM_TABLE`] and the interned
/// names).
pub(crate) const PARAM_NAMES: [&str; PARAMS.len()] = {
    let mut names = [""; PARAMS.len()];
    let mut i = 0;
    while i < PARAMS.len() {
        names[i] = PARAMS[i].0;
        i += 1;
    }
    names
};

/// [`PARAM_NAMES`] by hash: every option a component is given is looked up here.
static PARAM_TABLE: crate::names::NameTable<256> = crate::names::NameTable::new(&PARAM_NAMES);

/// The [`PARAMS`] index of a parameter option. `offset` only when it is given: a null one is no
/// parameter (the SDK leaves it among the options).
fn param_index(key: &str, value: &Value) -> Option<usize> {
    let i = PARAM_TABLE.find(key, |i| PARAMS.get(i).map(|p| p.0))?;
    (i != const { param("offset") } || !value.is_nullish()).then_some(i)
}

/// A bit per [`PARAMS`] entry worked out by [`special_parameters`] (`Kind::Special`), as `Given` keeps them.
const SPECIAL: u64 = {
    let mut mask = 0;
    let mut i = 0;
    while i < PARAMS.len() {
        if matches!(PARAMS[i].2, Kind::Special) {
            mask |= 1 << i;
        }
        i += 1;
    }
    mask
};

/// The parameter options a component was given (typically a handful), read in one walk of its options,
/// with a bit per [`PARAMS`] index of those given: taking one that was not (most of what
/// [`special_parameters`] asks) costs no search.
struct Given<'a> {
    entries: Vec<(usize, Param<'a>)>,
    present: u64,
}

impl<'a> Given<'a> {
    fn of(o: &'a Map) -> Self {
        let mut given = Given {
            entries: Vec::new(),
            present: 0,
        };
        for (at, (k, v)) in o.iter().enumerate() {
            if let Some(i) = param_index(k, v) {
                if given.entries.capacity() == 0 {
                    // Room for every option from the first parameter on: one allocation, and none for
                    // options without parameters.
                    given.entries.reserve_exact(o.len() - at);
                }
                given.put(i, Cow::Borrowed(v));
            }
        }
        given
    }

    /// Adds a parameter that is not there (one entry per index: options are a map's distinct keys, and
    /// `offset` puts its halves after taking them).
    fn put(&mut self, index: usize, value: Param<'a>) {
        debug_assert!(self.present & 1 << index == 0, "put twice: {index}");
        self.present |= 1 << index;
        self.entries.push((index, value));
    }

    /// `consumeOption`: the value of the option at `index` in [`PARAMS`] (a null counts as absent), taken.
    fn take(&mut self, index: usize) -> Param<'a> {
        if self.present & 1 << index == 0 {
            return Cow::Borrowed(&UNDEFINED);
        }
        self.present &= !(1 << index);
        match self.entries.iter().position(|(i, _)| *i == index) {
            Some(at) => match self.entries.swap_remove(at).1 {
                v if matches!(*v, Value::Null) => Cow::Borrowed(&UNDEFINED),
                v => v,
            },
            // Not reached while `present` mirrors `entries` (`put` keeps them together): kept so that a
            // slip there reads as absent rather than panicking.
            None => Cow::Borrowed(&UNDEFINED),
        }
    }
}

/// Every present parameter as one `key_value` pair, sorted by key, joined with `,`, written to `out`.
fn parameters<'a>(
    o: &'a Map,
    [width, height, dpr]: [Param<'a>; 3],
    named: String,
    out: &mut String,
) -> Result<()> {
    let mut given = Given::of(o);
    // Each pair with its short key. Room for the given parameters (`offset` makes two), and
    // `w`, `h`, `dpr`, `t`, allocated at the first pair (a component without parameters allocates
    // nothing).
    let room = given.entries.len() + 5;
    let mut pairs: Vec<(&'static str, Param<'a>)> = Vec::new();
    let mut add = |key: &'static str, value: Param<'a>| {
        if value.present() {
            if pairs.capacity() == 0 {
                pairs.reserve_exact(room);
            }
            pairs.push((key, value));
        }
    };
    add("w", normalized(width));
    add("h", normalized(height));
    add("dpr", normalized(dpr));
    if !named.is_empty() {
        add("t", Cow::Owned(named.into()));
    }
    if given.present & SPECIAL != 0 {
        special_parameters(&mut given, &mut add)?;
    }
    for (i, value) in given.entries {
        if value.is_nullish() {
            continue;
        }
        let value = match PARAMS[i].2 {
            Kind::Normalized => normalized(value),
            Kind::Range if value.truthy() && i != const { param("duration") } => {
                norm_range_value(normalized(value))
            }
            Kind::Range => norm_range_value(value),
            Kind::VideoCodec => process_video_params(value),
            Kind::Raw | Kind::Special => value,
        };
        add(PARAMS[i].1, value);
    }
    // The SDK sorts its `key_value` pairs: short keys are lower-case letters, and `_` sorts before
    // them, so the key alone orders a pair.
    crate::value::sort_small(&mut pairs, |a, b| a.0 < b.0);
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(key);
        out.push('_');
        value.write_js_string(out);
    }
    Ok(())
}

/// The parameters that take more than their own option, in the SDK's order (which decides which error
/// a component with several bad options reports). `offset` leaves its halves in `given` as
/// `start_offset`/`end_offset`, for the table to write.
fn special_parameters<'a>(
    given: &mut Given<'a>,
    add: &mut impl FnMut(&'static str, Param<'a>),
) -> Result<()> {
    // A parameter's PARAMS index (worked out when compiling), and its short key.
    macro_rules! at {
        ($name:literal) => {
            const { param($name) }
        };
    }
    macro_rules! key_of {
        ($name:literal) => {
            PARAMS[const { param($name) }].1
        };
    }
    let joined = |value: Param<'a>, sep: &str| match *value {
        Value::Undefined => value,
        _ => Cow::Owned(Value::join(value.as_items(), sep).into()),
    };
    add(
        key_of!("angle"),
        normalized(joined(given.take(at!("angle")), ".")),
    );
    add(
        key_of!("background"),
        hash_to_rgb(given.take(at!("background")), "background")?,
    );
    add(
        key_of!("color"),
        hash_to_rgb(given.take(at!("color")), "color")?,
    );
    add(
        key_of!("effect"),
        normalized(effect_value(given.take(at!("effect")))),
    );
    add(key_of!("border"), border_value(given.take(at!("border")))?);
    add(key_of!("flags"), joined(given.take(at!("flags")), "."));
    let offset = given.take(at!("offset"));
    if !offset.is_nullish() {
        let (start, end) = split_range(&offset);
        given.take(at!("start_offset"));
        given.take(at!("end_offset"));
        given.put(at!("start_offset"), Cow::Owned(start));
        given.put(at!("end_offset"), Cow::Owned(end));
    }
    add(
        key_of!("overlay"),
        process_layer(given.take(at!("overlay")))?,
    );
    add(
        key_of!("radius"),
        process_radius(given.take(at!("radius")))?,
    );
    add(
        key_of!("underlay"),
        process_layer(given.take(at!("underlay")))?,
    );
    add(
        key_of!("custom_function"),
        custom_function_value(
            given.take(at!("custom_function")),
            given.take(at!("custom_pre_function")),
        ),
    );
    let fps = given.take(at!("fps"));
    add(
        key_of!("fps"),
        match &*fps {
            Value::Array(items) => Cow::Owned(Value::join(items, "-").into()),
            _ => fps,
        },
    );
    Ok(())
}

/// `$name` options (sorted), then the `variables` list in order, as `$name_value` items.
fn variables(o: &Map) -> Result<String> {
    let variables_param = o.option("variables");
    let mut dollar: Vec<String> = Vec::new();
    for (key, value) in o.iter().filter(|(k, _)| k.starts_with('$')) {
        let mut item = String::with_capacity(key.len() + 16);
        item.push_str(key);
        item.push('_');
        write_normalized(value, &mut item);
        dollar.push(item);
    }
    crate::value::sort_small(&mut dollar, |a, b| cmp_utf16(a, b).is_lt());
    let mut joined = Joined::new(',');
    for item in &dollar {
        joined.next().push_str(item);
    }
    // Then the `variables` option in its order: a list of `[name, value]` pairs (a string destructures
    // into its first two characters), each written where it goes.
    let not_pairs = || Error::invalid_option("variables must be an array of [name, value] pairs");
    let items = match variables_param {
        Value::Undefined => &[][..],
        Value::Array(items) => items.as_slice(),
        _ => return Err(not_pairs()),
    };
    for item in items {
        let chars;
        let (name, value) = match item {
            Value::Array(pair) => (
                pair.first().unwrap_or(&UNDEFINED),
                pair.get(1).unwrap_or(&UNDEFINED),
            ),
            Value::String(s) => {
                chars = first_two_chars(s);
                (&chars.0, &chars.1)
            }
            _ => return Err(not_pairs()),
        };
        let out = joined.next();
        name.write_js_string(out);
        out.push('_');
        write_normalized(value, out);
    }
    Ok(joined.text)
}

fn process_radius(radius: Param<'_>) -> Result<Param<'_>> {
    if !radius.truthy() {
        return Ok(radius);
    }
    let items = match &*radius {
        Value::Array(items) => items.as_slice(),
        other => core::slice::from_ref(other),
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
    Ok(Cow::Owned(Value::join(&normalised, ":").into()))
}

fn process_custom_function(value: Param<'_>) -> Param<'_> {
    if !value.is_object() {
        return value;
    }
    let kind = value.get("function_type");
    let source = value.get("source");
    if kind.as_str() == Some("remote") {
        let encoded = crate::encoding::base64_encode_url(&source.to_js_string());
        return Cow::Owned(Value::String(crate::value::concat(&["remote:", &encoded])));
    }
    Cow::Owned(Value::join(&[kind.clone(), source.clone()], ":").into())
}

fn process_video_params(value: Param<'_>) -> Param<'_> {
    match &*value {
        Value::Object(map) => {
            let mut video = String::new();
            if map.has("codec") {
                video = map.get("codec").to_js_string();
                if map.has("profile") {
                    video.push(':');
                    map.get("profile").write_js_string(&mut video);
                    if map.has("level") {
                        video.push(':');
                        map.get("level").write_js_string(&mut video);
                    }
                }
            }
            Cow::Owned(video.into())
        }
        Value::String(_) => value,
        _ => Cow::Owned(Value::Null),
    }
}

/// Matches `^(([0-9]*)\.([0-9]+)|([0-9]+))([%pP])?$`, returning the number and whether a modifier follows.
fn match_range_value(s: &str) -> Option<(&str, bool)> {
    let (number, modifier) = match s.as_bytes().last() {
        Some(b'%' | b'p' | b'P') => (&s[..s.len() - 1], true),
        _ => (s, false),
    };
    let valid = match crate::scan::split_once_byte(number, b'.') {
        Some((int, frac)) => {
            int.bytes().all(|b| b.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
    };
    valid.then_some((number, modifier))
}

fn norm_range_value(value: Param<'_>) -> Param<'_> {
    let text = match &*value {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        other => Cow::Owned(other.to_js_string()),
    };
    let range = match_range_value(&text).map(|(number, modifier)| {
        let mut out = String::with_capacity(number.len() + 1);
        out.push_str(number);
        if modifier {
            out.push('p');
        }
        out
    });
    drop(text);
    match range {
        Some(range) => Cow::Owned(range.into()),
        None => value,
    }
}

/// Whether `s` contains `<number>[%pP]?..<number>` anywhere (the SDK's unanchored range test).
fn contains_range(s: &str) -> bool {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(pos) = crate::scan::find(&s[from..], "..") {
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

/// `s.split("..")` as values.
fn split_dots(s: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut rest = s;
    while let Some(at) = crate::scan::find(rest, "..") {
        items.push(Value::from(&rest[..at]));
        rest = &rest[at + 2..];
    }
    items.push(Value::from(rest));
    items
}

/// `const [a, b] = s` for a string: its first two characters (undefined where it is shorter).
fn first_two_chars(s: &str) -> (Value, Value) {
    let mut chars = s.chars();
    let mut next = || {
        chars
            .next()
            .map_or(Value::Undefined, |c| Value::String(c.into()))
    };
    (next(), next())
}

/// `split_range` followed by the SDK's destructuring `[start, end] = ...`.
fn split_range(range: &Value) -> (Value, Value) {
    let nth = |items: &[Value], i: usize| items.get(i).cloned().unwrap_or_default();
    match range {
        Value::String(s) if contains_range(s) => {
            let items = split_dots(s);
            (nth(&items, 0), nth(&items, 1))
        }
        // A string that is not a range is destructured character by character.
        Value::String(s) => first_two_chars(s),
        Value::Array(items) => (nth(items, 0), items.last().cloned().unwrap_or_default()),
        _ => (Value::Null, Value::Null),
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    /// The hash table finds every parameter at its place in the list, and nothing else.
    #[test]
    fn param_index_matches_the_table() {
        for (i, (option, _, _)) in PARAMS.iter().enumerate() {
            assert_eq!(param_index(option, &Value::from("x")), Some(i), "{option}");
        }
        assert_eq!(param_index("offset", &Value::Null), None);
        assert_eq!(param_index("width", &Value::from("x")), None);
    }

    /// A component's pairs are sorted by their short keys, where the SDK sorts its `key_value` texts:
    /// the same order only while no key is another's prefix followed by a byte below `_` (a digit, an
    /// upper-case letter), which lower-case letters alone guarantee.
    #[test]
    fn short_keys_are_lower_case_letters() {
        for (option, short, _) in PARAMS {
            assert!(
                !short.is_empty() && short.bytes().all(|b| b.is_ascii_lowercase()),
                "{option}: {short}"
            );
        }
    }

    /// SPECIAL's bits are the table's `Kind::Special` entries.
    #[test]
    fn special_mask_is_the_tables() {
        for (i, (option, _, kind)) in PARAMS.iter().enumerate() {
            assert_eq!(SPECIAL >> i & 1 == 1, *kind == Kind::Special, "{option}");
        }
    }

    #[test]
    fn split_dots_is_str_split() {
        for s in [
            "",
            ".",
            "..",
            "...",
            "....",
            "1..2",
            "1...2",
            "..1..",
            "a.b..c...d",
            "é..😀",
        ] {
            let expected: Vec<Value> = s.split("..").map(Value::from).collect();
            assert_eq!(split_dots(s), expected, "{s:?}");
        }
    }
}
