//! JavaScript's URI functions and the SDK's escaping helpers, reproduced exactly.
//!
//! The SDK works on UTF-16 strings; where that shows in its output (`smart_escape` escapes code units,
//! `crc32` encodes each code unit separately) the functions here iterate `encode_utf16()`.

use crate::error::{Error, Result};
use crate::prelude::*;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `%XX` (upper-case hex) for `byte`.
fn push_pct(out: &mut String, byte: u8) {
    out.push('%');
    out.push(HEX[(byte >> 4) as usize] as char);
    out.push(HEX[(byte & 15) as usize] as char);
}

/// `s` with every byte percent-encoded but the ASCII ones `keep` keeps.
pub(crate) fn encode_with(s: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b < 0x80 && keep(b) {
            out.push(b as char);
        } else {
            push_pct(&mut out, b);
        }
    }
    out
}

fn is_uri_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
}

fn is_uri_reserved(b: u8) -> bool {
    matches!(
        b,
        b';' | b',' | b'/' | b'?' | b':' | b'@' | b'&' | b'=' | b'+' | b'$' | b'#'
    )
}

/// `encodeURIComponent` (also Node's `querystring.escape` for strings).
pub fn encode_uri_component(s: &str) -> String {
    encode_with(s, is_uri_unreserved)
}

/// [`encode_uri_component`] that keeps `:` and `/` (a source path's separators).
pub(crate) fn encode_uri_component_keeping_path(s: &str) -> String {
    encode_with(s, |b| is_uri_unreserved(b) || b == b':' || b == b'/')
}

/// `encodeURI`.
pub fn encode_uri(s: &str) -> String {
    encode_with(s, |b| is_uri_unreserved(b) || is_uri_reserved(b))
}

/// `decodeURIComponent`; a malformed escape is an error, as JavaScript's `URIError`.
pub fn decode_uri_component(s: &str) -> Result<String> {
    decode(s, false)
}

/// `decodeURI`: like `decodeURIComponent` but escapes of reserved characters stay as they are.
pub fn decode_uri(s: &str) -> Result<String> {
    decode(s, true)
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn decode(s: &str, keep_reserved: bool) -> Result<String> {
    if !crate::scan::contains_byte(s, b'%') {
        return Ok(s.to_owned());
    }
    let malformed = || Error::invalid_argument("URI malformed");
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut plain_start = 0;
    // One `%XX` escape at `at`, if well formed.
    let read_byte = |at: usize| -> Option<u8> {
        if bytes.get(at) != Some(&b'%') {
            return None;
        }
        Some((hex_val(*bytes.get(at + 1)?)? << 4) | hex_val(*bytes.get(at + 2)?)?)
    };
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        out.push_str(&s[plain_start..i]);
        let first = read_byte(i).ok_or_else(malformed)?;
        if first < 0x80 {
            if keep_reserved && is_uri_reserved(first) {
                out.push_str(&s[i..i + 3]);
            } else {
                out.push(first as char);
            }
            i += 3;
        } else {
            let n = first.leading_ones() as usize;
            if !(2..=4).contains(&n) {
                return Err(malformed());
            }
            // The n-byte UTF-8 sequence decoded by hand (as `str::from_utf8` would check it, without its
            // ~0.6 KB in the browser module): continuation bytes, no overlong form (below `least`), and
            // a scalar value (`char::from_u32` refuses surrogates and anything past U+10FFFF).
            let mut code = u32::from(first) & (0x7F >> n);
            let mut at = i + 3;
            for _ in 1..n {
                let b = read_byte(at).ok_or_else(malformed)?;
                if b & 0xC0 != 0x80 {
                    return Err(malformed());
                }
                code = code << 6 | u32::from(b & 0x3F);
                at += 3;
            }
            let least = [0x80, 0x800, 0x1_0000][n - 2];
            let decoded = char::from_u32(code)
                .filter(|_| code >= least)
                .ok_or_else(malformed)?;
            out.push(decoded);
            i = at;
        }
        plain_start = i;
    }
    out.push_str(&s[plain_start..]);
    Ok(out)
}

/// The SDK's `smart_escape` with its default unsafe set: every UTF-16 code unit outside
/// `A-Za-z0-9_.-/:` becomes `%` + its uppercase hex value (not UTF-8, not zero-padded).
pub fn smart_escape(s: &str) -> String {
    smart_escape_where(s, |u| {
        !(u < 0x80
            && ((u as u8).is_ascii_alphanumeric()
                || matches!(u as u8, b'_' | b'.' | b'-' | b'/' | b':')))
    })
}

/// `smart_escape` with a custom predicate choosing the code units to escape.
pub fn smart_escape_where(s: &str, unsafe_unit: impl Fn(u16) -> bool) -> String {
    if !s.encode_utf16().any(&unsafe_unit) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        let mut units = [0u16; 2];
        let units = c.encode_utf16(&mut units);
        if units.iter().any(|&u| unsafe_unit(u)) {
            for &mut u in units {
                // `'%' + unit.toString(16).toUpperCase()`: hex digits without leading zeros.
                out.push('%');
                let digits = 4 - (u.leading_zeros() as usize / 4).min(3);
                for shift in (0..digits).rev() {
                    out.push(HEX[usize::from((u >> (shift * 4)) & 15)] as char);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The SDK's `base64EncodeURL`: normalise with `decodeURI`/`encodeURI`, then URL-safe base64 without padding.
pub fn base64_encode_url(s: &str) -> String {
    let normalised = encode_uri(&decode_uri(s).unwrap_or_else(|_| s.to_owned()));
    base64_url_bytes(normalised.as_bytes())
}

/// URL-safe base64 without padding (`-` and `_` for `+` and `/`).
pub fn base64_url_bytes(bytes: &[u8]) -> String {
    base64(
        bytes,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        false,
    )
}

/// Standard base64 with padding.
pub fn base64_standard(bytes: &[u8]) -> String {
    base64(
        bytes,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        true,
    )
}

/// Base64 in `alphabet`, `=`-padded or not. Written here rather than taken from the `base64` crate: its
/// engine is ~1.6 KB of the browser module for the few short texts the core encodes.
fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        // A group of k bytes gives k + 1 characters.
        for i in 0..=group.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
        }
        if pad {
            out.extend(core::iter::repeat_n('=', 3 - group.len()));
        }
    }
    out
}

/// The SDK's `crc32`, which UTF-8-encodes each UTF-16 code unit on its own (surrogates included).
pub fn sdk_crc32(s: &str) -> u32 {
    let mut crc: u32 = !0;
    let mut feed = |b: u8| {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    };
    for u in s.encode_utf16() {
        let u = u as u32;
        if u < 0x80 {
            feed(u as u8);
        } else if u < 0x800 {
            feed(((u >> 6) | 0xC0) as u8);
            feed(((u & 63) | 0x80) as u8);
        } else {
            feed(((u >> 12) | 0xE0) as u8);
            feed((((u >> 6) & 63) | 0x80) as u8);
            feed(((u & 63) | 0x80) as u8);
        }
    }
    !crc
}

/// Node's `querystring.escape` (the same table as `encodeURIComponent`).
pub fn querystring_escape(s: &str) -> String {
    encode_uri_component(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written UTF-8 check of a percent-escaped sequence accepts and decodes exactly what
    /// `str::from_utf8` does: every two-byte sequence, every three- and four-byte one whose first two
    /// bytes vary (the later bytes at the continuation range's ends and just outside it).
    #[test]
    fn escaped_utf8_is_checked_as_from_utf8_does() {
        let escaped =
            |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("%{b:02X}")).collect() };
        let check = |bytes: &[u8]| {
            let expected = core::str::from_utf8(bytes)
                .ok()
                .filter(|_| bytes[0] >= 0x80);
            let got = decode_uri_component(&escaped(bytes));
            match expected {
                Some(text) => assert_eq!(got.as_deref(), Ok(text), "{bytes:02x?}"),
                None if bytes[0] < 0x80 => {}
                None => assert!(got.is_err(), "{bytes:02x?}: {got:?}"),
            }
        };
        let edges = [0x7F, 0x80, 0xBF, 0xC0];
        for first in 0x80..=0xFFu8 {
            for second in 0..=0xFFu8 {
                check(&[first, second]);
                for third in edges {
                    check(&[first, second, third]);
                    for fourth in edges {
                        check(&[first, second, third, fourth]);
                    }
                }
            }
        }
    }

    /// The encoder writes what the `base64` crate's engines write, for every length up to 300 bytes of
    /// pseudo-random data and for every single byte value.
    #[test]
    fn base64_matches_the_base64_crate() {
        use base64::Engine as _;
        let (url, standard) = (
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
            base64::engine::general_purpose::STANDARD,
        );
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let data: Vec<u8> = (0..300)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        for len in 0..=data.len() {
            let bytes = &data[..len];
            assert_eq!(base64_url_bytes(bytes), url.encode(bytes), "{len}");
            assert_eq!(base64_standard(bytes), standard.encode(bytes), "{len}");
        }
        for b in 0..=255u8 {
            assert_eq!(base64_url_bytes(&[b, b]), url.encode([b, b]));
            assert_eq!(base64_standard(&[b]), standard.encode([b]));
        }
    }

    #[test]
    fn uri_component_round_trip() {
        assert_eq!(encode_uri_component("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(decode_uri_component("a%20b%2F%C3%A9").unwrap(), "a b/é");
        assert!(decode_uri_component("100%").is_err());
        assert!(decode_uri_component("%E0%A4%A").is_err());
        assert!(decode_uri_component("%C0%80").is_err());
        assert_eq!(decode_uri("%2F%20").unwrap(), "%2F ");
    }

    #[test]
    fn smart_escape_uses_code_units() {
        assert_eq!(smart_escape("a b"), "a%20b");
        assert_eq!(smart_escape("é"), "%E9");
        assert_eq!(smart_escape("😀"), "%D83D%DE00");
        assert_eq!(smart_escape("\n"), "%A");
    }

    #[test]
    fn crc32_matches_sdk() {
        assert_eq!(sdk_crc32("Kevin van Zonneveld"), 1_249_991_249);
    }
}
