//! Request signing: `api_sign_request` and `sign_request`.

use crate::error::{Error, Result};
use crate::hash::SignatureAlgorithm;
use crate::prelude::*;
use crate::value::{Map, Value};

/// How parameters are written into the string to sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// Version 1: `k=v` pairs as they are.
    V1,
    /// Version 2 (the default): `&` inside each `k=v` becomes `%26`, so values cannot smuggle parameters.
    #[default]
    V2,
}

impl SignatureVersion {
    /// From an option value: null/undefined give version 2; otherwise `value >= 2` selects version 2.
    pub fn from_option(value: &Value) -> Self {
        if value.is_nullish() || value.parse_float() >= 2.0 {
            SignatureVersion::V2
        } else {
            SignatureVersion::V1
        }
    }
}

/// The string to sign: blank values dropped, arrays joined with `,`, keys sorted, `k=v` joined by `&`.
///
/// Keys are sorted by byte order, as Cloudinary's servers do. (The Node SDK uses `localeCompare`, which
/// differs for upper-case letters and digits; see tests/vectors/deviations.json.)
pub fn string_to_sign(params: &Map, version: SignatureVersion) -> String {
    string_to_sign_with_room(params, version, 0)
}

/// [`string_to_sign`] with `room` bytes reserved after it (for the secret that follows).
fn string_to_sign_with_room(params: &Map, version: SignatureVersion, room: usize) -> String {
    let mut pairs: Vec<(&str, SignedValue<'_>)> = params
        .iter()
        .filter_map(|(k, v)| {
            let v = match v {
                Value::Undefined | Value::Null => return None,
                Value::String(s) => SignedValue::Text(s.as_str().into()),
                // Never empty, never an `&`: written straight into the string to sign.
                Value::Number(_) | Value::Bool(_) => SignedValue::Scalar(v),
                Value::Array(items) => SignedValue::Text(Value::join(items, ",").into()),
                other => SignedValue::Text(other.to_js_string().into()),
            };
            (!v.is_empty()).then_some((k, v))
        })
        .collect();
    join_sorted(&mut pairs, version, room)
}

/// A value's text in the string to sign: text (borrowed or made), or a number or boolean written in place.
enum SignedValue<'a> {
    Text(alloc::borrow::Cow<'a, str>),
    Scalar(&'a Value),
}

impl SignedValue<'_> {
    fn is_empty(&self) -> bool {
        match self {
            SignedValue::Text(s) => s.is_empty(),
            SignedValue::Scalar(_) => false,
        }
    }

    /// Its length when known without writing it (a guess for the buffer).
    fn len_hint(&self) -> usize {
        match self {
            SignedValue::Text(s) => s.len(),
            SignedValue::Scalar(_) => 12,
        }
    }

    /// Appends it, `&` escaped as `version` asks (a number or boolean holds none).
    fn write(&self, out: &mut String, version: SignatureVersion) {
        match self {
            SignedValue::Text(s) => push_escaped(out, s, version),
            SignedValue::Scalar(v) => v.write_js_string(out),
        }
    }
}

/// [`string_to_sign`] of params written as flat text ([`crate::flat`]: what a JavaScript caller sends for
/// an object of strings, numbers, booleans and nulls), without building a map: each value is the text
/// the SDK signs (`String(value)`), nulls and empty values dropped as blank ones are.
/// `room`: bytes to reserve after it (the secret that follows).
pub fn string_to_sign_flat(flat: &str, version: SignatureVersion, room: usize) -> Result<String> {
    let entries = exact_entries(flat)?;
    Ok(join_flat(&entries, unescaped_version(flat, version), room))
}

/// Version 2 escapes the `&` inside keys and values; flat text escapes nothing, so text holding none
/// has none in any key or value and signs the same either way: one scan of it (`memchr`) saves a scan
/// of every key and value.
fn unescaped_version(flat: &str, version: SignatureVersion) -> SignatureVersion {
    match flat.as_bytes().contains(&b'&') {
        true => version,
        false => SignatureVersion::V1,
    }
}

/// Whether number text is an integer as `String(n)` writes one, for sure: an optional `-`, then at
/// most 15 digits without a leading zero (or `0` alone; `-0` is written `0`). Timestamps and versions,
/// the numbers params hold, pass without being parsed and written again.
fn is_plain_safe_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    plain && text != "-0"
}

/// Whether number text is what `String(n)` writes for the number it reads as (parsed and written
/// again: the rare fractions and large numbers in params).
#[cold]
#[inline(never)]
fn is_canonical_number(text: &str) -> bool {
    crate::value::parse_decimal(text)
        .filter(|n| n.is_finite())
        .is_some_and(|n| {
            let mut canonical = String::new();
            crate::value::write_number(n, &mut canonical);
            canonical == text
        })
}

/// The scalar entries of flat text as JavaScript's writer makes them: no key twice, every number in
/// JavaScript's own form (`String(n)`). Other text (made by hand) would sign otherwise than the params
/// it stands for (a repeated key counts once in an object, `1.0` is signed as `1`): it is refused, and
/// the JavaScript caller then takes the ordinary path.
fn exact_entries(flat: &str) -> Result<Vec<(&str, crate::flat::FlatValue<'_>)>> {
    let entries = crate::flat::scalar_entries(flat)?;
    let inexact = || Error::invalid_argument("flat text: not as JavaScript writes it");
    // Numbers in JavaScript's form; repeated keys looked for only when two keys share a bit of `Map`'s
    // one-word key filter, then pairwise for a few keys, sorted for many.
    let mut seen = 0u64;
    let mut maybe_repeated = false;
    for (key, value) in &entries {
        let bit = crate::value::key_bit(key);
        maybe_repeated |= seen & bit != 0;
        seen |= bit;
        if let crate::flat::FlatValue::Number(text) = value {
            if !is_plain_safe_integer(text) && !is_canonical_number(text) {
                return Err(inexact());
            }
        }
    }
    if maybe_repeated {
        let repeated = if entries.len() <= 32 {
            (1..entries.len()).any(|i| entries[..i].iter().any(|(k, _)| *k == entries[i].0))
        } else {
            let mut keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
            keys.sort_unstable();
            keys.windows(2).any(|w| w[0] == w[1])
        };
        if repeated {
            return Err(inexact());
        }
    }
    Ok(entries)
}

/// The string to sign of flat entries: blank ones (null, empty) dropped, each value the text the SDK
/// signs (`String(value)`).
fn join_flat(
    entries: &[(&str, crate::flat::FlatValue<'_>)],
    version: SignatureVersion,
    room: usize,
) -> String {
    // Sized for all entries up front (a filtered collect starts small and grows).
    let mut pairs: Vec<(&str, SignedValue<'_>)> = Vec::with_capacity(entries.len());
    // Blank ones (null, empty) dropped, as `FlatValue::is_blank` says; one `signed_text` per entry.
    pairs.extend(entries.iter().filter_map(|(k, v)| {
        v.signed_text()
            .filter(|t| !t.is_empty())
            .map(|t| (*k, SignedValue::Text(t.into())))
    }));
    join_sorted(&mut pairs, version, room)
}

/// Key order (byte order), deciding on the first byte where it differs without calling `memcmp`.
fn key_less(a: &str, b: &str) -> bool {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(x), Some(y)) if x != y => x < y,
        _ => a < b,
    }
}

/// Sorts `k=v` pairs by key (byte order) and joins them with `&`.
fn join_sorted(
    pairs: &mut [(&str, SignedValue<'_>)],
    version: SignatureVersion,
    room: usize,
) -> String {
    crate::value::sort_small(pairs, |a, b| key_less(a.0, b.0));
    let mut out = String::with_capacity(
        pairs
            .iter()
            .map(|(k, v)| k.len() + v.len_hint() + 2)
            .sum::<usize>()
            + room,
    );
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_escaped(&mut out, k, version);
        out.push('=');
        v.write(&mut out, version);
    }
    out
}

/// Appends part of a `k=v` pair; in version 2 an `&` inside it becomes `%26`.
fn push_escaped(out: &mut String, s: &str, version: SignatureVersion) {
    if version == SignatureVersion::V1 || !s.as_bytes().contains(&b'&') {
        return out.push_str(s);
    }
    for (i, part) in s.split('&').enumerate() {
        if i > 0 {
            out.push_str("%26");
        }
        out.push_str(part);
    }
}

/// `api_sign_request`: hex hash of the string to sign followed directly by the secret.
pub fn api_sign_request(
    params: &Map,
    api_secret: &str,
    algorithm: SignatureAlgorithm,
    version: SignatureVersion,
) -> String {
    signature_of(
        string_to_sign_with_room(params, version, api_secret.len()),
        api_secret,
        algorithm,
    )
}

/// [`api_sign_request`] of params written as flat text ([`string_to_sign_flat`]), without a map.
pub fn api_sign_request_flat(
    flat: &str,
    api_secret: &str,
    algorithm: SignatureAlgorithm,
    version: SignatureVersion,
) -> Result<String> {
    let input = string_to_sign_flat(flat, version, api_secret.len())?;
    Ok(signature_of(input, api_secret, algorithm))
}

/// The hex hash of the string to sign followed directly by the secret.
fn signature_of(mut input: String, api_secret: &str, algorithm: SignatureAlgorithm) -> String {
    input.push_str(api_secret);
    algorithm.hex(input.as_bytes())
}

/// `clear_blank`: drops params that are not present and falsy elements inside arrays.
pub fn clear_blank(params: &Map) -> Map {
    let mut out = Map::with_capacity(params.len() + 2);
    for (k, v) in params.entries() {
        if !v.present() {
            continue;
        }
        let v = match v {
            Value::Array(items) => {
                Value::Array(items.iter().filter(|x| x.truthy()).cloned().collect())
            }
            other => other.clone(),
        };
        // A map's keys are distinct: no lookup needed (and a static key is shared, not copied).
        out.push_new(k.clone(), v);
    }
    out
}

/// [`clear_blank`] of params handed over: the blank entries dropped in place, nothing copied.
pub fn clear_blank_owned(mut params: Map) -> Map {
    params.retain_mut(|_, v| {
        if !v.present() {
            return false;
        }
        if let Value::Array(items) = v {
            items.retain(Value::truthy);
        }
        true
    });
    params
}

/// Credentials and signing choices, as `sign_request` reads them from its options.
#[derive(Clone, Debug)]
pub struct SigningOptions {
    /// The api_key added after signing (any JavaScript value the caller gave, null included).
    pub api_key: Value,
    /// The api_secret (its `Debug` is redacted).
    pub api_secret: crate::Secret,
    /// SHA-1 or SHA-256.
    pub algorithm: SignatureAlgorithm,
    /// Signature version 1 or 2.
    pub version: SignatureVersion,
}

impl SigningOptions {
    /// Reads `api_key`, `api_secret`, `signature_algorithm` and `signature_version` from an options object.
    pub fn from_options(options: &Map) -> Result<Self> {
        Self::from_values(
            options.get("api_key"),
            options.get("api_secret"),
            options.get("signature_algorithm"),
            options.get("signature_version"),
        )
    }

    /// [`SigningOptions::from_options`] of `options` laid over `config` (an account's): each key from the
    /// options when they have it, else from the config, as a merged copy would read it, with no copy.
    pub fn from_layers(options: &Map, config: &Map) -> Result<Self> {
        let value = |name: &str| match options.has(name) {
            true => options.get(name),
            false => config.get(name),
        };
        Self::from_values(
            value("api_key"),
            value("api_secret"),
            value("signature_algorithm"),
            value("signature_version"),
        )
    }

    /// [`SigningOptions::from_options`] of options written as flat text of scalars, without a map (the
    /// last of a key written twice counts, as in a map); `None` when the text is not that.
    pub fn from_flat(text: &str) -> Option<Result<Self>> {
        let entries = crate::flat::scalar_entries(text).ok()?;
        let value = |name: &str| match entries.iter().rev().find(|(key, _)| *key == name) {
            Some((_, v)) => v.to_value(),
            None => Some(Value::Undefined),
        };
        Some(Self::from_values(
            &value("api_key")?,
            &value("api_secret")?,
            &value("signature_algorithm")?,
            &value("signature_version")?,
        ))
    }

    fn from_values(
        api_key: &Value,
        api_secret: &Value,
        algorithm: &Value,
        version: &Value,
    ) -> Result<Self> {
        if matches!(api_key, Value::Undefined) {
            return Err(Error::missing("api_key"));
        }
        let api_secret = match api_secret {
            v if v.is_nullish() => return Err(Error::missing("api_secret")),
            v => crate::Secret::new(v.to_js_string()),
        };
        Ok(SigningOptions {
            api_key: api_key.clone(),
            api_secret,
            algorithm: SignatureAlgorithm::from_option(algorithm)?,
            version: SignatureVersion::from_option(version),
        })
    }
}

/// `sign_request`: clears blanks, adds `signature`, then `api_key` (which is never signed).
pub fn sign_request(params: &Map, signing: &SigningOptions) -> Map {
    finish_signed(clear_blank(params), signing)
}

/// [`sign_request`] of params handed over (the bindings' freshly read ones): no copy is made.
pub fn sign_request_owned(params: Map, signing: &SigningOptions) -> Map {
    finish_signed(clear_blank_owned(params), signing)
}

/// [`sign_request`] of params written as flat text, answered as JSON text, with no map built: what a
/// binding's fast path sends for an object of strings, numbers, booleans and nulls (upload params). `None`
/// when the text is not that (nested values, a number that is not plain, a key twice, many keys) or the
/// api_key has no exact JSON form: the caller then parses the params and takes [`sign_request`].
pub fn sign_request_flat_json(flat: &str, signing: &SigningOptions) -> Option<String> {
    use crate::flat::FlatValue;
    const MOST_KEYS: usize = 64;
    let api_key = signing.api_key.to_json_exact()?;
    let entries = exact_entries(flat).ok()?;
    if entries.len() > MOST_KEYS {
        return None;
    }
    let input = join_flat(
        &entries,
        unescaped_version(flat, signing.version),
        signing.api_secret.expose().len(),
    );
    let signature = signature_of(input, signing.api_secret.expose(), signing.algorithm);
    let mut out = String::with_capacity(flat.len() + signature.len() + api_key.len() + 64);
    out.push('{');
    let entry = |out: &mut String, key: &str| {
        if out.len() > 1 {
            out.push(',');
        }
        crate::value::write_json_string(key, out);
        out.push(':');
    };
    let (mut signed, mut keyed) = (false, false);
    // `clear_blank`: nulls and empty strings go, as from the string to sign.
    for (key, value) in entries.iter().filter(|(_, value)| !value.is_blank()) {
        entry(&mut out, key);
        match (*key, value) {
            // Set over an existing key keeps its place, as `Map::set` does.
            ("signature", _) => {
                signed = true;
                crate::value::write_json_string(&signature, &mut out);
            }
            ("api_key", _) => {
                keyed = true;
                out.push_str(&api_key);
            }
            (_, FlatValue::String(s)) => crate::value::write_json_string(s, &mut out),
            (_, FlatValue::Number(text)) => out.push_str(text),
            (_, FlatValue::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
            // Blank values were dropped above.
            (_, FlatValue::Null) => {}
        }
    }
    if !signed {
        entry(&mut out, "signature");
        crate::value::write_json_string(&signature, &mut out);
    }
    if !keyed {
        entry(&mut out, "api_key");
        out.push_str(&api_key);
    }
    out.push('}');
    Some(out)
}

/// Signs params already cleared of blanks and adds `signature`, then `api_key`.
fn finish_signed(mut out: Map, signing: &SigningOptions) -> Map {
    let signature = api_sign_request(
        &out,
        signing.api_secret.expose(),
        signing.algorithm,
        signing.version,
    );
    out.set("signature", signature.into());
    out.set("api_key", signing.api_key.clone());
    out
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    /// The integer shortcut of the canonical-number check never accepts text that parsing and writing
    /// again would refuse.
    #[test]
    fn plain_safe_integers_are_canonical() {
        let cases = [
            "0",
            "1",
            "-1",
            "1700000000",
            "999999999999999",
            "-999999999999999",
            "-0",
            "01",
            "-01",
            "1e3",
            "0x1",
            "9007199254740993",
            "1234567890123456",
            "",
            "-",
            "1.5",
            " 1",
        ];
        let mut accepted = 0;
        for text in cases {
            let canonical = super::is_canonical_number(text);
            if super::is_plain_safe_integer(text) {
                assert!(canonical, "{text:?}");
                accepted += 1;
            }
        }
        assert_eq!(accepted, 6);
    }

    /// apiSignRequest's flat twin signs what the params object signs, and refuses text JavaScript's
    /// writer never makes (a repeated key, a number not in JavaScript's form) rather than signing it
    /// otherwise; its few-key and many-key repeat checks agree.
    #[test]
    fn flat_string_to_sign_is_the_objects_or_refused() {
        let secret = "s3cret";
        let signed = |text: &str| {
            super::api_sign_request_flat(
                text,
                secret,
                super::SignatureAlgorithm::Sha1,
                super::SignatureVersion::V2,
            )
        };
        let by_map = |text: &str| {
            let map = crate::flat::parse(text).unwrap();
            super::api_sign_request(
                &map,
                secret,
                super::SignatureAlgorithm::Sha1,
                super::SignatureVersion::V2,
            )
        };
        for text in [
            "6\0o\0ka\0n1\0kb\0sx\0e",
            "6\0o\0ka\0n-1.5e-7\0kb\0z\0e",
            "2\0o\0e",
            // `&` in a key or value: escaped in version 2 (texts without one skip the escaping).
            "6\0o\0ka&b\0sx\0kb\0sx&y=z\0e",
            "4\0o\0kc\0s&&\0e",
        ] {
            assert_eq!(signed(text).unwrap(), by_map(text), "{text:?}");
        }
        for text in [
            "6\0o\0ka\0n1.0\0kb\0sx\0e",
            "6\0o\0ka\0s1\0ka\0s2\0e",
            "4\0o\0ka\0n01\0e",
            "4\0o\0ka\0n1e3\0e",
        ] {
            assert!(signed(text).is_err(), "{text:?}");
        }
        for n in [32, 33, 200] {
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&format!("\0kk{i}\0s{i}"));
            }
            let unique = format!("{}\0o{text}\0e", 2 * n + 2);
            assert_eq!(signed(&unique).unwrap(), by_map(&unique), "{n}");
            let repeated = format!("{}\0o{text}\0kk0\0sx\0e", 2 * n + 4);
            assert!(signed(&repeated).is_err(), "{n}");
        }
    }

    /// The flat JSON answer is exactly the ordinary path's answer as JSON, whatever the params hold
    /// (blanks, booleans, numbers, a `signature` or `api_key` among them, keys JavaScript orders first),
    /// and it declines what it does not take.
    #[test]
    fn flat_answer_is_the_ordinary_answer() {
        let params = [
            "18\0o\0keager\0sc_fill,w_200\0koverwrite\0n1\0kpublic_id\0sfolder/sample\0kresponsive_breakpoints\0z\0ktimestamp\0n1700000000\0ktransformation\0s\0kcontext\0salt=x\0ktags\0sa,b\0e",
            "12\0o\0kb\0t\0ka\0f\0ksignature\0sold\0kapi_key\0sown\0k2\0sx&y=z\0e",
            "6\0o\0kn\0n-1.5e-7\0kz\0s\0e",
            // Zero and "0" are not blank (only null and "" are).
            "10\0o\0kd\0n0\0ke\0s0\0kf\0f\0kg\0z\0e",
            "2\0o\0e",
        ];
        let declined = [
            "6\0o\0ka\0n1.0\0ka\0s2\0e",
            "4\0o\0ka\0n1.0\0e",
            "5\0o\0ka\0a\0e\0e",
            "{\"a\":1}",
        ];
        for (key, version) in [
            (crate::Value::from("k1"), None),
            (crate::Value::Number(42.0), Some(1.0)),
            (crate::Value::Null, None),
        ] {
            let mut o = crate::Map::new();
            o.set("api_key", key);
            o.set("api_secret", "s3cret".into());
            if let Some(v) = version {
                o.set("signature_version", crate::Value::Number(v));
            }
            let signing = super::SigningOptions::from_options(&o).unwrap();
            for text in params {
                let map = crate::flat::parse(text).unwrap();
                let expected = crate::Value::Object(super::sign_request(&map, &signing))
                    .to_json_exact()
                    .unwrap();
                assert_eq!(
                    super::sign_request_flat_json(text, &signing).as_deref(),
                    Some(expected.as_str()),
                    "{text:?}"
                );
            }
            for text in declined {
                assert_eq!(
                    super::sign_request_flat_json(text, &signing),
                    None,
                    "{text:?}"
                );
            }
        }
    }

    /// Options read from flat text without a map are the options read from the map.
    #[test]
    fn signing_options_from_flat_text_are_those_from_the_map() {
        for text in [
            "6\0o\0kapi_key\0s1234\0kapi_secret\0sabc\0e",
            "10\0o\0kapi_key\0n42\0kapi_secret\0n7\0ksignature_algorithm\0ssha256\0ksignature_version\0n1\0e",
            "8\0o\0kapi_key\0z\0kapi_secret\0sx\0kapi_secret\0sy\0e",
            "4\0o\0kapi_secret\0sx\0e",
            "4\0o\0kapi_key\0sk\0e",
            "8\0o\0kapi_key\0sk\0kapi_secret\0sx\0ksignature_algorithm\0smd5\0e",
        ] {
            let map = crate::flat::parse(text).unwrap();
            let expected = super::SigningOptions::from_options(&map);
            let got = super::SigningOptions::from_flat(text).unwrap();
            match (expected, got) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.api_key, b.api_key);
                    assert_eq!(a.api_secret.expose(), b.api_secret.expose());
                    assert_eq!((a.algorithm, a.version), (b.algorithm, b.version));
                }
                (Err(a), Err(b)) => assert_eq!(a.code, b.code),
                (a, b) => panic!("{text:?}: {a:?} vs {b:?}"),
            }
        }
        assert!(super::SigningOptions::from_flat("{\"api_key\":1}").is_none());
    }

    #[test]
    fn signing_options_never_print_the_secret() {
        let mut o = crate::Map::new();
        o.set("api_key", "k".into());
        o.set("api_secret", "hunter2-secret".into());
        let signing = super::SigningOptions::from_options(&o).unwrap();
        let shown = format!("{signing:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[REDACTED]"));
    }

    use super::*;

    #[test]
    fn reference_example() {
        let mut p = Map::new();
        p.set("cloud_name", "dn6ot3ged".into());
        p.set("timestamp", 1568810420.0.into());
        p.set("username", "user@cloudinary.com".into());
        let sig = api_sign_request(
            &p,
            "hdcixPpR2iKERPwqvH6sHdK9cyac",
            SignatureAlgorithm::Sha1,
            SignatureVersion::V2,
        );
        assert_eq!(sig, "14c00ba6d0dfdedbc86b316847d95b9e6cd46d94");
    }
}
