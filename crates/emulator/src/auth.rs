//! Cloudinary's checks: signed Upload API requests, Admin API Basic auth, signed delivery URLs and
//! auth tokens. Every comparison is constant-time (`cirrus_core::constant_time_eq`).

use crate::error::{ApiError, ApiResult};
use crate::request::Form;
use crate::settings::Settings;
use cirrus_core::{constant_time_eq, Map, SignatureAlgorithm, SignatureVersion, Value};

/// Parameters Cloudinary never signs (one list, the signature doctor's).
use cirrus_core::signature_doctor::NEVER_SIGNED as UNSIGNED;

/// How far ahead of the server's clock a signed request's timestamp may be (a signer's clock running a
/// little fast); beyond it, a signature could be made to stay valid for as long as its maker likes.
pub(crate) const MAX_CLOCK_SKEW: i64 = 600;

/// Verifies a signed request: the api_key, the timestamp's age, and the signature (SHA-1 or SHA-256 by its
/// length; signature version 2 or 1). Unsigned requests are accepted only through an unsigned preset
/// (`allow_unsigned`), and only uploads may be unsigned.
pub(crate) fn verify_signed(
    form: &Form,
    settings: &Settings,
    now: i64,
    allow_unsigned: bool,
) -> ApiResult<()> {
    let Some(signature) = form.get_nonempty("signature") else {
        if allow_unsigned {
            if let Some(name) = form.get_nonempty("upload_preset") {
                return match settings.presets.get(name) {
                    Some(p) if p.unsigned => Ok(()),
                    Some(_) => Err(ApiError::bad_request(format!(
                        "Upload preset must be whitelisted for unsigned uploads: {name}"
                    ))),
                    None => Err(ApiError::bad_request(format!(
                        "Upload preset not found: {name}"
                    ))),
                };
            }
        }
        return Err(ApiError::bad_request(
            "Missing required parameter - signature",
        ));
    };
    match form.get_nonempty("api_key") {
        None => {
            return Err(ApiError::bad_request(
                "Missing required parameter - api_key",
            ))
        }
        Some(key) if !constant_time_eq(key, &settings.api_key) => {
            return Err(ApiError::unauthorized(format!("Unknown API key {key}")));
        }
        Some(_) => {}
    }
    let timestamp: i64 = form
        .get_nonempty("timestamp")
        .ok_or_else(|| ApiError::bad_request("Missing required parameter - timestamp"))?
        .parse()
        .map_err(|_| ApiError::bad_request("Invalid timestamp"))?;
    if timestamp - now > MAX_CLOCK_SKEW {
        return Err(ApiError::bad_request(format!(
            "Invalid timestamp - reported time is {} which is in the future",
            crate::clock::iso8601(timestamp)
        )));
    }
    if now - timestamp > settings.max_timestamp_age {
        return Err(ApiError::bad_request(format!(
            "Stale request - reported time is {} which is more than 1 hour ago",
            crate::clock::iso8601(timestamp)
        )));
    }
    let params: Map = form
        .fields
        .iter()
        .filter(|(k, _)| !UNSIGNED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let algorithm = if signature.len() == 64 {
        SignatureAlgorithm::Sha256
    } else {
        SignatureAlgorithm::Sha1
    };
    let matches = [SignatureVersion::V2, SignatureVersion::V1]
        .iter()
        .any(|&version| {
            let expected =
                cirrus_core::api_sign_request(&params, &settings.api_secret, algorithm, version);
            constant_time_eq(&expected, signature)
        });
    if !matches {
        let to_sign = cirrus_core::signing::string_to_sign(&params, SignatureVersion::V2);
        return Err(ApiError::unauthorized(format!(
            "Invalid Signature {signature}. String to sign - '{to_sign}'."
        )));
    }
    Ok(())
}

/// Admin API: HTTP Basic auth with api_key:api_secret.
pub(crate) fn verify_basic(authorization: Option<&str>, settings: &Settings) -> ApiResult<()> {
    use base64::Engine as _;
    let denied = || ApiError::unauthorized("Invalid credentials");
    let encoded = authorization
        .and_then(|h| h.strip_prefix("Basic "))
        .ok_or_else(denied)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| denied())?;
    let text = String::from_utf8(decoded).map_err(|_| denied())?;
    let (key, secret) = text.split_once(':').ok_or_else(denied)?;
    // Both compared, always, so the timing does not tell which one was wrong.
    let key_ok = constant_time_eq(key, &settings.api_key);
    let secret_ok = constant_time_eq(secret, &settings.api_secret);
    if key_ok & secret_ok {
        Ok(())
    } else {
        Err(denied())
    }
}

/// Checks a delivery URL's `s--...--` component over `<transformation>/<source>` (short SHA-1 or long SHA-256).
pub(crate) fn verify_url_signature(
    component: &str,
    transformation: &str,
    source: &str,
    secret: &str,
) -> bool {
    let Some(given) = component
        .strip_prefix("s--")
        .and_then(|s| s.strip_suffix("--"))
    else {
        return false;
    };
    let to_sign = if transformation.is_empty() {
        source.to_owned()
    } else {
        format!("{transformation}/{source}")
    };
    let (algorithm, len) = if given.len() == 32 {
        (SignatureAlgorithm::Sha256, 32)
    } else {
        (SignatureAlgorithm::Sha1, 8)
    };
    let digest = algorithm.digest(format!("{to_sign}{secret}").as_bytes());
    // URL-safe base64 cut to length (padding never falls within the 8 or 32 characters kept).
    let expected: String = cirrus_core::encoding::base64_url_bytes(&digest)
        .chars()
        .take(len)
        .collect();
    constant_time_eq(&expected, given)
}

/// Checks an auth token (`__cld_token__=st=..~exp=..~acl=..~hmac=..`) for `path` at `now`.
pub(crate) fn verify_token(token: &str, path: &str, key_hex: &str, now: i64) -> bool {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for part in token.split('~') {
        if let Some((k, v)) = part.split_once('=') {
            fields.push((k, v));
        }
    }
    let get = |k: &str| fields.iter().find(|(name, _)| *name == k).map(|(_, v)| *v);
    let Some(hmac) = get("hmac") else {
        return false;
    };
    let Some(exp) = get("exp").and_then(|e| e.parse::<i64>().ok()) else {
        return false;
    };
    if exp < now
        || get("st")
            .and_then(|s| s.parse::<i64>().ok())
            .is_some_and(|st| st > now)
    {
        return false;
    }
    let signed: Vec<String> = fields
        .iter()
        .filter(|(k, _)| *k != "hmac")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut to_sign = signed.join("~");
    let acl = get("acl");
    if acl.is_none() {
        to_sign.push_str(&format!(
            "~url={}",
            cirrus_core::auth_token::escape_to_lower(path)
        ));
    }
    let key = cirrus_core::auth_token::hex_key(key_hex);
    if !constant_time_eq(
        &cirrus_core::hash::hmac_sha256_hex(&key, to_sign.as_bytes()),
        hmac,
    ) {
        return false;
    }
    match acl {
        Some(acl) => percent_encoding::percent_decode_str(acl)
            .decode_utf8_lossy()
            .split('!')
            .any(|pattern| glob_match(pattern, path)),
        None => true,
    }
}

/// `*` matches any run of characters.
fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| {
                    let rest = &text[head.len()..];
                    rest.is_char_boundary(i) && glob_match(tail, &rest[i..])
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("/image/*", "/image/upload/x.jpg"));
        assert!(glob_match("/*/t_foo*", "/image/t_foo/x"));
        assert!(!glob_match("/video/*", "/image/upload/x.jpg"));
    }

    #[test]
    fn url_signature_matches_the_reference() {
        assert!(verify_url_signature(
            "s--Ai4Znfl3--",
            "c_crop,h_20,w_10",
            "image.jpg",
            "b"
        ));
        assert!(!verify_url_signature(
            "s--Ai4Znfl4--",
            "c_crop,h_20,w_10",
            "image.jpg",
            "b"
        ));
    }

    #[test]
    fn tokens_round_trip_with_core() {
        let mut o = Map::new();
        o.set("key", "00112233".into());
        o.set("start_time", 100.0.into());
        o.set("duration", 1000.0.into());
        o.set("acl", "/demo/image/authenticated/*".into());
        let token = cirrus_core::generate_auth_token(&o, cirrus_core::time::Now::At(0.0)).unwrap();
        let value = token.strip_prefix("__cld_token__=").unwrap();
        assert!(verify_token(
            value,
            "/demo/image/authenticated/v1/x.jpg",
            "00112233",
            500
        ));
        assert!(!verify_token(
            value,
            "/demo/image/upload/v1/x.jpg",
            "00112233",
            500
        ));
        assert!(!verify_token(
            value,
            "/demo/image/authenticated/v1/x.jpg",
            "00112233",
            2000
        ));
        assert!(!verify_token(
            value,
            "/demo/image/authenticated/v1/x.jpg",
            "ff112233",
            500
        ));
    }
}
