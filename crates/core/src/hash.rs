//! Hashing for signatures, and the constant-time comparison every verifier uses.

use crate::error::{Error, ErrorCode, Result};
use crate::prelude::*;
use crate::value::Value;
use sha1::Digest as _;
use subtle::ConstantTimeEq as _;

/// A signature algorithm Cloudinary accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SignatureAlgorithm {
    /// SHA-1, the default.
    #[default]
    Sha1,
    /// SHA-256.
    Sha256,
}

impl SignatureAlgorithm {
    /// Parses `sha1` / `sha256`; anything else is `UNSUPPORTED_ALGORITHM` with the SDK's message.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "sha1" => Ok(SignatureAlgorithm::Sha1),
            "sha256" => Ok(SignatureAlgorithm::Sha256),
            other => Err(Error::new(
                ErrorCode::UnsupportedAlgorithm,
                format!("Signature algorithm {other} is not supported. Supported algorithms: sha1, sha256"),
            )),
        }
    }

    /// From an option value: null/undefined/empty/false give the default, strings are parsed.
    pub fn from_option(value: &Value) -> Result<Self> {
        if !value.truthy() {
            return Ok(SignatureAlgorithm::Sha1);
        }
        Self::parse(&value.to_js_string())
    }

    /// The name, `sha1` or `sha256`.
    pub fn name(self) -> &'static str {
        match self {
            SignatureAlgorithm::Sha1 => "sha1",
            SignatureAlgorithm::Sha256 => "sha256",
        }
    }

    /// The raw digest of `input`.
    pub fn digest(self, input: &[u8]) -> Vec<u8> {
        match self {
            SignatureAlgorithm::Sha1 => sha1::Sha1::digest(input).to_vec(),
            SignatureAlgorithm::Sha256 => sha2::Sha256::digest(input).to_vec(),
        }
    }

    /// Lowercase hex digest of `input`.
    pub fn hex(self, input: &[u8]) -> String {
        to_hex(&self.digest(input))
    }
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = crate::digits::HEX_LOWER;
    // Bytes first, checked once: `String::push` encodes each `char` and checks the room on its own.
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 15) as usize]);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Compares two signatures in time that depends only on their lengths, never on where they differ.
/// Every signature and token check in cirrus goes through here.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Hex HMAC-SHA256 of `message` with `key`.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::Mac as _;
    // HMAC accepts keys of any length, so construction cannot fail.
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(message);
    to_hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes() {
        assert_eq!(
            SignatureAlgorithm::Sha1.hex(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(SignatureAlgorithm::parse("md5").is_err());
    }
}
