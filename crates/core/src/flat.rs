//! Flat text: how a JavaScript binding hands over a plain object whose values are all strings, numbers,
//! booleans or null (most option and param objects). Cheaper to write in JavaScript than
//! `JSON.stringify` (which needs a walk first to know it is exact) and to read here than JSON.
//!
//! The number of entries, then per entry `\0<key>\0<tag><value>`. Tags: `s` a string, `n` a number
//! (JavaScript's `String(n)`, read back exactly), `t` true, `f` false, `z` null (those three with no
//! value). Nothing is escaped, so a key or value holding `\0` makes the separators disagree with the
//! count: that is an error here, and the JavaScript caller, which takes any error of the fast path as a
//! reason to call the ordinary path, gets the ordinary path's answer. npm/node/fast-args.cjs and
//! npm/web/fast-args.js write it (`flatArg`). JSON text starts with `{`, flat text with a digit:
//! [`parse_arg`] takes either.

use crate::error::{Error, Result};
use crate::prelude::*;
use crate::value::{Map, Value, MAX_OBJECT_KEYS};

/// One value of flat text, borrowed from it.
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
    /// The text the SDK signs for it (`String(value)`); none for null.
    pub fn signed_text(self) -> Option<&'a str> {
        match self {
            FlatValue::String(s) | FlatValue::Number(s) => Some(s),
            FlatValue::Bool(true) => Some("true"),
            FlatValue::Bool(false) => Some("false"),
            FlatValue::Null => None,
        }
    }

    fn to_value(self) -> Result<Value> {
        Ok(match self {
            FlatValue::String(s) => Value::String(s.to_owned()),
            FlatValue::Number(n) => {
                Value::Number(crate::value::parse_decimal(n).ok_or_else(|| malformed("a number"))?)
            }
            FlatValue::Bool(b) => Value::Bool(b),
            FlatValue::Null => Value::Null,
        })
    }
}

fn malformed(what: &str) -> Error {
    Error::invalid_argument(["flat text: malformed ", what].concat())
}

/// The entries of flat text, in order.
pub fn entries(text: &str) -> Result<Vec<(&str, FlatValue<'_>)>> {
    let (count, mut rest) = split_at_nul(text).unwrap_or((text, ""));
    let count = parse_count(count).ok_or_else(|| malformed("a count"))?;
    if count > MAX_OBJECT_KEYS {
        return Err(Error::invalid_argument("params has too many keys"));
    }
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let (key, after) = split_at_nul(rest).ok_or_else(|| malformed("a key"))?;
        // Each value but the last ends at a separator; the last one runs to the end of the text.
        let (value, after) = if i + 1 < count {
            split_at_nul(after).ok_or_else(|| malformed("a value"))?
        } else if after.bytes().any(|b| b == 0) {
            return Err(malformed("a value (it holds \\0)"));
        } else {
            (after, "")
        };
        let tag = value.as_bytes().first().copied();
        let body = value.get(1..).unwrap_or_default();
        let value = match tag {
            Some(b's') => FlatValue::String(body),
            Some(b'n') => FlatValue::Number(body),
            Some(b't') if body.is_empty() => FlatValue::Bool(true),
            Some(b'f') if body.is_empty() => FlatValue::Bool(false),
            Some(b'z') if body.is_empty() => FlatValue::Null,
            _ => return Err(malformed("a tag")),
        };
        out.push((key, value));
        rest = after;
    }
    if !rest.is_empty() {
        return Err(malformed("text after the last value"));
    }
    Ok(out)
}

/// Flat text as the object it stands for.
pub fn parse(text: &str) -> Result<Map> {
    let entries = entries(text)?;
    let mut map = Map::with_capacity(entries.len());
    for (key, value) in entries {
        // JavaScript objects never repeat a key, but this text came over a boundary: assign, as JSON.parse.
        map.set(key.to_owned(), value.to_value()?);
    }
    Ok(map)
}

/// An argument's text, JSON (it starts with `{`) or flat, as the value it stands for.
pub fn parse_arg(text: &str) -> Result<Value> {
    if text.starts_with('{') {
        crate::json::parse(text)
    } else {
        parse(text).map(Value::Object)
    }
}

/// `s.split_once('\0')` by a plain byte loop: for the short keys and values of options, quicker than
/// the searcher `str` uses (and `\0`, being ASCII, always falls on a character boundary).
fn split_at_nul(s: &str) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == 0)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// The entry count: decimal digits (at most 9, so it fits any `usize`).
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
        // { a: 'x:y', 'é😀': '😀é', n: 1.5, big: 1e21, t: true, f: false, z: null, e: '' }
        let text = "8\0a\0sx:y\0é😀\0s😀é\0n\0n1.5\0big\0n1e+21\0t\0t\0f\0f\0z\0z\0e\0s";
        let map = parse(text).unwrap();
        let keys: Vec<&str> = map.keys().collect();
        assert_eq!(keys, ["a", "é😀", "n", "big", "t", "f", "z", "e"]);
        assert_eq!(map.get("a"), &Value::from("x:y"));
        assert_eq!(map.get("é😀"), &Value::from("😀é"));
        assert_eq!(map.get("n"), &Value::Number(1.5));
        assert_eq!(map.get("big"), &Value::Number(1e21));
        assert_eq!(map.get("t"), &Value::Bool(true));
        assert_eq!(map.get("z"), &Value::Null);
        assert_eq!(map.get("e"), &Value::from(""));
        assert_eq!(parse("0").unwrap(), Map::new());
        assert_eq!(
            parse_arg("{\"a\":1}").unwrap().get("a"),
            &Value::Number(1.0)
        );
    }

    #[test]
    fn malformed_or_ambiguous_text_is_an_error_not_a_panic() {
        for bad in [
            "",
            "x",
            "1",
            "1\0a",
            "1\0a\0",
            "1\0a\0x",
            "1\0a\0t1",
            "1\0a\0n",
            "2\0a\0s",
            "0\0a",
            "1234567890\0a\0s",
            "1\0a\0sb\0c",
            "2\0a\0sb\0c\0sd\0",
            "1\0\u{e9}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        // A value holding \0 ({ a: 'x\0y', b: 'z' }) shifts every separator after it: refused.
        assert!(parse("2\0a\0sx\0y\0b\0sz").is_err());
    }
}
