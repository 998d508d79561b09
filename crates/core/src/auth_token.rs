//! Akamai-style auth tokens (`__cld_token__=...~hmac=...`) for token-based access control.

use crate::error::{Error, Result};
use crate::hash::hmac_sha256_hex;
use crate::prelude::*;
use crate::time::Now;
use crate::value::{Map, Value};

/// The bytes the SDK escapes in `acl` and `url`: `space " # % & ' / : ; < = > ? @ [ \ ] ^ ` { | } ~`
/// (ASCII only: its `escapeToLower` escapes no other character). A `match`, which compiles to a bit test
/// per byte: a search of the 23-byte list per byte was an eighth of a signed url() with a token.
fn is_token_unsafe(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'"'
            | b'#'
            | b'%'
            | b'&'
            | b'\''
            | b'/'
            | b':'
            | b';'
            | b'<'
            | b'='
            | b'>'
            | b'?'
            | b'@'
            | b'['
            | b'\\'
            | b']'
            | b'^'
            | b'`'
            | b'{'
            | b'|'
            | b'}'
            | b'~'
    )
}

/// `escapeToLower`: the unsafe characters escaped as `%xx` in lower-case hex (what tokens sign as
/// `url=`). The SDK escapes with upper-case digits, then lower-cases the two characters after every `%`;
/// every `%` of its output starts an escape (a `%` of the input is itself escaped), and every character
/// it escapes is ASCII, so each is two digits: one pass over the bytes writes the same.
pub fn escape_to_lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if is_token_unsafe(b) {
            // `i` and `run` are at ASCII bytes: character boundaries.
            out.push_str(s.get(run..i).unwrap_or_default());
            out.push('%');
            crate::digits::push_hex_lower(&mut out, b);
            run = i + 1;
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out
}

/// Node's `Buffer.from(key, "hex")`: pairs of hex digits, stopping at the first that is not one.
pub fn hex_key(key: &str) -> Vec<u8> {
    key.as_bytes()
        .chunks_exact(2)
        .map_while(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

/// JavaScript's binary `+`: string concatenation when either side is a string (or object), else numeric.
fn js_add(a: &Value, b: &Value) -> Value {
    let stringy = |v: &Value| matches!(v, Value::String(_) | Value::Array(_) | Value::Object(_));
    if stringy(a) || stringy(b) {
        return format!("{}{}", a.to_js_string(), b.to_js_string()).into();
    }
    let num = |v: &Value| match v {
        Value::Number(n) => *n,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Null => 0.0,
        _ => f64::NAN,
    };
    Value::Number(num(a) + num(b))
}

fn string_option(options: &Map, name: &str) -> Result<Option<String>> {
    match options.get(name) {
        Value::Undefined | Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Array(items) if name == "acl" => Ok(Some(Value::join(items, "!"))),
        _ => Err(Error::invalid_option(format!(
            "auth_token {name} must be a string"
        ))),
    }
}

/// Generates an auth token. `now` (Unix milliseconds, rounded to seconds; a clock is read only here) is
/// the start when `duration` is given without `start_time`.
pub fn generate_auth_token(options: &Map, now: Now) -> Result<String> {
    let name = match options.get("token_name") {
        v if v.truthy() => v.to_js_string(),
        _ => "__cld_token__".to_owned(),
    };
    let start_time = options.get("start_time");
    let expiration = match options.get("expiration") {
        e if !e.is_nullish() => e.clone(),
        _ => {
            let duration = options.get("duration");
            if duration.is_nullish() {
                return Err(Error::new(
                    crate::ErrorCode::MissingOption,
                    "Must provide either expiration or duration",
                ));
            }
            let start = if start_time.is_nullish() {
                Value::Number(crate::float::round(now.ms() / 1000.0))
            } else {
                start_time.clone()
            };
            js_add(&start, duration)
        }
    };
    // `name=ip=..~st=..~exp=..~acl=..~hmac=..`, written into one buffer; the HMAC signs the same
    // fields (with `url=..` instead of nothing when there is a url and no acl).
    fn field(out: &mut String, name: &str, value: &str) {
        if !out.is_empty() {
            out.push('~');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    let mut parts = String::with_capacity(128);
    if !options.get("ip").is_nullish() {
        field(&mut parts, "ip", &options.get("ip").to_js_string());
    }
    if !start_time.is_nullish() {
        field(&mut parts, "st", &start_time.to_js_string());
    }
    field(&mut parts, "exp", &expiration.to_js_string());
    let acl = string_option(options, "acl")?;
    if let Some(acl) = &acl {
        field(&mut parts, "acl", &escape_to_lower(acl));
    }
    let url = string_option(options, "url")?;
    let key = match options.get("key") {
        Value::String(k) => hex_key(k),
        _ => return Err(Error::missing("auth_token key")),
    };
    let hmac = match (&url, &acl) {
        (Some(url), None) => {
            let mut to_sign = parts.clone();
            field(&mut to_sign, "url", &escape_to_lower(url));
            hmac_sha256_hex(&key, to_sign.as_bytes())
        }
        _ => hmac_sha256_hex(&key, parts.as_bytes()),
    };
    field(&mut parts, "hmac", &hmac);
    let url_given = url.as_deref().is_some_and(|u| !u.is_empty());
    let acl_given = acl.as_deref().is_some_and(|a| !a.is_empty());
    if !url_given && !acl_given {
        return Err(Error::new(
            crate::ErrorCode::MissingOption,
            "authToken must contain either an acl or a url property",
        ));
    }
    Ok(crate::value::concat(&[name.as_str(), "=", &parts]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK's two steps, as written there: escape code units with upper-case hex, then lower-case
    /// the two characters after each `%`.
    fn sdk_escape_to_lower(s: &str) -> String {
        let escaped =
            crate::encoding::smart_escape_where(s, |u| u < 0x80 && is_token_unsafe(u as u8));
        let mut out = String::new();
        let mut lower_next = 0;
        for c in escaped.chars() {
            if lower_next > 0 {
                out.push(c.to_ascii_lowercase());
                lower_next -= 1;
            } else {
                out.push(c);
                if c == '%' {
                    lower_next = 2;
                }
            }
        }
        out
    }

    #[test]
    fn token_unsafe_bytes_are_the_sdks_list() {
        for b in 0..=u8::MAX {
            assert_eq!(
                is_token_unsafe(b),
                br##" "#%&'/:;<=>?@[\]^`{|}~"##.contains(&b),
                "{b}"
            );
        }
    }

    #[test]
    fn escape_to_lower_is_the_sdks() {
        for s in [
            "",
            "/image/upload/a b/*",
            "%",
            "%41%2F",
            "a~b|c{d}e^f`g[h]i\\j@k?l>m=n<o;p:q/r'&s%t#u\"v w",
            "é/ü?😀#%E9",
            "ABC-def_0.9!*()$,+",
            "\u{7f}\u{80}\u{1f}",
        ] {
            assert_eq!(escape_to_lower(s), sdk_escape_to_lower(s), "{s:?}");
        }
    }
}
