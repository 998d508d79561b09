//! A JavaScript value model.
//!
//! The official SDK's outputs depend on JavaScript semantics: `String(x)`, truthiness, lodash `isEmpty`,
//! `Array.prototype.join`, number formatting. Both bindings convert host values into [`Value`] so that
//! one implementation of those rules serves Node, the browser and Rust callers alike.

use crate::prelude::*;

/// A JavaScript value as the SDK sees it (no functions, symbols or prototypes).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `undefined` (also: a missing key).
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (IEEE-754 double, like JavaScript's).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// A plain object, keys in JavaScript enumeration order.
    Object(Map),
}

/// `undefined`, for readers that answer a reference.
pub(crate) static UNDEFINED: Value = Value::Undefined;

/// Key equality with the cheap checks first: most lookups (the transformation table probing ~80 option
/// names) miss, and length plus first byte rejects nearly all of them without a `memcmp` call.
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// The most keys one object may have when it crosses from JavaScript (or arrives as JSON): lookups in a
/// [`Map`] are linear, and no Cloudinary option object comes near this. (A hostile 300,000-key object
/// took 30 s in Node and hung the wasm build before this limit.)
pub const MAX_OBJECT_KEYS: usize = 10_000;

/// The deepest nesting the bindings' readers take from JavaScript (which also stops a cyclic object):
/// the Node addon's reader, and the flat text the web package writes (npm/web/value-text.js).
pub const MAX_DEPTH: usize = 64;

/// The most values (objects, arrays and scalars) one argument may hold when it crosses from JavaScript.
pub const MAX_VALUES: usize = 200_000;

/// One bit per key (length and first and last bytes): a lookup whose bit is clear cannot hit.
#[inline]
pub(crate) fn key_bit(key: &str) -> u64 {
    let b = key.as_bytes();
    let (first, last) = (
        b.first().copied().unwrap_or(0),
        b.last().copied().unwrap_or(0),
    );
    1u64 << ((b.len() as u32 * 7 + u32::from(first) * 3 + u32::from(last)) % 64)
}

/// An insertion-ordered string-keyed map (a plain JavaScript object).
///
/// Beside the entries it keeps a one-word filter of the keys ever inserted, so that the many lookups of
/// absent keys (the transformation table probes ~80 option names per component) return at once.
#[derive(Clone, Debug, Default)]
pub struct Map {
    entries: Vec<(Key, Value)>,
    filter: u64,
}

/// A key: the option and parameter names the core sets are `'static` and are never copied (a map of
/// sixty parameter names costs no allocation for them, and cloning it none either).
pub type Key = alloc::borrow::Cow<'static, str>;

impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Map {
    /// An empty map.
    pub const fn new() -> Self {
        Map {
            entries: Vec::new(),
            filter: 0,
        }
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Map {
            entries: Vec::with_capacity(n),
            filter: 0,
        }
    }

    #[inline]
    fn may_have(&self, key: &str) -> bool {
        self.filter & key_bit(key) != 0
    }

    /// The value at `key`, or `Undefined`.
    #[inline]
    pub fn get(&self, key: &str) -> &Value {
        if !self.may_have(key) {
            return &UNDEFINED;
        }
        self.entries
            .iter()
            .find(|(k, _)| same_key(k, key))
            .map_or(&UNDEFINED, |(_, v)| v)
    }

    /// A mutable reference to the value at `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        if !self.may_have(key) {
            return None;
        }
        self.entries
            .iter_mut()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    }

    /// Whether the key is present (even with an `undefined` value), like `hasOwnProperty`.
    pub fn has(&self, key: &str) -> bool {
        self.may_have(key) && self.entries.iter().any(|(k, _)| same_key(k, key))
    }

    /// Sets `key`, keeping its position if it exists, appending otherwise (JavaScript assignment).
    #[inline]
    pub fn set(&mut self, key: impl Into<Key>, value: Value) {
        self.set_key(key.into(), value);
    }

    /// `set` once for every key type (one copy of its body in the browser module).
    fn set_key(&mut self, key: Key, value: Value) {
        if let Some(slot) = self.get_mut(&key) {
            *slot = value;
            return;
        }
        self.filter |= key_bit(&key);
        self.entries.push((key, value));
    }

    /// `Object.assign(this, other)`: each of `other`'s entries set here, in its order (keys shared, not
    /// copied, where they are static).
    pub fn assign(&mut self, other: &Map) {
        for (k, v) in &other.entries {
            self.set(k.clone(), v.clone());
        }
    }

    /// `set` for a reader building a map from text: a key whose filter bit is clear (every key of an
    /// object as JavaScript writes it, bar filter collisions) is appended without a search. (`set` does
    /// the same through `get_mut`; this one is inlined into the reader's loop, where the call and the
    /// key's bit worked out twice were ~90 instructions of a url() over the mix.)
    #[inline]
    pub(crate) fn set_read(&mut self, key: Key, value: Value) {
        let bit = key_bit(&key);
        if self.filter & bit == 0 {
            self.filter |= bit;
            self.entries.push((key, value));
        } else {
            self.set(key, value);
        }
    }

    /// Appends an entry whose key the caller knows is absent (building a map from a table of distinct
    /// names), skipping the lookup `set` makes.
    pub fn push_new(&mut self, key: impl Into<Key>, value: Value) {
        let key = key.into();
        debug_assert!(!self.has(&key), "push_new: {key} is already present");
        self.filter |= key_bit(&key);
        self.entries.push((key, value));
    }

    /// Removes `key` and returns its value (`delete obj[key]`).
    #[inline]
    pub fn remove(&mut self, key: &str) -> Value {
        // Inlined so that, for the constant keys callers use, the filter test folds to one `and`.
        if !self.may_have(key) {
            return Value::Undefined;
        }
        self.remove_present(key)
    }

    fn remove_present(&mut self, key: &str) -> Value {
        match self.entries.iter().position(|(k, _)| same_key(k, key)) {
            Some(i) => self.entries.remove(i).1,
            None => Value::Undefined,
        }
    }

    /// `consumeOption`: removes `key`, returning its value unless it is null/undefined.
    #[inline]
    pub fn consume(&mut self, key: &str) -> Value {
        match self.remove(key) {
            Value::Null => Value::Undefined,
            v => v,
        }
    }

    /// `consumeOption(options, key)` read where it is: the value, `undefined` when it is null. (Nothing
    /// a URL reads after its transformation is one of the transformation's options, so reading gives
    /// what the SDK's consuming does, without a removal, a copy or a value to drop.)
    #[inline]
    pub fn option(&self, key: &str) -> &Value {
        match self.get(key) {
            Value::Null => &UNDEFINED,
            v => v,
        }
    }

    /// `consumeOption(options, key, config()[key])` read where it is: the option, else the account's.
    #[inline]
    pub fn option_or<'a>(&'a self, key: &str, account: &'a Map) -> &'a Value {
        match self.option(key) {
            Value::Undefined => account.option(key),
            v => v,
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The entries in order, keys as stored (a static key clones without a copy).
    pub fn entries(&self) -> impl Iterator<Item = &(Key, Value)> {
        self.entries.iter()
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        self.entries.retain(|(k, v)| keep(k, v));
    }

    /// Keeps the entries for which `keep` is true, which may change their values.
    pub fn retain_mut(&mut self, mut keep: impl FnMut(&str, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<T: IntoIterator<Item = (String, Value)>>(iter: T) -> Self {
        let mut map = Map::new();
        for (k, v) in iter {
            map.set(k, v);
        }
        map
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter =
        core::iter::Map<alloc::vec::IntoIter<(Key, Value)>, fn((Key, Value)) -> (String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter().map(|(k, v)| (k.into_owned(), v))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Object(m)
    }
}

/// Formats a number exactly as JavaScript's `String(n)` does.
pub fn number_to_string(n: f64) -> String {
    let mut out = String::new();
    write_number(n, &mut out);
    out
}

/// Appends `String(n)`. Whole numbers below 2^53 (versions, sizes, offsets: nearly every number in a URL)
/// are written directly; the rest go through ryu-js, which follows JavaScript's Number-to-String rules,
/// or, in a build without the `ryu` feature, through the host's own `String(n)` (see
/// `set_number_formatter`): a JavaScript host runs the very algorithm the SDK does, and the browser
/// module does not carry ryu's tables (12 KB of its gzipped size).
pub fn write_number(n: f64, out: &mut String) {
    if n == 0.0 {
        out.push('0');
        return;
    }
    if crate::float::fract(n) == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        if n < 0.0 {
            out.push('-');
        }
        crate::digits::push_uint(out, n.abs() as u64);
        return;
    }
    write_fraction(n, out);
}

/// The host's `String(n)`, where one was given (`set_number_formatter`).
// (`race::OnceBox`: a set-once cell without std; the first `set` wins, as with `OnceLock`.)
static NUMBER_FORMATTER: once_cell::race::OnceBox<fn(f64, &mut String)> =
    once_cell::race::OnceBox::new();

/// Sets how numbers that are not whole numbers below 2^53 are written: a JavaScript host passes its own
/// `String(n)` (the browser module does, so it needs no ryu). The first call wins. Without it, ryu-js
/// writes them (the `ryu` feature); a build without ryu must set it.
pub fn set_number_formatter(format: fn(f64, &mut String)) {
    let _ = NUMBER_FORMATTER.set(Box::new(format));
}

fn write_fraction(n: f64, out: &mut String) {
    if let Some(format) = NUMBER_FORMATTER.get() {
        return format(n, out);
    }
    #[cfg(feature = "ryu")]
    {
        let mut buf = ryu_js::Buffer::new();
        out.push_str(buf.format(n));
    }
    // Without ryu the host must have given its formatter (the wasm module does when it starts); Rust's
    // own float formatting is left out on purpose (15 KB of the browser module).
    #[cfg(not(feature = "ryu"))]
    out.push_str("NaN");
}

impl Value {
    /// `x == null` in JavaScript.
    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    /// JavaScript truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) => true,
        }
    }

    /// lodash `isEmpty`: strings and arrays by length, objects by key count, every other value is empty.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(m) => m.is_empty(),
            _ => true,
        }
    }

    /// lodash `isObject`: arrays and objects.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Array(_) | Value::Object(_))
    }

    /// The SDK's `present`: not null/undefined and `"" + value` is not empty.
    pub fn present(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::String(s) => !s.is_empty(),
            Value::Bool(_) | Value::Number(_) | Value::Object(_) => true,
            Value::Array(_) => !self.to_js_string().is_empty(),
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A non-negative whole number, if this is one.
    pub fn as_number_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) if n.is_finite() && *n >= 0.0 && crate::float::fract(*n) == 0.0 => {
                Some(*n as u64)
            }
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Property access `value[key]` on an object (arrays and primitives give `undefined`).
    pub fn get(&self, key: &str) -> &Value {
        match self {
            Value::Object(m) => m.get(key),
            _ => &UNDEFINED,
        }
    }

    /// `String(value)`.
    pub fn to_js_string(&self) -> String {
        let mut out = String::new();
        self.write_js_string(&mut out);
        out
    }

    /// Appends `String(value)` to `out`.
    pub fn write_js_string(&self, out: &mut String) {
        match self {
            Value::Undefined => out.push_str("undefined"),
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => write_number(*n, out),
            Value::String(s) => out.push_str(s),
            Value::Array(items) => write_joined(items, ",", out),
            Value::Object(_) => out.push_str("[object Object]"),
        }
    }

    /// `toArray`: null/undefined → `[]`, arrays as they are, anything else wrapped.
    pub fn to_array(&self) -> Vec<Value> {
        self.as_items().to_vec()
    }

    /// [`Value::to_array`] borrowed: nothing for null or undefined, an array's items, or the value alone.
    pub fn as_items(&self) -> &[Value] {
        match self {
            Value::Undefined | Value::Null => &[],
            Value::Array(a) => a,
            other => core::slice::from_ref(other),
        }
    }

    /// `Array.prototype.join`, where null/undefined elements become empty strings.
    pub fn join(items: &[Value], sep: &str) -> String {
        let mut out = String::new();
        write_joined(items, sep, &mut out);
        out
    }

    /// `parseFloat(String(value))`.
    pub fn parse_float(&self) -> f64 {
        match self {
            Value::Number(n) => *n,
            other => parse_float(&other.to_js_string()),
        }
    }

    /// Serialises as `JSON.stringify` would (`undefined` at top level gives `None`).
    pub fn to_json(&self) -> Option<String> {
        let mut out = String::new();
        if self.write_json(&mut out, false) {
            Some(out)
        } else {
            None
        }
    }

    /// JSON text that `JSON.parse` turns back into exactly this value (what a binding returns instead
    /// of building the object property by property): `None` when it would not, that is when an array
    /// holds `undefined` or a number is not finite or is -0. (Keys whose value is `undefined` are left out,
    /// as the bindings leave them out of the objects they build.)
    pub fn to_json_exact(&self) -> Option<String> {
        // Room for a typical answer (a dozen upload params), so it is written without growing.
        let mut out = String::with_capacity(256);
        if self.write_json(&mut out, true) {
            Some(out)
        } else {
            None
        }
    }

    /// Writes JSON; `false` for `undefined` (and, when `exact`, for whatever JSON cannot carry exactly).
    fn write_json(&self, out: &mut String, exact: bool) -> bool {
        match self {
            Value::Undefined => return false,
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n)
                if exact && (!n.is_finite() || (*n == 0.0 && n.is_sign_negative())) =>
            {
                return false
            }
            Value::Number(n) if n.is_finite() => write_number(*n, out),
            Value::Number(_) => out.push_str("null"),
            Value::String(s) => write_json_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !item.write_json(out, exact) {
                        if exact {
                            return false;
                        }
                        out.push_str("null");
                    }
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                let mut first = true;
                for (k, v) in map.iter() {
                    if matches!(v, Value::Undefined) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    write_json_string(k, out);
                    out.push(':');
                    if !v.write_json(out, exact) && exact {
                        return false;
                    }
                }
                out.push('}');
            }
        }
        true
    }
}

/// Text joined with a separator as its items are written (`[...].join(sep)` without a list first).
pub(crate) struct Joined {
    /// The text so far.
    pub(crate) text: String,
    sep: char,
    any: bool,
}

impl Joined {
    /// Nothing joined yet.
    pub(crate) const fn new(sep: char) -> Self {
        Joined {
            text: String::new(),
            sep,
            any: false,
        }
    }

    /// Where the next item is written: after the separator unless it is the first.
    pub(crate) fn next(&mut self) -> &mut String {
        if self.any {
            self.text.push(self.sep);
        }
        self.any = true;
        &mut self.text
    }
}

/// `parts` one after another (`[a, b].concat()` without the standard library's joining code, which
/// handles any separator and is ~0.3 KB gzipped of the browser modules).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts.iter() {
        out.push_str(part);
    }
    out
}

fn write_joined(items: &[Value], sep: &str, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        if !item.is_nullish() {
            item.write_js_string(out);
        }
    }
}

/// Appends `s` as a JSON string (what `JSON.stringify` writes for it).
pub fn write_json_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    if crate::scan::json_plain(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    // Runs of characters that need no escape are copied whole (most strings are one run).
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            _ => "",
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            // `\u00xx`, lower-case hex, as JSON.stringify writes a control character.
            out.push_str("\\u00");
            crate::digits::push_hex_lower(out, b);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// JavaScript's `parseFloat`: the longest decimal prefix after leading white space, or NaN.
pub fn parse_float(s: &str) -> f64 {
    let t = s.trim_start();
    if let Some(rest) = t
        .strip_prefix("Infinity")
        .or_else(|| t.strip_prefix("+Infinity"))
    {
        let _ = rest;
        return f64::INFINITY;
    }
    if t.starts_with("-Infinity") {
        return f64::NEG_INFINITY;
    }
    let bytes = t.as_bytes();
    let mut end = 0;
    if end < bytes.len() && (bytes[end] == b'+' || bytes[end] == b'-') {
        end += 1;
    }
    let digits_start = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    let mut mantissa_digits = end - digits_start;
    if end < bytes.len() && bytes[end] == b'.' {
        let frac_start = end + 1;
        let mut e = frac_start;
        while e < bytes.len() && bytes[e].is_ascii_digit() {
            e += 1;
        }
        mantissa_digits += e - frac_start;
        if mantissa_digits > 0 {
            end = e;
        }
    }
    if mantissa_digits == 0 {
        return f64::NAN;
    }
    if end < bytes.len() && (bytes[end] == b'e' || bytes[end] == b'E') {
        let mut e = end + 1;
        if e < bytes.len() && (bytes[e] == b'+' || bytes[e] == b'-') {
            e += 1;
        }
        let exp_start = e;
        while e < bytes.len() && bytes[e].is_ascii_digit() {
            e += 1;
        }
        if e > exp_start {
            end = e;
        }
    }
    parse_decimal(&t[..end]).unwrap_or(f64::NAN)
}

/// Parses a decimal literal (`[+-]digits[.digits][e[+-]digits]`). Exact (correctly rounded) whenever the
/// significant digits fit in 2^53 and the power of ten is within ±22, which covers every number cirrus
/// meets (timestamps, versions, sizes, ratios); other inputs go to the standard parser on native targets
/// and get a close approximation in wasm, where this keeps the standard parser's tables out of the package.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let mut mantissa: u64 = 0;
    let mut exponent: i32 = 0;
    let mut digits = 0;
    let mut seen_point = false;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                digits += 1;
                if mantissa < 1_000_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if seen_point {
                        exponent -= 1;
                    }
                } else if !seen_point {
                    // Digits beyond 19 only scale the value (their own contribution is below f64 precision).
                    exponent += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            b'e' | b'E' => break,
            _ => return None,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() {
        // After the ASCII `e`: a character boundary (no UTF-8 check needed, nor its code in wasm).
        let rest = s.get(i + 1..)?;
        let (sign, num) = match rest.as_bytes().first() {
            Some(b'-') => (-1, &rest[1..]),
            Some(b'+') => (1, &rest[1..]),
            _ => (1, rest),
        };
        if num.is_empty() || !num.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        // Every digit (all ASCII, checked above; leading zeros count for nothing, as in JavaScript's
        // `Number("1e0000005")`), held at 999,999, past which every value is 0 or infinite: no integer
        // parser needed.
        let e = num
            .bytes()
            .fold(0i32, |e, c| (e * 10 + i32::from(c - b'0')).min(999_999));
        exponent = exponent.saturating_add(sign * e);
    }
    let exact = mantissa <= (1 << 53) && (-22..=22).contains(&exponent);
    #[cfg(not(target_arch = "wasm32"))]
    if !exact {
        // Native builds carry the standard (correctly rounding) parser anyway; the grammar was checked above.
        return s.parse().ok();
    }
    let _ = exact;
    let m = mantissa as f64;
    let value = if exponent == 0 {
        m
    } else if (0..=22).contains(&exponent) {
        m * POW10[exponent as usize]
    } else if (-22..0).contains(&exponent) {
        m / POW10[(-exponent) as usize]
    } else {
        m * crate::float::powi(10.0, exponent)
    };
    Some(if negative { -value } else { value })
}

/// Exact powers of ten representable as f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Sorts a short list in place (insertion sort: stable, and far smaller in code than the standard sort,
/// which matters in the browser package; the lists sorted here hold a few dozen items at most).
pub fn sort_small<T>(items: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Compares two strings by UTF-16 code units, as JavaScript's default `Array.prototype.sort` does.
pub fn cmp_utf16(a: &str, b: &str) -> core::cmp::Ordering {
    // UTF-8 byte order is code point order, which is UTF-16 order except above U+FFFF.
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_like_javascript() {
        assert_eq!(number_to_string(1.0), "1");
        assert_eq!(number_to_string(-0.0), "0");
        assert_eq!(number_to_string(0.5), "0.5");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1.5e-7), "1.5e-7");
        assert_eq!(number_to_string(f64::NAN), "NaN");
        assert_eq!(number_to_string(f64::INFINITY), "Infinity");
    }

    #[test]
    fn decimals_parse_exactly_on_the_fast_path() {
        for text in [
            "0",
            "1",
            "-2.5",
            "0.1",
            "1700000000",
            "1e21",
            "2.5e-3",
            "123456789012345678",
            ".5",
            "7.",
            "1E+2",
            "1e0000005",
            "1e-0000001",
            "1e00000000000000000000000001",
            "2e400",
            "2e-400",
            "1e99999999999",
        ] {
            assert_eq!(parse_decimal(text), text.parse::<f64>().ok(), "{text}");
        }
        assert_eq!(parse_decimal("1.2.3"), None);
        assert_eq!(parse_decimal("e5"), None);
        let mut v = vec![3, 1, 2, 1];
        sort_small(&mut v, |a, b| a < b);
        assert_eq!(v, [1, 1, 2, 3]);
    }

    #[test]
    fn parse_float_takes_prefix() {
        assert_eq!(parse_float("0.5abc"), 0.5);
        assert_eq!(parse_float("  12e2x"), 1200.0);
        assert!(parse_float("auto").is_nan());
        assert_eq!(parse_float(".5"), 0.5);
    }

    #[test]
    fn join_and_string_follow_javascript() {
        let v = Value::Array(vec![
            Value::Null,
            1.0.into(),
            Value::Array(vec!["a".into(), "b".into()]),
        ]);
        assert_eq!(v.to_js_string(), ",1,a,b");
        assert_eq!(Value::Object(Map::new()).to_js_string(), "[object Object]");
    }
}
