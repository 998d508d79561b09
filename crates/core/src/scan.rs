//! Byte scans. Eight bytes at a time (SWAR: plain `u64` arithmetic, no SIMD, so the same code runs in
//! wasm): JSON answers are runs of plain ASCII, and checking them byte by byte for characters to escape
//! was a tenth of a signing call (`to_json` of upload params 468 → 361 ns). Flat-text tokens are split at
//! the first zero byte of a word ([`find_nul`]): a byte loop mispredicts once per token, and over the url
//! conformance mix's option texts (17 tokens, 133 bytes each) the word scan took 136 ns to its 163.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` below `n` (`n` ≤ 128), and of some bytes above such a byte (a
/// borrow runs upwards): the lowest flag is always exact, and there is one when some byte is below `n`.
#[inline]
fn below_flags(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS
}

/// Whether some byte of `word` is below `n` (`n` ≤ 128; exact, no false positives).
#[inline]
fn has_byte_below(word: u64, n: u8) -> bool {
    below_flags(word, n) != 0
}

/// Whether some byte of `word` equals `b` (exact).
#[inline]
fn has_byte(word: u64, b: u8) -> bool {
    has_byte_below(word ^ (ONES * u64::from(b)), 1)
}

/// Whether JSON writes `bytes` as they are between its quotes (no control character, `"` or `\`).
pub(crate) fn json_plain(bytes: &[u8]) -> bool {
    let plain = |b: u8| b >= 0x20 && b != b'"' && b != b'\\';
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        // A chunk is always eight bytes; were it not, the zero word sends the text to the byte loop.
        let word = chunk.try_into().map_or(0, u64::from_le_bytes);
        if has_byte_below(word, 0x20) || has_byte(word, b'"') || has_byte(word, b'\\') {
            return false;
        }
    }
    words.remainder().iter().all(|&b| plain(b))
}

/// The index of the first `\0` in `bytes`: the lowest of a word's [`below_flags`] for 1 (bytes are
/// read little-endian, so the lowest flag is the earliest byte).
#[inline]
pub(crate) fn find_nul(bytes: &[u8]) -> Option<usize> {
    let byte_search = |from: usize| {
        let rest = bytes.get(from..).unwrap_or_default();
        rest.iter().position(|&b| b == 0).map(|i| from + i)
    };
    let mut at = 0;
    for chunk in bytes.chunks_exact(8) {
        // A chunk is always eight bytes; were it not, the bytes from here are searched one by one.
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            return byte_search(at);
        };
        let flags = below_flags(u64::from_le_bytes(word), 1);
        if flags != 0 {
            return Some(at + (flags.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    byte_search(at)
}

/// The high bit of each byte of `word` that equals `b`, and no other bit (exact: no borrow crosses
/// bytes, since `(x & 0x7f) + 0x7f` stays within its byte).
#[inline]
fn eq_flags(word: u64, b: u8) -> u64 {
    let x = word ^ (ONES * u64::from(b));
    !((x & !HIGHS).wrapping_add(!HIGHS) | x) & HIGHS
}

/// `bytes` as little-endian words, the last one padded with zeros (so that no byte loop is needed for
/// the tail: callers look for bytes other than zero).
#[inline]
fn padded_words(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    let last = (!tail.is_empty()).then(|| {
        tail.iter()
            .rev()
            .fold(0u64, |word, &b| word << 8 | u64::from(b))
    });
    // A chunk is always eight bytes (the zero word is never taken for one).
    words
        .map(|chunk| chunk.try_into().map_or(0, u64::from_le_bytes))
        .chain(last)
}

/// Whether `bytes` holds `b` (not zero), a word at a time: quicker than `str::contains(char)`'s
/// searcher for the short texts of a URL.
pub(crate) fn contains_byte(bytes: &[u8], b: u8) -> bool {
    padded_words(bytes).any(|word| eq_flags(word, b) != 0)
}

/// Whether `bytes` holds two `/` in a row (the URL builder's test before it collapses them), a word at a
/// time: a byte's flag and the next byte's, within a word and across two.
pub(crate) fn contains_double_slash(bytes: &[u8]) -> bool {
    let mut last_of_previous = 0;
    padded_words(bytes).any(|word| {
        let flags = eq_flags(word, b'/');
        let pair = flags & (flags >> 8) != 0 || last_of_previous & flags & 0x80 != 0;
        last_of_previous = flags >> 56;
        pair
    })
}

/// `haystack.find(needle)` for the short needles the core looks for (`//`, `..`, `$(`, `://`): a plain
/// loop, so the browser module does not carry `str`'s two-way searcher (~1.2 KB) for them.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    let first = *needle.first()?;
    (0..(hay.len() + 1).saturating_sub(needle.len()))
        .find(|&i| hay[i] == first && hay[i..].starts_with(needle))
}

/// `haystack.contains(needle)` by [`find`].
pub(crate) fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    /// `find_nul` answers what a byte search does, wherever the zero falls in a word and whatever the
    /// bytes around it (0x01 and 0x80 border the borrow the word test relies on).
    #[test]
    fn find_nul_agrees_with_position() {
        for len in 0..20 {
            for fill in [b'a', 0x01, 0x80, 0xff] {
                let mut bytes = vec![fill; len];
                assert_eq!(find_nul(&bytes), None);
                for zero in 0..len {
                    bytes[zero] = 0;
                    assert_eq!(
                        find_nul(&bytes),
                        Some(zero),
                        "len {len} fill {fill} zero {zero}"
                    );
                    for later in zero + 1..len {
                        bytes[later] = 0;
                        assert_eq!(find_nul(&bytes), Some(zero));
                        bytes[later] = fill;
                    }
                    bytes[zero] = fill;
                }
            }
        }
    }

    /// `find` answers what `str::find` does, over strings of pieces that make partial and overlapping
    /// matches (an empty needle answers None: the core never looks for one).
    #[test]
    fn find_agrees_with_str_find() {
        let pieces = ["/", ".", "$", "(", ":", "a", "é", "//", "..", "$("];
        let needles = [
            "//",
            "..",
            "$(",
            "://",
            ":fetch:",
            "res.cloudinary.com",
            "x",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let grown: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| [t.as_str(), p].concat()))
                .collect();
            texts.extend(grown);
        }
        for text in &texts {
            for needle in needles {
                assert_eq!(find(text, needle), text.find(needle), "{text:?} {needle:?}");
            }
        }
        assert_eq!(find("abc", ""), None);
    }

    /// `contains_byte` and `contains_double_slash` against the plain searches, for slashes, spaces and
    /// their neighbours at every position of strings up to 20 bytes (both sides of a word's edge).
    #[test]
    fn byte_searches_agree_with_str() {
        for len in 0..20 {
            for a in 0..len {
                for b in a..len {
                    for (x, y) in [
                        (b'/', b'/'),
                        (b' ', b'/'),
                        (b'.', b' '),
                        (0xe9, b'/'),
                        (b'/', 0x2e),
                    ] {
                        let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                        bytes[a] = x;
                        bytes[b] = y;
                        let has = |pat: &[u8]| bytes.windows(pat.len()).any(|w| w == pat);
                        assert_eq!(contains_double_slash(&bytes), has(b"//"), "{bytes:?}");
                        for byte in [b' ', b'/', 0xe9] {
                            assert_eq!(
                                contains_byte(&bytes, byte),
                                bytes.contains(&byte),
                                "{bytes:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// Every byte value at every position of strings of every length up to 40, against the plain loop.
    #[test]
    fn scan_agrees_with_the_byte_loop() {
        for len in 0..40 {
            for at in 0..len.max(1) {
                for special in 0u8..=255 {
                    let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                    if len > 0 {
                        bytes[at] = special;
                    }
                    let plain = bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
                    assert_eq!(json_plain(&bytes), plain, "{bytes:?}");
                }
            }
        }
    }
}
