//! Integers written as text without `core::fmt`: the browser module carries no formatting machinery
//! (its `Formatter`, padding and `Display` impls cost ~4 KB), so the core writes numbers through these.

use crate::prelude::*;

/// Appends `n` in decimal, at least `width` digits (zero-padded, as `{n:0width$}`).
pub(crate) fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let written = &digits[i..];
    out.extend(core::iter::repeat_n(
        '0',
        width.saturating_sub(written.len()),
    ));
    out.extend(written.iter().map(|&d| char::from(d)));
}

/// Appends `n` in decimal (`n.to_string()`).
pub(crate) fn push_uint(out: &mut String, n: u64) {
    push_padded(out, n, 1);
}

/// Appends `n` as `{n:0width$}` writes it: the width counts the sign.
pub(crate) fn push_int_padded(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
        push_padded(out, n.unsigned_abs(), width.saturating_sub(1));
    } else {
        push_padded(out, n.unsigned_abs(), width);
    }
}

/// `n.to_string()`.
pub(crate) fn uint_string(n: u64) -> String {
    let mut out = String::with_capacity(20);
    push_uint(&mut out, n);
    out
}

/// Lower-case hex digits (hashes, JSON's `\u00xx`).
pub(crate) const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Appends `b` as two lower-case hex digits (`{b:02x}`).
pub(crate) fn push_hex_lower(out: &mut String, b: u8) {
    out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
    out.push(char::from(HEX_LOWER[usize::from(b & 0xf)]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn writes_what_format_writes() {
        let mut samples: Vec<u64> = vec![0, 1, 9, 10, 99, 100, 999_999, u64::MAX, u64::MAX - 1];
        let mut x = 1u64;
        for _ in 0..19 {
            x *= 10;
            samples.extend([x - 1, x, x + 1]);
        }
        for &n in &samples {
            for width in [0, 1, 2, 3, 4, 6, 25] {
                let mut out = String::new();
                push_padded(&mut out, n, width);
                assert_eq!(out, format!("{n:0width$}"), "{n} {width}");
            }
            assert_eq!(uint_string(n), format!("{n}"));
            let signed = n as i64;
            for width in [0, 1, 2, 4, 6, 25] {
                for v in [signed, signed.wrapping_neg(), -(n as i64 % 100_000)] {
                    let mut out = String::new();
                    push_int_padded(&mut out, v, width);
                    assert_eq!(out, format!("{v:0width$}"), "{v} {width}");
                }
            }
        }
        for b in 0..=255u8 {
            let mut out = String::new();
            push_hex_lower(&mut out, b);
            assert_eq!(out, format!("{b:02x}"));
        }
    }
}
