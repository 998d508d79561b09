//! A small JSON reader for the places the SDK calls `JSON.parse` (e.g. a string `access_control`).
//! Writing is [`crate::Value::to_json`].

use crate::error::{Error, Result};
use crate::prelude::*;
use crate::value::{Map, Value};

/// Parses JSON text into a [`Value`], as `JSON.parse` would (object keys keep their order).
pub fn parse(text: &str) -> Result<Value> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err());
    }
    Ok(v)
}

struct Parser<'a> {
    // Slices of `text` are taken only at ASCII positions, so they need no UTF-8 check.
    text: &'a str,
    s: &'a [u8],
    i: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 512;

impl Parser<'_> {
    fn err(&self) -> Error {
        Error::invalid_option(format!("Invalid JSON at position {}", self.i))
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> Result<()> {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn value(&mut self) -> Result<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::invalid_option("JSON nested too deeply"));
        }
        let v = match self.s.get(self.i) {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.eat("true").map(|_| Value::Bool(true))?,
            Some(b'f') => self.eat("false").map(|_| Value::Bool(false))?,
            Some(b'n') => self.eat("null").map(|_| Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.err()),
        };
        self.depth -= 1;
        Ok(v)
    }

    fn object(&mut self) -> Result<Value> {
        self.i += 1;
        let mut map = Map::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.err());
            }
            let key = self.string()?;
            self.ws();
            self.eat(":")?;
            self.ws();
            let v = self.value()?;
            map.set(key, v);
            if map.len() > crate::value::MAX_OBJECT_KEYS {
                return Err(Error::invalid_option(format!(
                    "JSON object with more than {} keys",
                    crate::value::MAX_OBJECT_KEYS
                )));
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.err()),
            }
        }
    }

    fn array(&mut self) -> Result<Value> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err()),
            }
        }
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.i;
        while self.i < self.s.len()
            && matches!(
                self.s[self.i],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.i += 1;
        }
        let text = &self.text[start..self.i];
        crate::value::parse_decimal(text)
            .map(Value::Number)
            .ok_or_else(|| self.err())
    }

    fn hex4(&mut self) -> Result<u16> {
        let digits = self.s.get(self.i..self.i + 4).ok_or_else(|| self.err())?;
        let text = core::str::from_utf8(digits).map_err(|_| self.err())?;
        let v = u16::from_str_radix(text, 16).map_err(|_| self.err())?;
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.s.len()
                && !matches!(self.s[self.i], b'"' | b'\\')
                && self.s[self.i] >= 0x20
            {
                self.i += 1;
            }
            let segment = &self.text[start..self.i];
            match self.s.get(self.i) {
                Some(b'"') if out.is_empty() => {
                    self.i += 1;
                    return Ok(segment.to_owned());
                }
                Some(b'"') => {
                    out.push_str(segment);
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(segment);
                    self.i += 1;
                    let c = *self.s.get(self.i).ok_or_else(|| self.err())?;
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let mut units = vec![first];
                            if (0xD800..0xDC00).contains(&first)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                units.push(self.hex4()?);
                            }
                            out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')));
                        }
                        _ => return Err(self.err()),
                    }
                }
                _ => return Err(self.err()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let text = r#"{"a":[1,2.5,"x\n\u00e9"],"b":null,"c":true,"d":{"e":"\ud83d\ude00"}}"#;
        let v = parse(text).unwrap();
        assert_eq!(
            v.to_json().unwrap(),
            "{\"a\":[1,2.5,\"x\\né\"],\"b\":null,\"c\":true,\"d\":{\"e\":\"😀\"}}"
        );
        assert!(parse("{").is_err());
        assert!(parse("[1,]").is_err());
    }

    /// Strings are written as JSON.stringify writes them (serde_json escapes the same set).
    #[test]
    fn escapes_as_json_stringify() {
        for s in [
            "",
            "plain",
            "q\"b\\s/",
            "\n\r\t\u{8}\u{c}\u{1}\u{1f} ",
            "é😀\u{7f}",
            "end\u{0}",
        ] {
            let ours = Value::from(s).to_json().unwrap();
            assert_eq!(ours, serde_json::to_string(s).unwrap(), "{s:?}");
            assert_eq!(parse(&ours).unwrap(), Value::from(s));
        }
    }

    /// Exact JSON refuses what JSON.parse would not give back.
    #[test]
    fn exact_json_refuses_what_json_loses() {
        assert_eq!(Value::Number(-0.0).to_json_exact(), None);
        assert_eq!(Value::Number(f64::NAN).to_json_exact(), None);
        assert_eq!(Value::Array(vec![Value::Undefined]).to_json_exact(), None);
        let mut m = Map::new();
        m.set("a", Value::Undefined);
        m.set("b", Value::Number(1.5));
        assert_eq!(
            Value::Object(m).to_json_exact().as_deref(),
            Some("{\"b\":1.5}")
        );
    }
}
