//! Configuration: `CLOUDINARY_URL` parsing and per-instance config whose secrets never show.

use crate::error::{Error, ErrorCode, Result};
use crate::prelude::*;
use crate::value::{Map, Value};
use core::fmt;

/// Keys whose values are secrets, at any depth of a config object.
const SECRET_KEYS: &[&str] = &[
    "api_secret",
    "key",
    "provisioning_api_secret",
    "oauth_token",
];

/// What redacted secrets are replaced with.
pub const REDACTED: &str = "[REDACTED]";

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidConfig, message)
}

/// WHATWG userinfo percent-encoding (what `URL.username`/`password` return).
fn encode_userinfo(s: &str) -> String {
    crate::encoding::encode_with(s, |b| {
        b > 0x20 && b < 0x7f && !br##""#<>?`{}/:;=@[\]^|"##.contains(&b)
    })
}

/// `application/x-www-form-urlencoded` decoding of one name or value (bad escapes stay as they are).
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The SDK's `putNestedValue`: `a[b][c]=v` sets `config.a.b.c = v`.
fn put_nested(config: &mut Map, key: &str, value: Value) {
    let mut chain: Vec<&str> = key.split(['[', ']']).filter(|p| !p.is_empty()).collect();
    let last = chain.pop().unwrap_or("undefined").to_owned();
    let mut outer = config;
    for inner in chain {
        if outer.get(inner).is_nullish() {
            outer.set(inner.to_owned(), Value::Object(Map::new()));
        }
        outer = match outer.get_mut(inner) {
            Some(Value::Object(m)) => m,
            // Assigning a property of a string or number is silently ignored in JavaScript.
            _ => return,
        };
    }
    outer.set(last, value);
}

/// Parses `cloudinary://<api_key>:<api_secret>@<cloud_name>[/<secure_distribution>][?key=value&a[b]=c]`
/// into the config object the SDK would build (query values stay strings, as in the SDK).
pub fn parse_cloudinary_url(input: &str) -> Result<Map> {
    const SCHEME: &str = "cloudinary://";
    // Compared as bytes: slicing the text at a fixed length could fall inside a character (found by
    // fuzzing: fuzz/regressions/cloudinary_url).
    let scheme_ok = input
        .as_bytes()
        .get(..SCHEME.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(SCHEME.as_bytes()));
    if !scheme_ok {
        return Err(invalid(
            "Invalid CLOUDINARY_URL protocol. URL should begin with 'cloudinary://'",
        ));
    }
    let rest = input.get(SCHEME.len()..).unwrap_or_default();
    let rest = rest.split('#').next().unwrap_or_default();
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, hostport) = match crate::scan::rsplit_once_byte(authority, b'@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let host = match crate::scan::rsplit_once_byte(hostport, b':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => hostport,
    };
    if host
        .bytes()
        .any(|b| b <= 0x20 || br"#/:<>?@[\]^|".contains(&b))
    {
        return Err(invalid(
            "Invalid CLOUDINARY_URL: the cloud name has characters a host cannot have",
        ));
    }
    let (username, password) = match userinfo {
        Some(ui) => match ui.split_once(':') {
            Some((u, p)) => (encode_userinfo(u), encode_userinfo(p)),
            None => (encode_userinfo(ui), String::new()),
        },
        None => (String::new(), String::new()),
    };
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let pathname = normalise_path(path);

    let mut config = Map::new();
    config.set("cloud_name", host.into());
    config.set(
        "api_key",
        if username.is_empty() {
            Value::Null
        } else {
            username.clone().into()
        },
    );
    // As the SDK: a password is the secret; a username alone leaves it unset; no userinfo at all gives null.
    if !password.is_empty() {
        config.set("api_secret", password.into());
    } else if username.is_empty() {
        config.set("api_secret", Value::Null);
    }
    config.set(
        "private_cdn",
        Value::Bool(!pathname.is_empty() && pathname != "/"),
    );
    if !pathname.is_empty() && pathname != "/" {
        config.set("secure_distribution", pathname[1..].to_owned().into());
    }
    if let Some(query) = query {
        let mut pairs = Map::new();
        for field in query.split('&').filter(|f| !f.is_empty()) {
            let (k, v) = field.split_once('=').unwrap_or((field, ""));
            pairs.set(form_decode(k), form_decode(v).into());
        }
        for (k, v) in pairs {
            put_nested(&mut config, &k, v);
        }
    }
    Ok(config)
}

/// A path with dot segments resolved, as `URL.pathname` gives it.
fn normalise_path(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let raw: Vec<&str> = path.split('/').skip(1).collect();
    let mut segments: Vec<&str> = Vec::new();
    for (i, seg) in raw.iter().enumerate() {
        let last = i + 1 == raw.len();
        match seg.to_ascii_lowercase().as_str() {
            ".." | ".%2e" | "%2e." | "%2e%2e" => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            "." | "%2e" => {
                if last {
                    segments.push("");
                }
            }
            _ => segments.push(seg),
        }
    }
    crate::value::concat(&["/", &segments.join("/")])
}

/// A per-instance configuration (a config object with the SDK's keys). Its `Debug` and
/// [`Config::redacted`] never show secrets.
#[derive(Clone, Default, PartialEq)]
pub struct Config {
    values: Map,
}

impl Config {
    /// Wraps a config object.
    pub fn new(values: Map) -> Self {
        Config { values }
    }

    /// From a `CLOUDINARY_URL`.
    pub fn from_url(url: &str) -> Result<Self> {
        parse_cloudinary_url(url).map(Config::new)
    }

    /// The config values (secrets included: for signing only).
    pub fn values(&self) -> &Map {
        &self.values
    }

    /// The cloud name, if set.
    pub fn cloud_name(&self) -> Option<&str> {
        self.values.get("cloud_name").as_str()
    }

    /// Per-call options over this config: `{...config, ...options}`.
    pub fn merged(&self, options: &Map) -> Map {
        let mut merged = self.values.clone();
        merged.assign(options);
        merged
    }

    /// A copy whose secrets are replaced by `[REDACTED]`, for logs, `toJSON` and `inspect`.
    pub fn redacted(&self) -> Map {
        redact(&self.values)
    }
}

/// Keys whose values are URLs that may carry credentials in their userinfo.
const URL_KEYS: &[&str] = &["api_proxy", "upload_prefix", "secure_distribution", "cname"];

fn redact(map: &Map) -> Map {
    map.iter()
        .map(|(k, v)| {
            let v = match v {
                _ if SECRET_KEYS.contains(&k) && !v.is_nullish() => Value::from(REDACTED),
                Value::String(url) if URL_KEYS.contains(&k) => {
                    Value::from(crate::secret::redact_userinfo(url))
                }
                Value::Object(inner) => Value::Object(redact(inner)),
                other => other.clone(),
            };
            (k.to_owned(), v)
        })
        .collect()
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Config({})",
            Value::Object(self.redacted()).to_json().unwrap_or_default()
        )
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_redacts() {
        let c = Config::from_url(
            "cloudinary://123:abc@demo/cdn.example.com?secure=true&auth_token[key]=ff",
        )
        .unwrap();
        assert_eq!(c.cloud_name(), Some("demo"));
        assert_eq!(
            c.values().get("secure_distribution").as_str(),
            Some("cdn.example.com")
        );
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("abc") && !shown.contains("\"ff\""),
            "{shown}"
        );
        assert!(parse_cloudinary_url("http://x").is_err());
    }
}
