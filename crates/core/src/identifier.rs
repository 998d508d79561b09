//! Signed identifiers (`<resource_type>/<type>/v<version>/<public_id>[.<format>]#<signature>`), upload
//! response signatures and webhook notification signatures.

use crate::error::{Error, ErrorCode, Result};
use crate::hash::{constant_time_eq, SignatureAlgorithm};
use crate::prelude::*;

/// The parts of a signed identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIdentifier {
    /// `image`, `video`, `raw`, ...
    pub resource_type: String,
    /// `upload`, `private`, `authenticated`, ...
    pub kind: String,
    /// The version digits exactly as given (leading zeros kept: they are signed as they are).
    pub version: String,
    /// The public_id (folders included), without the format.
    pub public_id: String,
    /// What follows the last `.` of the file name, if any.
    pub format: Option<String>,
    /// The identifier without `#signature`: what to store.
    pub identifier: String,
    /// The signature as given.
    pub signature: String,
}

/// Which identifiers a verifier accepts beyond a valid signature. Empty lists allow anything.
/// The signature covers only public_id and version, so pinning the rest is the caller's job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdentifierPolicy {
    /// Allowed resource types (e.g. `["image"]`).
    pub allowed_resource_types: Vec<String>,
    /// Allowed delivery types (e.g. `["upload"]`).
    pub allowed_types: Vec<String>,
    /// Allowed formats, compared case-insensitively; when non-empty an identifier without a format is refused.
    pub allowed_formats: Vec<String>,
    /// The algorithm the identifiers were signed with.
    pub algorithm: SignatureAlgorithm,
}

fn malformed(why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidIdentifier,
        crate::value::concat(&["Invalid signed identifier: ", why]),
    )
}

/// A signed identifier's parts, borrowed from the text they were parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentifierParts<'a> {
    /// See [`SignedIdentifier`]'s fields, which these are before they are copied.
    pub resource_type: &'a str,
    /// The delivery type.
    pub kind: &'a str,
    /// The version digits as given.
    pub version: &'a str,
    /// The public_id without the format.
    pub public_id: &'a str,
    /// The format, if any.
    pub format: Option<&'a str>,
    /// The identifier without `#signature` (the input up to its `#`).
    pub identifier: &'a str,
    /// The signature as given.
    pub signature: &'a str,
}

impl IdentifierParts<'_> {
    /// The owned [`SignedIdentifier`].
    pub fn to_owned_identifier(&self) -> SignedIdentifier {
        SignedIdentifier {
            resource_type: self.resource_type.to_owned(),
            kind: self.kind.to_owned(),
            version: self.version.to_owned(),
            public_id: self.public_id.to_owned(),
            format: self.format.map(str::to_owned),
            identifier: self.identifier.to_owned(),
            signature: self.signature.to_owned(),
        }
    }
}

/// Parses a signed identifier as the SDK's `PreloadedFile` does, without checking the signature.
pub fn parse_identifier(input: &str) -> Result<SignedIdentifier> {
    identifier_parts(input).map(|p| p.to_owned_identifier())
}

/// [`parse_identifier`] without copying: the parts borrow from `input`.
pub fn identifier_parts(input: &str) -> Result<IdentifierParts<'_>> {
    // Byte splits (crate::scan): the browser module carries no character searcher.
    use crate::scan::split_once_byte;
    let (resource_type, rest) = split_once_byte(input, b'/').ok_or_else(|| {
        malformed("expected <resource_type>/<type>/v<version>/<public_id>#<signature>")
    })?;
    let (kind, rest) = split_once_byte(rest, b'/').ok_or_else(|| malformed("missing type"))?;
    if resource_type.is_empty() || kind.is_empty() {
        return Err(malformed("empty resource type or type"));
    }
    let rest = rest
        .strip_prefix('v')
        .ok_or_else(|| malformed("missing v<version>"))?;
    let (version, rest) =
        split_once_byte(rest, b'/').ok_or_else(|| malformed("missing public_id"))?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("the version must be digits"));
    }
    let (filename, signature) =
        split_once_byte(rest, b'#').ok_or_else(|| malformed("missing #signature"))?;
    if filename.is_empty() || signature.is_empty() || crate::scan::contains_byte(signature, b'/') {
        return Err(malformed("empty public_id or signature"));
    }
    let (public_id, format) = match crate::scan::rsplit_once_byte(filename, b'.') {
        Some((public_id, format)) => (public_id, Some(format)),
        None => (filename, None),
    };
    // `<resource_type>/<type>/v<version>/<filename>` is exactly the input before the `#` found above.
    let identifier = &input[..input.len() - signature.len() - 1];
    Ok(IdentifierParts {
        resource_type,
        kind,
        version,
        public_id,
        format,
        identifier,
        signature,
    })
}

/// The signature Cloudinary puts in an upload response: version-1 signing of `public_id` and `version`.
pub fn response_signature(
    public_id: &str,
    version: &str,
    api_secret: &str,
    algorithm: SignatureAlgorithm,
) -> String {
    // api_sign_request of { public_id, version } with signature version 1, written directly: keys in
    // order, a blank value left out, nothing escaped.
    let mut input = String::with_capacity(public_id.len() + version.len() + api_secret.len() + 19);
    if !public_id.is_empty() {
        input.push_str("public_id=");
        input.push_str(public_id);
    }
    if !version.is_empty() {
        if !input.is_empty() {
            input.push('&');
        }
        input.push_str("version=");
        input.push_str(version);
    }
    input.push_str(api_secret);
    algorithm.hex(input.as_bytes())
}

/// Checks an upload response signature in constant time.
pub fn verify_response_signature(
    public_id: &str,
    version: &str,
    signature: &str,
    api_secret: &str,
    algorithm: SignatureAlgorithm,
) -> bool {
    constant_time_eq(
        &response_signature(public_id, version, api_secret, algorithm),
        signature,
    )
}

/// Parses and verifies a signed identifier, then applies the policy.
/// Errors: `INVALID_IDENTIFIER`, `INVALID_SIGNATURE`, `IDENTIFIER_NOT_ALLOWED`.
pub fn verify_identifier(
    input: &str,
    api_secret: &str,
    policy: &IdentifierPolicy,
) -> Result<SignedIdentifier> {
    verify_identifier_parts(input, api_secret, policy).map(|p| p.to_owned_identifier())
}

/// [`verify_identifier`] without copying: the parts borrow from `input`.
pub fn verify_identifier_parts<'a>(
    input: &'a str,
    api_secret: &str,
    policy: &IdentifierPolicy,
) -> Result<IdentifierParts<'a>> {
    let parsed = identifier_parts(input)?;
    if !verify_response_signature(
        parsed.public_id,
        parsed.version,
        parsed.signature,
        api_secret,
        policy.algorithm,
    ) {
        return Err(Error::new(
            ErrorCode::InvalidSignature,
            "The identifier's signature does not match",
        ));
    }
    let refuse = |what: &str, value: &str| {
        Err(Error::new(
            ErrorCode::IdentifierNotAllowed,
            crate::value::concat(&[what, " '", value, "' is not allowed"]),
        ))
    };
    let allowed = |list: &[String], value: &str| list.is_empty() || list.iter().any(|a| a == value);
    if !allowed(&policy.allowed_resource_types, parsed.resource_type) {
        return refuse("resource type", parsed.resource_type);
    }
    if !allowed(&policy.allowed_types, parsed.kind) {
        return refuse("type", parsed.kind);
    }
    if !policy.allowed_formats.is_empty() {
        let format = parsed.format.unwrap_or_default();
        if !policy
            .allowed_formats
            .iter()
            .any(|f| f.eq_ignore_ascii_case(format))
        {
            return refuse("format", format);
        }
    }
    Ok(parsed)
}

/// A webhook notification signature: hex(HASH(body + timestamp + secret)).
pub fn notification_signature(
    body: &str,
    timestamp: &str,
    api_secret: &str,
    algorithm: SignatureAlgorithm,
) -> String {
    algorithm.hex(format!("{body}{timestamp}{api_secret}").as_bytes())
}

/// JavaScript's `Number(string)` for the timestamp comparison (blank is 0, garbage is NaN).
fn js_number(text: &str) -> f64 {
    let t = text.trim();
    if t.is_empty() {
        return 0.0;
    }
    if t.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        crate::value::parse_decimal(t).unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// Verifies a webhook notification: the timestamp (as sent, e.g. the `X-Cld-Timestamp` header) is at most
/// `valid_for` seconds older than `now` (Unix seconds), and the signature matches in constant time.
pub fn verify_notification_signature(
    body: &str,
    timestamp: &str,
    signature: &str,
    api_secret: &str,
    valid_for: f64,
    now: f64,
    algorithm: SignatureAlgorithm,
) -> bool {
    if js_number(timestamp) < crate::float::round(now) - valid_for {
        return false;
    }
    constant_time_eq(
        &notification_signature(body, timestamp, api_secret, algorithm),
        signature,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_example() {
        let sig = response_signature(
            "k3vmeifbepxddbzjuop9",
            "1366555348",
            "abcd",
            SignatureAlgorithm::Sha1,
        );
        assert_eq!(sig, "5e0035171371d071ecd22a23163e7a95c11eb649");
        let id = format!("image/upload/v1366555348/k3vmeifbepxddbzjuop9.jpg#{sig}");
        let ok = verify_identifier(&id, "abcd", &IdentifierPolicy::default()).unwrap();
        assert_eq!(
            ok.identifier,
            "image/upload/v1366555348/k3vmeifbepxddbzjuop9.jpg"
        );
        assert_eq!(ok.format.as_deref(), Some("jpg"));
        let bad = verify_identifier(
            &id.replace("k3v", "k4v"),
            "abcd",
            &IdentifierPolicy::default(),
        );
        assert_eq!(bad.unwrap_err().code, ErrorCode::InvalidSignature);
    }
}

#[cfg(test)]
mod response_signature_tests {
    use super::*;
    use crate::signing::{api_sign_request, SignatureVersion};
    use crate::value::Map;

    /// The direct writing agrees with api_sign_request of the two params, blanks and `&` included.
    #[test]
    fn same_as_signing_the_two_params() {
        for (public_id, version) in [
            ("folder/sample", "1700000000"),
            ("", "12"),
            ("a&b=c", "0012"),
            ("x", ""),
        ] {
            for algorithm in [SignatureAlgorithm::Sha1, SignatureAlgorithm::Sha256] {
                let mut params = Map::new();
                params.set("public_id", public_id.into());
                params.set("version", version.into());
                assert_eq!(
                    response_signature(public_id, version, "s3cret", algorithm),
                    api_sign_request(&params, "s3cret", algorithm, SignatureVersion::V1),
                    "{public_id} {version}"
                );
            }
        }
    }
}
