//! Delivery URLs (`url()`): source encoding, versions, suffixes, hosts and shards, signed URLs and
//! auth tokens. Never the SDK's analytics `_a=` parameter.

use alloc::borrow::Cow;

#[cfg(feature = "signed-urls")]
use crate::auth_token::generate_auth_token;
use crate::encoding::{decode_uri_component, sdk_crc32, smart_escape};
use crate::error::{Error, Result};
#[cfg(feature = "signed-urls")]
use crate::hash::SignatureAlgorithm;
use crate::prelude::*;
use crate::time::Now;
use crate::transformation::{generate_from_options, NO_ACCOUNT};
use crate::value::{Map, Value, UNDEFINED};

/// The options of a URL besides its transformation's ([`crate::transformation::PARAMS`] and
/// `COMPONENT_OPTIONS`): what `url()` reads of its options object. npm/node/options.d.ts declares them as
/// `UrlOptions` (a test holds the two to the same names), and the CLI's `url` refuses any other name.
#[cfg(any(feature = "interned-keys", test))]
pub(crate) const URL_OPTIONS: [&str; 20] = [
    "cloud_name",
    "resource_type",
    "type",
    "version",
    "format",
    "secure",
    "secure_distribution",
    "private_cdn",
    "cname",
    "cdn_subdomain",
    "secure_cdn_subdomain",
    "shorten",
    "url_suffix",
    "use_root_path",
    "force_version",
    "sign_url",
    "long_url_signature",
    "signature_algorithm",
    "api_secret",
    "auth_token",
];

const SHARED_CDN: &str = "res.cloudinary.com";
const OLD_AKAMAI_SHARED_CDN: &str = "cloudinary-a.akamaihd.net";

/// Builds the delivery URL of `public_id` with `options` (the SDK's snake_case keys, credentials
/// included). `now` (Unix milliseconds, or a clock) is used only by auth tokens given a `duration`
/// without `start_time`.
pub fn url(public_id: &str, options: &Map, now: Now) -> Result<String> {
    url_for_account(public_id, options, &NO_ACCOUNT, now)
}

/// The options of a URL besides its transformation, resource type, type and version.
struct UrlFlags<'a> {
    force_version: bool,
    long_url_signature: bool,
    format: &'a Value,
    shorten: bool,
    sign_url: bool,
    api_secret: &'a Value,
    url_suffix: &'a Value,
    use_root_path: bool,
    /// Validated only when a signature is computed, as the SDK does.
    algorithm: &'a Value,
    auth_token: Option<Map>,
}

impl<'a> UrlFlags<'a> {
    /// Reads the flags; where an option is nullish the account's value counts, as the SDK's
    /// `consumeOption(options, key, config().key)` does.
    fn read(o: &'a Map, account: &'a Map) -> UrlFlags<'a> {
        let flag = |key| o.option_or(key, account).truthy();
        UrlFlags {
            force_version: match o.option_or("force_version", account) {
                Value::Undefined => true,
                v => v.truthy(),
            },
            long_url_signature: flag("long_url_signature"),
            format: o.option("format"),
            shorten: flag("shorten"),
            sign_url: flag("sign_url"),
            api_secret: o.option_or("api_secret", account),
            url_suffix: o.option("url_suffix"),
            use_root_path: flag("use_root_path"),
            // `config().signature_algorithm || DEFAULT`: a falsy account value counts as none.
            algorithm: match o.option("signature_algorithm") {
                Value::Undefined => match account.get("signature_algorithm") {
                    v if v.truthy() => v,
                    _ => &UNDEFINED,
                },
                v => v,
            },
            auth_token: auth_token(o.option("auth_token"), account),
        }
    }
}

/// `merge(config().auth_token, auth_token)` unless the option is `false`: the account's token settings
/// with the call's laid over them key by key.
fn auth_token(option: &Value, account: &Map) -> Option<Map> {
    if matches!(option, Value::Bool(false)) {
        return None;
    }
    let mut merged = match account.get("auth_token") {
        Value::Object(base) => base.clone(),
        _ => Map::new(),
    };
    if let Value::Object(own) = option {
        if merged.is_empty() {
            merged = own.clone();
        } else {
            merged.assign(own);
        }
    }
    (!merged.is_empty()).then_some(merged)
}

/// The browser build (no `signed-urls` feature) signs no URL: that needs the api_secret (or the token
/// key), which a browser does not hold, and leaving it out leaves the hashing out of the module.
#[cfg(not(feature = "signed-urls"))]
fn no_signed_urls() -> Error {
    Error::new(
        crate::ErrorCode::NotInBrowserBuild,
        "sign_url needs the api_secret (a signature) or the auth token's key: cirrus-web's browser build signs no URL (import cirrus-web/full on a server or worker)",
    )
}

#[cfg(not(feature = "signed-urls"))]
fn url_signature(_: &str, _: &str, _: &Value, _: &Value, _: bool) -> Result<String> {
    Err(no_signed_urls())
}

/// `s--<signature>--` over the transformation and the source (short SHA-1 of 8 characters, or long
/// SHA-256 of 32), URL-safe.
#[cfg(feature = "signed-urls")]
fn url_signature(
    transformation: &str,
    source_to_sign: &str,
    api_secret: &Value,
    algorithm_option: &Value,
    long_url_signature: bool,
) -> Result<String> {
    let secret = match api_secret {
        v if v.is_nullish() => return Err(Error::missing("api_secret")),
        v => v.to_js_string(),
    };
    let mut input =
        String::with_capacity(transformation.len() + source_to_sign.len() + secret.len() + 1);
    for part in [transformation, source_to_sign] {
        if !part.is_empty() {
            if !input.is_empty() {
                input.push('/');
            }
            input.push_str(part);
        }
    }
    input.push_str(&secret);
    let (algorithm, length) = match algorithm_option {
        _ if long_url_signature => (SignatureAlgorithm::Sha256, 32),
        Value::Undefined => (SignatureAlgorithm::Sha1, 8),
        v => (SignatureAlgorithm::parse(&v.to_js_string())?, 8),
    };
    // `s--` + the first `length` characters of the URL-safe base64 digest + `--` (both lengths stop
    // before where padding would start).
    let encoded = crate::encoding::base64_url_bytes(&algorithm.digest(input.as_bytes()));
    let signature = crate::value::concat(&["s--", encoded.get(..length).unwrap_or(&encoded), "--"]);
    Ok(signature)
}

/// A part of the path (the resource type, the type): absent, one of the SDK's own names, a caller's
/// value (written as `String(value)`), or one read from a preloaded public_id. The defaults and rewrites
/// cost no allocation.
enum Part<'a> {
    Absent,
    Name(&'static str),
    Given(&'a Value),
    Preloaded(String),
}

impl<'a> Part<'a> {
    /// A caller's value; a nullish one is absent.
    fn given(value: &'a Value) -> Part<'a> {
        if value.is_nullish() {
            Part::Absent
        } else {
            Part::Given(value)
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Part::Absent => None,
            Part::Name(name) => Some(name),
            Part::Given(value) => value.as_str(),
            Part::Preloaded(text) => Some(text),
        }
    }

    fn is_absent(&self) -> bool {
        matches!(self, Part::Absent)
    }

    fn write(&self, out: &mut String) {
        match self {
            Part::Absent => {}
            Part::Name(name) => out.push_str(name),
            Part::Given(value) => value.write_js_string(out),
            Part::Preloaded(text) => out.push_str(text),
        }
    }
}

/// Appends a part of the URL after a `/` (none before the first), unless `write` writes nothing: the
/// SDK's join of the non-empty parts, into one buffer.
fn push_part(out: &mut String, write: impl FnOnce(&mut String)) {
    let before = out.len();
    if before > 0 {
        out.push('/');
    }
    let start = out.len();
    write(out);
    if out.len() == start {
        out.truncate(before);
    }
}

/// [`url`] for an account (a `Cloudinary` client): where the SDK reads its global `config()`
/// (a nullish option's value; `responsive_width`, `dpr` and `responsive_width_transformation` in every
/// transformation component; `auth_token` merged key by key), the account's config counts. The other
/// config keys are not options of a URL, as in the SDK.
pub fn url_for_account(public_id: &str, options: &Map, account: &Map, now: Now) -> Result<String> {
    // Options are read where they are (see `Map::option`), but for a fetch URL's format.
    let moved = fetch_format_moved(options);
    let o = moved.as_ref().unwrap_or(options);
    let mut kind = Part::given(o.get("type"));
    let transformation = generate_from_options(o, account)?;
    let mut resource_type = match o.option("resource_type") {
        Value::Undefined => Part::Name("image"),
        v => Part::Given(v),
    };
    let mut version = Cow::Borrowed(o.option("version"));
    let u = UrlFlags::read(o, account);
    let (long_url_signature, format, shorten, sign_url) =
        (u.long_url_signature, u.format, u.shorten, u.sign_url);
    let (api_secret, url_suffix, use_root_path) = (u.api_secret, u.url_suffix, u.use_root_path);
    let (algorithm_option, auth_token, force_version) =
        (u.algorithm, u.auth_token, u.force_version);

    let mut public_id = Cow::Borrowed(public_id);
    if let Some((rt, t, v, id)) = parse_preloaded(&public_id) {
        resource_type = Part::Preloaded(rt);
        kind = Part::Preloaded(t);
        version = Cow::Owned(v.into());
        public_id = id.into();
    }
    if kind.is_absent() && starts_with_http(&public_id, true) {
        return Ok(public_id.into_owned());
    }
    let (resource_type, kind) =
        finalize_resource_type(resource_type, kind, url_suffix, use_root_path, shorten)?;
    let (source, source_to_sign) = finalize_source(&public_id, format, url_suffix)?;
    let source_to_sign = source_to_sign.as_deref().unwrap_or(&source);

    if version.is_nullish()
        && force_version
        && crate::scan::contains_byte(source_to_sign, b'/')
        && !starts_with_version(source_to_sign)
        && !starts_with_http(source_to_sign, false)
    {
        version = Cow::Owned(Value::Number(1.0));
    }
    let transformation = collapse_double_slashes(&transformation).unwrap_or(transformation);

    let signature = if sign_url && auth_token.is_none() {
        Some(url_signature(
            &transformation,
            source_to_sign,
            api_secret,
            algorithm_option,
            long_url_signature,
        )?)
    } else {
        None
    };

    // Room for the whole URL (but an auth token): the host and the short parts (up to ~80 bytes with a
    // cloud name and a version) and the signature around the transformation and the source.
    let mut result = String::with_capacity(
        80 + transformation.len() + source.len() + signature.as_ref().map_or(0, String::len),
    );
    distribution_prefix(&source, o, account, &mut result)?;
    push_part(&mut result, |out| resource_type.write(out));
    push_part(&mut result, |out| kind.write(out));
    if let Some(signature) = signature {
        push_part(&mut result, |out| out.push_str(&signature));
    }
    push_part(&mut result, |out| out.push_str(&transformation));
    if !version.is_nullish() {
        push_part(&mut result, |out| {
            out.push('v');
            version.write_js_string(out);
        });
    }
    push_part(&mut result, |out| out.push_str(&source));
    if crate::scan::contains_byte(&result, b' ') {
        result = crate::scan::replace_byte(&result, b' ', "%20");
    }

    if let (true, Some(token)) = (sign_url, auth_token) {
        append_auth_token(&mut result, token, now)?;
    }
    Ok(result)
}

/// A fetch URL without a `fetch_format` takes its `format` as that (the SDK moves it, so the URL has no
/// format): a copy of the options with that done, when it applies.
fn fetch_format_moved(options: &Map) -> Option<Map> {
    if options.get("type").as_str() != Some("fetch") || !options.get("fetch_format").is_nullish() {
        return None;
    }
    let mut copy = options.clone();
    let format = copy.consume("format");
    copy.set("fetch_format", format);
    Some(copy)
}

/// `?<token>`: the auth token over the URL's path.
#[cfg(feature = "signed-urls")]
fn append_auth_token(result: &mut String, mut token: Map, now: Now) -> Result<()> {
    token.set("url", url_path_and_search(result).into());
    result.push('?');
    result.push_str(&generate_auth_token(&token, now)?);
    Ok(())
}

#[cfg(not(feature = "signed-urls"))]
fn append_auth_token(_: &mut String, _: Map, _: Now) -> Result<()> {
    Err(no_signed_urls())
}

/// `/^https?:\//` (optionally case-insensitive).
fn starts_with_http(s: &str, ignore_case: bool) -> bool {
    let matches = |prefix: &str| {
        s.get(..prefix.len()).is_some_and(|head| {
            if ignore_case {
                head.eq_ignore_ascii_case(prefix)
            } else {
                head == prefix
            }
        })
    };
    matches("http:/") || matches("https:/")
}

/// `/^v[0-9]+/`.
fn starts_with_version(s: &str) -> bool {
    s.strip_prefix('v')
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// `^(image|raw)/([a-z0-9_]+)/v(\d+)/([^#]+)$`: a preloaded path names its own resource type, type and version.
fn parse_preloaded(id: &str) -> Option<(String, String, String, String)> {
    // The prefix first: most ids are not preloaded paths, and this costs them no search.
    let (rt, rest) = match id.strip_prefix("image/") {
        Some(rest) => ("image", rest),
        None => ("raw", id.strip_prefix("raw/")?),
    };
    let (t, rest) = crate::scan::split_once_byte(rest, b'/')?;
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let rest = rest.strip_prefix('v')?;
    let (v, id) = crate::scan::split_once_byte(rest, b'/')?;
    if v.is_empty()
        || !v.bytes().all(|b| b.is_ascii_digit())
        || id.is_empty()
        || crate::scan::contains_byte(id, b'#')
    {
        return None;
    }
    Some((rt.to_owned(), t.to_owned(), v.to_owned(), id.to_owned()))
}

/// `s.replace(/([^:])\/\//g, '$1/')`, when that changes it (an `http://` source passes the word test
/// and has nothing to collapse: no copy is made until a match).
fn collapse_double_slashes(s: &str) -> Option<String> {
    if !crate::scan::contains_pair(s.as_bytes(), b'/') {
        return None;
    }
    let b = s.as_bytes();
    let mut out = String::new();
    // Bytes stand for characters here: `/` and `:` are ASCII, and the last byte of any other character
    // is no `:` (so `[^:]` holds at it) while its other bytes are followed by no `/`.
    let (mut copied, mut i) = (0, 0);
    while i + 2 < b.len() {
        if b[i] != b':' && b[i + 1] == b'/' && b[i + 2] == b'/' {
            if copied == 0 {
                out.reserve(s.len());
            }
            // Up to the first slash; the second is dropped, and the search goes on after it.
            out.push_str(s.get(copied..i + 2).unwrap_or_default());
            copied = i + 3;
            i += 3;
        } else {
            i += 1;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    Some(out)
}

fn finalize_resource_type<'a>(
    resource_type: Part<'a>,
    kind: Part<'a>,
    url_suffix: &Value,
    use_root_path: bool,
    shorten: bool,
) -> Result<(Part<'a>, Part<'a>)> {
    let mut kind = if kind.is_absent() {
        Part::Name("upload")
    } else {
        kind
    };
    let mut resource_type = resource_type;
    if !url_suffix.is_nullish() {
        let suffixed = match (resource_type.as_str(), kind.as_str()) {
            (Some("image"), Some("upload")) => "images",
            (Some("image"), Some("private")) => "private_images",
            (Some("image"), Some("authenticated")) => "authenticated_images",
            (Some("raw"), Some("upload")) => "files",
            (Some("video"), Some("upload")) => "videos",
            _ => {
                return Err(Error::invalid_option(
                    "URL Suffix only supported for image/upload, image/private, image/authenticated, video/upload and raw/upload",
                ))
            }
        };
        resource_type = Part::Name(suffixed);
        kind = Part::Absent;
    }
    if use_root_path {
        let root = matches!(
            (resource_type.as_str(), kind.as_str()),
            (Some("image"), Some("upload"))
        ) || (resource_type.as_str() == Some("images") && kind.is_absent());
        if !root {
            return Err(Error::invalid_option(
                "Root path only supported for image/upload",
            ));
        }
        resource_type = Part::Absent;
        kind = Part::Absent;
    }
    if shorten && resource_type.as_str() == Some("image") && kind.as_str() == Some("upload") {
        resource_type = Part::Name("iu");
        kind = Part::Absent;
    }
    Ok((resource_type, kind))
}

/// The source written into the URL, and the source signed when that differs (a suffix is not signed).
fn finalize_source(
    public_id: &str,
    format: &Value,
    url_suffix: &Value,
) -> Result<(String, Option<String>)> {
    let source = collapse_double_slashes(public_id).unwrap_or_else(|| public_id.to_owned());
    if starts_with_http(&source, true) {
        return Ok((smart_escape(&source), None));
    }
    // Ids made only of characters that encodeURIComponent keeps (plus `/` and `:`, restored below) and
    // without `%` come out of the decode/encode round trip unchanged.
    let plain = source.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' | b'/' | b':'
            )
    });
    if plain {
        return finish_source(source, format, url_suffix);
    }
    let decoded = decode_uri_component(&source).map_err(|_| {
        Error::invalid_argument("public_id has a malformed percent-escape (URI malformed)")
    })?;
    // `encodeURIComponent(...).replace(/%3A/g, ":").replace(/%2F/g, "/")`: every `%3A` or `%2F` in its
    // output is the escape of a `:` or `/` (a `%` of the input is `%25`), so those two are kept instead.
    let source = crate::encoding::encode_uri_component_keeping_path(&decoded);
    finish_source(source, format, url_suffix)
}

/// Adds the URL suffix and format to an encoded source.
fn finish_source(
    mut source: String,
    format: &Value,
    url_suffix: &Value,
) -> Result<(String, Option<String>)> {
    let mut source_to_sign = None;
    if url_suffix.truthy() {
        let suffix = url_suffix
            .as_str()
            .ok_or_else(|| Error::invalid_option("url_suffix must be a string"))?;
        if suffix.bytes().any(|b| b == b'.' || b == b'/') {
            return Err(Error::invalid_option(
                "url_suffix should not include . or /",
            ));
        }
        let mut signed = source.clone();
        if !format.is_nullish() {
            signed.push('.');
            format.write_js_string(&mut signed);
        }
        source_to_sign = Some(signed);
        source.push('/');
        source.push_str(suffix);
    }
    if !format.is_nullish() {
        source.push('.');
        format.write_js_string(&mut source);
    }
    Ok((source, source_to_sign))
}

/// Writes the scheme, host and (for the shared CDN) cloud name in front of the path to `out`.
fn distribution_prefix(source: &str, o: &Map, account: &Map, out: &mut String) -> Result<()> {
    let cloud_name = o.option_or("cloud_name", account);
    if !cloud_name.truthy() {
        return Err(Error::new(
            crate::ErrorCode::MissingOption,
            "Must supply cloud_name in tag or in configuration",
        ));
    }
    let cloud_name = cloud_name
        .as_str()
        .ok_or_else(|| Error::invalid_option("cloud_name must be a string"))?;
    let secure = match o.option("secure") {
        Value::Undefined => true,
        v => v.truthy(),
    };
    let private_cdn = o.option_or("private_cdn", account).truthy();
    let cname = o.option_or("cname", account);
    let secure_distribution = o.option_or("secure_distribution", account);
    let cdn_subdomain = o.option_or("cdn_subdomain", account).truthy();
    let secure_cdn_subdomain = o.option_or("secure_cdn_subdomain", account);

    if cloud_name.starts_with('/') {
        out.push_str("/res");
        out.push_str(cloud_name);
        return Ok(());
    }
    let shard = || sdk_crc32(source) % 5 + 1;
    let shared_domain = !private_cdn;
    if secure {
        let use_shard = match secure_cdn_subdomain {
            Value::Undefined if shared_domain => cdn_subdomain,
            v => v.truthy(),
        };
        write_secure_host(
            out,
            secure_distribution,
            private_cdn,
            cloud_name,
            use_shard.then(shard),
        );
    } else if cname.truthy() {
        out.push_str("http://");
        if cdn_subdomain {
            out.push('a');
            crate::value::write_number(f64::from(shard()), out);
            out.push('.');
        }
        cname.write_js_string(out);
    } else {
        out.push_str("http://");
        if private_cdn {
            out.push_str(cloud_name);
            out.push('-');
        }
        out.push_str("res");
        if cdn_subdomain {
            out.push('-');
            crate::value::write_number(f64::from(shard()), out);
        }
        out.push_str(".cloudinary.com");
    }
    if shared_domain {
        out.push('/');
        out.push_str(cloud_name);
    }
    Ok(())
}

/// `https://` and the host: the secure distribution (the shared CDN when none, or the old Akamai one),
/// its first shared-CDN name replaced by the shard's (`res-<n>`) when there is one.
fn write_secure_host(
    out: &mut String,
    secure_distribution: &Value,
    private_cdn: bool,
    cloud_name: &str,
    shard: Option<u32>,
) {
    out.push_str("https://");
    let host = out.len();
    let distribution = match secure_distribution {
        Value::Undefined => None,
        v if v.as_str() == Some(OLD_AKAMAI_SHARED_CDN) => None,
        v => Some(v),
    };
    match distribution {
        Some(v) => v.write_js_string(out),
        None if private_cdn => {
            out.push_str(cloud_name);
            out.push_str("-res.cloudinary.com");
        }
        None => out.push_str(SHARED_CDN),
    }
    if let Some(shard) = shard {
        // `distribution.replace(SHARED_CDN, ...)`: the first occurrence in the host.
        if let Some(at) = out
            .get(host..)
            .and_then(|h| crate::scan::find(h, SHARED_CDN))
        {
            // Rewritten from `at` (not `replace_range`, whose splice code is ~1.5 KB of the browser module).
            let after = out.split_off(host + at + SHARED_CDN.len());
            out.truncate(host + at);
            out.push_str("res-");
            crate::digits::push_uint(out, u64::from(shard));
            out.push_str(".cloudinary.com");
            out.push_str(&after);
        }
    }
}

/// What `new URL(url, "http://dummy")` gives as `pathname + search`: the path percent-encoded and with
/// dot segments resolved, the query percent-encoded, the fragment dropped.
#[cfg(feature = "signed-urls")]
fn url_path_and_search(url: &str) -> String {
    let after_authority = match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest.find(['/', '?', '#', '\\']).map_or("", |j| &rest[j..])
        }
        None => url,
    };
    let without_fragment = after_authority.split('#').next().unwrap_or_default();
    let (path, query) = match without_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (without_fragment, None),
    };
    let mut segments: Vec<String> = Vec::new();
    let raw: Vec<&str> = path.split(['/', '\\']).skip(1).collect();
    for (i, seg) in raw.iter().enumerate() {
        let last = i + 1 == raw.len();
        let lower = seg.to_ascii_lowercase();
        match lower.as_str() {
            ".." | ".%2e" | "%2e." | "%2e%2e" => {
                segments.pop();
                if last {
                    segments.push(String::new());
                }
            }
            "." | "%2e" => {
                if last {
                    segments.push(String::new());
                }
            }
            _ => segments.push(percent_encode_where(seg, |b| {
                b <= 0x20
                    || b >= 0x7f
                    || matches!(b, b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}')
            })),
        }
    }
    let mut out = crate::value::concat(&["/", &segments.join("/")]);
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(&percent_encode_where(q, |b| {
            b <= 0x20 || b >= 0x7f || matches!(b, b'"' | b'#' | b'<' | b'>' | b'\'')
        }));
    }
    out
}

#[cfg(feature = "signed-urls")]
fn percent_encode_where(s: &str, encode: impl Fn(u8) -> bool) -> String {
    crate::encoding::encode_with(s, |b| !encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_signed_url() {
        let mut o = Map::new();
        o.set("cloud_name", "test123".into());
        o.set("api_secret", "b".into());
        o.set("version", 1234.0.into());
        o.set("crop", "crop".into());
        o.set("width", 10.0.into());
        o.set("height", 20.0.into());
        o.set("sign_url", true.into());
        assert_eq!(
            url("image.jpg", &o, Now::At(0.0)).unwrap(),
            "https://res.cloudinary.com/test123/image/upload/s--Ai4Znfl3--/c_crop,h_20,w_10/v1234/image.jpg"
        );
    }

    /// The options `url()` reads at the top level are the ones npm/node/options.d.ts declares as
    /// `UrlOptions` (with the `TransformationOptions` it extends): an option added to one and not the
    /// other fails here (the CLI's `url` refuses names outside the declaration).
    #[test]
    fn the_declared_url_options_are_the_ones_read() {
        let dts = include_str!("../../../npm/node/options.d.ts");
        let members = |interface: &str| -> Vec<&str> {
            let head = ["export interface ", interface, " "].concat();
            let start = dts.find(&head).expect("the interface is declared");
            let body = &dts[start..];
            let body =
                &body[body.find("{\n").expect("a body") + 2..body.find("\n}").expect("an end")];
            body.lines()
                .filter_map(|l| l.strip_prefix("  "))
                .filter_map(|l| l.split_once(['?', ':']).map(|(name, _)| name))
                .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .filter(|name| !name.is_empty())
                .collect()
        };
        let mut declared: Vec<&str> = members("TransformationOptions");
        declared.extend(members("UrlOptions"));
        declared.sort_unstable();
        let mut read: Vec<&str> = crate::transformation::PARAMS.iter().map(|p| p.0).collect();
        read.extend(crate::transformation::COMPONENT_OPTIONS);
        read.extend(URL_OPTIONS);
        read.sort_unstable();
        assert_eq!(declared, read);
    }

    #[test]
    fn collapses_like_the_regex() {
        let collapse = |s| collapse_double_slashes(s).unwrap_or_else(|| s.to_owned());
        assert_eq!(collapse("a///b"), "a//b");
        assert_eq!(collapse("http://x//y"), "http://x/y");
        assert_eq!(collapse("://a//b"), "://a/b");
        assert_eq!(collapse("é//x:///y//"), "é/x://y/");
        assert_eq!(collapse_double_slashes("a/b:/c"), None);
    }
}
