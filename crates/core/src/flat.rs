//! Flat text: how a JavaScript binding hands over plain data (option and param objects of strings,
//! numbers, booleans, nulls, arrays and plain objects). Cheaper to write in JavaScript than
//! `JSON.stringify` (which needs a walk first to know it is exact) and to read here than JSON.
//!
//! The number of tokens, then each token after a `\0`. Values: `s<text>` a string, `n<number>` a number
//! (JavaScript's `String(n)`, read back exactly), `t` / `f` true / false, `z` null, `a` an array (its
//! values, then `e`), `o` an object (`k<key>` and a value per entry, then `e`). The fast paths' text
//! is an object.
//!
//! Nothing is escaped there. A `\0` inside a key or string would add tokens, so the count, which the
//! writer took from the structure, no longer matches: that text is refused (never read as other
//! entries), and the JavaScript caller, which takes any error of a fast path as a reason to use the
//! ordinary one, gets the ordinary path's answer. npm/node/fast-args.cjs and npm/web/fast-args.js write
//! it (`flatArg`). JSON text starts with `{`, flat text with a digit: [`parse_arg`] takes either.
//!
//! A key the core knows by name may come as `j` and one byte instead: its index in [`key_names`] plus
//! one (1 to 127, so the text stays ASCII there). npm/node/flat-bytes.cjs writes known keys that way: a
//! table lookup in JavaScript costs less than copying the name a character at a time, and here the key
//! is the core's own `'static` name without a search. Builds without the names (the browser module)
//! refuse it; their writers never send it.
//!
//! The wasm modules' ordinary path reads any JavaScript value as flat text too (npm/web/value-text.js
//! writes it, [`parse_value`] reads it), so it needs tokens for what plain data lacks: `u` undefined,
//! `x<16 hex digits>` a number by its IEEE-754 bits (one `String(n)` would not carry exactly: -0,
//! NaN, long fractions), `q<text>` / `K<key>` a string / key holding `\0` or `\x01` (escaped:
//! `\x01a` is `\0`, `\x01b` is `\x01`), and `!<kind>` where the writer could not go on (the value
//! is not plain data, a getter threw, too deep, too large, too many keys), which is read as that error
//! about the value it stands for.

use crate::error::{Error, Result};
use crate::prelude::*;
use crate::value::{Map, Value, MAX_DEPTH, MAX_OBJECT_KEYS};

#[cfg(feature = "interned-keys")]
pub use crate::names::key_names;

/// One scalar value of flat text, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FlatValue<'a> {
    /// A string.
    String(&'a str),
    /// A number, as JavaScript's `String(n)` wrote it.
    Number(&'a str),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
}

impl<'a> FlatValue<'a> {
    /// The value it stands for; `None` for a number token that is not a number.
    pub fn to_value(self) -> Option<Value> {
        Some(match self {
            FlatValue::String(s) => Value::String(s.to_owned()),
            FlatValue::Number(n) => Value::Number(crate::value::parse_decimal(n)?),
            FlatValue::Bool(b) => Value::Bool(b),
            FlatValue::Null => Value::Null,
        })
    }

    /// Whether `clear_blank` drops it: null, or an empty string.
    pub fn is_blank(self) -> bool {
        self.signed_text().is_none_or(str::is_empty)
    }

    /// The text the SDK signs for it (`String(value)`); none for null.
    pub fn signed_text(self) -> Option<&'a str> {
        match self {
            FlatValue::String(s) | FlatValue::Number(s) => Some(s),
            FlatValue::Bool(true) => Some("true"),
            FlatValue::Bool(false) => Some("false"),
            FlatValue::Null => None,
        }
    }
}

fn malformed(what: &str) -> Error {
    Error::invalid_argument(crate::value::concat(&["flat text: ", what]))
}

/// The tokens after the count. Reading stops at the count: the text must end there, and a `\0` inside a
/// key or string (one more token than counted) makes it not end there.
struct Tokens<'a> {
    rest: &'a str,
    left: usize,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Result<Self> {
        let (count, rest) =
            crate::scan::split_once_byte(text, 0).ok_or_else(|| malformed("no token count"))?;
        let left = parse_count(count).ok_or_else(|| malformed("no token count"))?;
        Ok(Tokens { rest, left })
    }

    /// The next token, without taking it.
    fn peek(&self) -> Option<&'a str> {
        (self.left > 0)
            .then(|| crate::scan::split_once_byte(self.rest, 0).map_or(self.rest, |(t, _)| t))
    }

    fn next(&mut self) -> Result<&'a str> {
        self.left = self
            .left
            .checked_sub(1)
            .ok_or_else(|| malformed("it ends early"))?;
        if self.left == 0 {
            // The last token runs to the end of the text: another `\0` there is a token too many.
            let last = core::mem::take(&mut self.rest);
            return match crate::scan::find_byte(last.as_bytes(), 0).is_some() {
                true => Err(malformed(
                    "more tokens than counted (a key or value holds \\0)",
                )),
                false => Ok(last),
            };
        }
        let (token, rest) =
            crate::scan::split_once_byte(self.rest, 0).ok_or_else(|| malformed("it ends early"))?;
        self.rest = rest;
        Ok(token)
    }

    fn finish(&self) -> Result<()> {
        if self.left == 0 {
            Ok(())
        } else {
            Err(malformed("fewer tokens used than counted"))
        }
    }
}

/// A scalar token as a [`FlatValue`]; `None` for a container or end token.
fn scalar(token: &str) -> Option<FlatValue<'_>> {
    let body = token.get(1..).unwrap_or_default();
    Some(match token.as_bytes().first() {
        Some(b's') => FlatValue::String(body),
        Some(b'n') => FlatValue::Number(body),
        Some(b't') if body.is_empty() => FlatValue::Bool(true),
        Some(b'f') if body.is_empty() => FlatValue::Bool(false),
        Some(b'z') if body.is_empty() => FlatValue::Null,
        _ => return None,
    })
}

/// Whose value a token is, for an error about it: an argument (its name) or an object's entry (its key),
/// named as the bindings' readers name them.
#[derive(Clone, Copy)]
enum What<'a> {
    Argument(&'a str),
    Option(&'a str),
}

impl What<'_> {
    fn text(self) -> String {
        match self {
            What::Argument(name) => name.to_owned(),
            What::Option(key) => crate::value::concat(&["option ", key]),
        }
    }
}

/// The error a `!<kind>` token stands for.
fn refusal(kind: &str, what: What<'_>) -> Error {
    let what = what.text();
    match kind {
        "p" => Error::not_plain_data(&what),
        "r" => Error::unreadable(&what),
        "d" => Error::nested_too_deeply(&what),
        "l" => Error::too_large(&what),
        "k" => Error::too_many_keys(&what),
        _ => malformed("an unknown refusal"),
    }
}

/// A double from 16 hex digits of its bits.
fn from_bits(hex: &str) -> Result<f64> {
    if hex.len() != 16 {
        return Err(malformed("a number's bits"));
    }
    hex.chars()
        .try_fold(0u64, |bits, c| Some(bits << 4 | u64::from(c.to_digit(16)?)))
        .map(f64::from_bits)
        .ok_or_else(|| malformed("a number's bits"))
}

/// The text of an escaped token (`q`, `K`): `\x01a` is `\0`, `\x01b` is `\x01`.
fn unescape(text: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = crate::scan::split_once_byte(rest, 1) {
        out.push_str(before);
        out.push(match after.as_bytes().first() {
            Some(b'a') => '\0',
            Some(b'b') => '\x01',
            _ => return Err(malformed("an escape")),
        });
        rest = &after[1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn value(tokens: &mut Tokens<'_>, depth: usize, what: What<'_>) -> Result<Value> {
    let token = tokens.next()?;
    match scalar(token) {
        Some(v) => scalar_value(v),
        None => other_value(token, tokens, depth, what),
    }
}

/// A scalar token's value.
#[inline]
fn scalar_value(v: FlatValue<'_>) -> Result<Value> {
    v.to_value().ok_or_else(|| malformed("a number"))
}

/// The value of a token already taken that is no scalar: a container (whose values are the tokens
/// after it), or one of the ordinary path's tokens.
fn other_value(
    token: &str,
    tokens: &mut Tokens<'_>,
    depth: usize,
    what: What<'_>,
) -> Result<Value> {
    let body = token.get(1..).unwrap_or_default();
    match token.as_bytes().first() {
        Some(b'!') => return Err(refusal(body, what)),
        Some(b'u') if body.is_empty() => return Ok(Value::Undefined),
        Some(b'x') => return from_bits(body).map(Value::Number),
        Some(b'q') => return unescape(body).map(Value::String),
        _ => {}
    }
    if depth >= MAX_DEPTH {
        return Err(malformed("too deep"));
    }
    match token {
        "a" => {
            let mut items = Vec::new();
            loop {
                match tokens.peek() {
                    Some("e") => {
                        tokens.next()?;
                        return Ok(Value::Array(items));
                    }
                    _ => items.push(value(tokens, depth + 1, what)?),
                }
            }
        }
        "o" => object(tokens, depth).map(Value::Object),
        _ => Err(malformed("a value")),
    }
}

/// A key as a map key: option names the core knows are its own `'static` text (no copy per key).
#[cfg(feature = "interned-keys")]
fn key_of(key: &str) -> crate::value::Key {
    match crate::names::intern(key) {
        Some(name) => name.into(),
        None => key.to_owned().into(),
    }
}

/// A key as a map key, copied: the browser module goes without the names' table (see the
/// `interned-keys` feature).
#[cfg(not(feature = "interned-keys"))]
fn key_of(key: &str) -> crate::value::Key {
    key.to_owned().into()
}

/// The name a `j` key token stands for (`j` and its one-byte id: see the module's docs).
#[cfg(feature = "interned-keys")]
fn key_by_id(token: &str) -> Result<&'static str> {
    match token.as_bytes() {
        [b'j', id] => crate::names::by_id(*id),
        _ => None,
    }
    .ok_or_else(|| malformed("a key's id"))
}

/// Without the names' table no key comes by id.
#[cfg(not(feature = "interned-keys"))]
fn key_by_id(_: &str) -> Result<&'static str> {
    Err(malformed("a key's id"))
}

fn object(tokens: &mut Tokens<'_>, depth: usize) -> Result<Map> {
    let mut map = Map::with_capacity(8);
    loop {
        let token = tokens.next()?;
        if token == "e" {
            return Ok(map);
        }
        let escaped;
        let mut known = None;
        let key = match token.as_bytes().first() {
            Some(b'k') => &token[1..],
            Some(b'j') => *known.insert(key_by_id(token)?),
            Some(b'K') => {
                escaped = unescape(&token[1..])?;
                escaped.as_str()
            }
            _ => return Err(malformed("a key")),
        };
        if map.len() >= MAX_OBJECT_KEYS {
            return Err(Error::invalid_argument("an object has too many keys"));
        }
        // As `value` does, with the token taken here: no call per entry for a scalar (most are).
        let token = tokens.next()?;
        let v = match scalar(token) {
            Some(v) => scalar_value(v)?,
            None => other_value(token, tokens, depth + 1, What::Option(key))?,
        };
        // JavaScript objects never repeat a key, but this text came over a boundary: assign, as JSON.parse.
        map.set_read(known.map_or_else(|| key_of(key), Into::into), v);
    }
}

/// Flat text as the object it stands for (the bindings read arguments with [`parse_arg`]; tests read
/// maps with this).
#[cfg(test)]
pub(crate) fn parse(text: &str) -> Result<Map> {
    let mut tokens = Tokens::new(text)?;
    if tokens.next()? != "o" {
        return Err(malformed("not an object"));
    }
    let map = object(&mut tokens, 0)?;
    tokens.finish()?;
    Ok(map)
}

/// Flat text of any value (npm/web/value-text.js writes it) as that value; `what` names it in errors
/// (its entries are `option <key>`), as the Node addon's reader names them.
pub fn parse_value(text: &str, what: &str) -> Result<Value> {
    let mut tokens = Tokens::new(text)?;
    let value = value(&mut tokens, 0, What::Argument(what))?;
    tokens.finish()?;
    Ok(value)
}

/// The entries of an object of scalars (what params to sign are), borrowed: no map built. An error for
/// anything else, which the caller then sends another way.
pub fn scalar_entries(text: &str) -> Result<Vec<(&str, FlatValue<'_>)>> {
    let mut tokens = Tokens::new(text)?;
    if tokens.next()? != "o" {
        return Err(malformed("not an object"));
    }
    let mut out = Vec::with_capacity(8);
    loop {
        let token = tokens.next()?;
        if token == "e" {
            break;
        }
        let key = match token.as_bytes().first() {
            Some(b'k') => &token[1..],
            Some(b'j') => key_by_id(token)?,
            _ => return Err(malformed("a key")),
        };
        let v = scalar(tokens.next()?).ok_or_else(|| malformed("not a scalar"))?;
        out.push((key, v));
    }
    tokens.finish()?;
    Ok(out)
}

/// An argument's text, JSON (it starts with `{`) or flat, as the value it stands for; `what` names it in
/// errors ([`parse_value`]).
pub fn parse_arg(text: &str, what: &str) -> Result<Value> {
    if text.starts_with('{') {
        json_arg(text)
    } else {
        parse_value(text, what)
    }
}

#[cfg(feature = "json-args")]
fn json_arg(text: &str) -> Result<Value> {
    crate::json::parse(text)
}

/// Without the `json-args` feature (the wasm modules, whose callers send flat text only), JSON is
/// refused with an ordinary coded error.
#[cfg(not(feature = "json-args"))]
fn json_arg(_: &str) -> Result<Value> {
    Err(malformed("JSON text is not read by this build"))
}

/// The token count: decimal digits (at most 9, so it fits any `usize`).
fn parse_count(digits: &str) -> Option<usize> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.bytes().try_fold(0usize, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + usize::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_flat_arg_writes() {
        // { a: 'x:y', 'é😀': '😀é', n: 1.5, big: 1e21, t: true, z: null, e: '', l: [1, [], { k: 'v' }], o: {} }
        let text = "29\0o\0ka\0sx:y\0ké😀\0s😀é\0kn\0n1.5\0kbig\0n1e+21\0kt\0t\0kz\0z\0ke\0s\0kl\0a\0n1\0a\0e\0o\0kk\0sv\0e\0e\0ko\0o\0e\0e";
        let map = parse(text).unwrap();
        let keys: Vec<&str> = map.keys().collect();
        assert_eq!(keys, ["a", "é😀", "n", "big", "t", "z", "e", "l", "o"]);
        assert_eq!(map.get("a"), &Value::from("x:y"));
        assert_eq!(map.get("é😀"), &Value::from("😀é"));
        assert_eq!(map.get("n"), &Value::Number(1.5));
        assert_eq!(map.get("big"), &Value::Number(1e21));
        assert_eq!(map.get("t"), &Value::Bool(true));
        assert_eq!(map.get("z"), &Value::Null);
        assert_eq!(map.get("e"), &Value::from(""));
        assert_eq!(map.get("l").to_json().unwrap(), r#"[1,[],{"k":"v"}]"#);
        assert_eq!(map.get("o"), &Value::Object(Map::new()));
        assert_eq!(parse("2\0o\0e").unwrap(), Map::new());
        assert_eq!(
            parse_arg("{\"a\":1}", "options").unwrap().get("a"),
            &Value::Number(1.0)
        );
        let signed = scalar_entries("6\0o\0ka\0sx\0kb\0n2\0e").unwrap();
        assert_eq!(
            signed,
            [("a", FlatValue::String("x")), ("b", FlatValue::Number("2"))]
        );
        assert!(scalar_entries("5\0o\0ka\0a\0e\0e").is_err());
    }

    /// Keys by id (npm/node/flat-bytes.cjs): the core's own name, in objects at any depth and in signed
    /// params; an id that names nothing, or a token of another length, is a coded error.
    #[cfg(feature = "interned-keys")]
    #[test]
    fn reads_keys_by_id() {
        let id = |name: &str| {
            let at = key_names().iter().position(|n| *n == name).unwrap();
            char::from(u8::try_from(at + 1).unwrap())
        };
        let text = format!(
            "11\0o\0j{}\0n100\0kmine\0sx\0j{}\0o\0j{}\0sa\0e\0e",
            id("width"),
            id("overlay"),
            id("text")
        );
        let map = parse(&text).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["width", "mine", "overlay"]);
        assert_eq!(map.get("width"), &Value::Number(100.0));
        assert_eq!(map.get("overlay").get("text"), &Value::from("a"));
        let signed = format!("4\0o\0j{}\0n1\0e", id("timestamp"));
        assert_eq!(
            scalar_entries(&signed).unwrap(),
            [("timestamp", FlatValue::Number("1"))]
        );
        for bad in ["4\0o\0j\0n1\0e", "4\0o\0j\x7f\0n1\0e", "4\0o\0jab\0n1\0e"] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidArgument, "{bad:?}");
            assert!(scalar_entries(bad).is_err(), "{bad:?}");
        }
    }

    /// The ordinary path's tokens (npm/web/value-text.js): undefined, exact doubles, escaped
    /// strings and keys, and refusals read as the error about the value they stand for.
    #[test]
    fn reads_any_value_text() {
        let read = |text: &str| parse_value(text, "options");
        assert_eq!(read("1\0u").unwrap(), Value::Undefined);
        assert_eq!(read("1\0sx").unwrap(), Value::from("x"));
        let bits = |n: f64| ["1\0x", &format!("{:016x}", n.to_bits())].concat();
        for n in [-0.0, 0.1 + 0.2, 5e-324, f64::INFINITY, -1.5e300] {
            match read(&bits(n)).unwrap() {
                Value::Number(m) => assert_eq!(m.to_bits(), n.to_bits(), "{n}"),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(read(&bits(f64::NAN)).unwrap(), Value::Number(m) if m.is_nan()));
        assert_eq!(read("1\0qa\x01ab\x01bc").unwrap(), Value::from("a\0b\x01c"));
        let map = read("4\0o\0Kk\x01a\0s1\0e").unwrap();
        assert_eq!(map.get("k\0"), &Value::from("1"));
        assert_eq!(
            read("4\0a\0u\0n1\0e").unwrap().to_array(),
            [Value::Undefined, Value::Number(1.0)]
        );
        // A refusal is the reader's error, naming the argument or the entry (the innermost key).
        let message = |text: &str| read(text).unwrap_err().message;
        assert_eq!(message("1\0!r"), "could not read options");
        assert_eq!(
            message("3\0o\0kwidth\0!p"),
            Error::not_plain_data("option width").message
        );
        assert_eq!(message("4\0o\0kl\0a\0!l"), "option l is too large");
        assert_eq!(
            message("5\0o\0ka\0o\0Kb\x01a\0!d"),
            Error::nested_too_deeply("option b\0").message
        );
        assert_eq!(
            message("3\0o\0ka\0!k"),
            Error::too_many_keys("option a").message
        );
        assert_eq!(
            read("1\0!r").unwrap_err().code,
            crate::ErrorCode::InvalidArgument
        );
        for bad in [
            "1\0!z",
            "1\0!",
            "1\0x12",
            "1\0xzzzzzzzzzzzzzzzz",
            "1\0qa\x01c",
            "1\0uu",
            "2\0u\0u",
        ] {
            assert!(read(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn malformed_text_is_an_error_not_a_panic() {
        for bad in [
            "",
            "x",
            "0",
            "1\0o",
            "2\0o",
            "2\0a\0e",
            "3\0o\0ka\0e",
            "4\0o\0ka\0x\0e",
            "3\0o\0e\0e",
            "4\0o\0ka\0n\0e",
            "4\0o\0a\0sx\0e",
            "1234567890\0o\0e",
            "5\0o\0ka\0a\0e",
            "4\0o\0ka\0t1\0e",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    /// A string holding `\0` and tokens must not turn into other entries: the count refuses it.
    #[test]
    fn injected_tokens_are_refused() {
        // { a: 'x\0kb\0sy' } written without escaping: 4 tokens declared, 6 present.
        assert!(parse("4\0o\0ka\0sx\0kb\0sy\0e").is_err());
        // { a: 'x\0kb\0a', s: 'y' } could otherwise read as { a: 'x', b: ['s', 'sy'] }.
        assert!(parse("6\0o\0ka\0sx\0kb\0a\0ks\0sy\0e").is_err());
        assert!(scalar_entries("4\0o\0ka\0sx\0kb\0sy\0e").is_err());
    }

    /// What npm/*/fast-args.js `flatArg` writes for an object of strings (the same tokens, unescaped).
    pub(crate) fn write_like_js(entries: &[(String, String)]) -> String {
        let mut text = String::from("\0o");
        for (k, v) in entries {
            text.push_str("\0k");
            text.push_str(k);
            text.push_str("\0s");
            text.push_str(v);
        }
        text.push_str("\0e");
        [(entries.len() * 2 + 2).to_string(), text].concat()
    }

    /// Random objects whose keys and values are drawn from token-like pieces and `\0`: read back exactly
    /// when no `\0` is in them, refused (never read as something else) when one is.
    #[test]
    fn random_objects_read_back_or_are_refused() {
        // Pieces that make whole tokens once a `\0` is in: injections are common, not luck.
        const PIECES: [&str; 12] = [
            "\0", "\0k", "\0s", "\0e", "\0o", "\0a", "\0z", "\0n1", "x", "k", "é", "😀",
        ];
        let seed = core::cell::Cell::new(0x9E37_79B9_7F4A_7C15_u64);
        let next = || {
            let mut s = seed.get();
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            seed.set(s);
            s
        };
        let piece = |n: u64| -> String {
            (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect()
        };
        for _ in 0..20_000 {
            let count = (next() % 4) as usize;
            let mut entries: Vec<(String, String)> = Vec::new();
            for _ in 0..count {
                let k = piece(next() % 4);
                let v = piece(next() % 5);
                if entries.iter().all(|(ek, _)| *ek != k) {
                    entries.push((k, v));
                }
            }
            let text = write_like_js(&entries);
            let has_nul = entries
                .iter()
                .any(|(k, v)| k.contains('\0') || v.contains('\0'));
            match parse(&text) {
                Ok(map) => {
                    assert!(!has_nul, "text with \\0 was read: {text:?} -> {map:?}");
                    let got: Vec<(String, String)> = map
                        .iter()
                        .map(|(k, v)| (k.to_owned(), v.as_str().unwrap_or("?").to_owned()))
                        .collect();
                    assert_eq!(got, entries, "{text:?}");
                }
                Err(_) => assert!(has_nul, "clean text refused: {text:?}"),
            }
        }
    }
}
