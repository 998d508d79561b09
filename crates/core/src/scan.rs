//! Byte scans. Eight bytes at a time (SWAR: plain `u64` arithmetic, no SIMD, so the same code runs in
//! wasm): JSON answers are runs of plain ASCII, and checking them byte by byte for characters to escape
//! was a tenth of a signing call (`to_json` of upload params 468 → 361 ns). Flat-text tokens are split at
//! the first zero byte of a word ([`find_byte`], which the URL code's single-byte searches use too): a
//! byte loop mispredicts once per token, and over the url conformance mix's option texts (17 tokens, 133
//! bytes each) the word scan took 136 ns to its 163. A byte twice in a row (a URL's `//`) is found the
//! same way ([`contains_pair`]). The other searches that would bring `str`'s searchers into the browser
//! module are plain loops ([`find`], [`rfind_byte`]); [`replace_byte`] builds on [`split_once_byte`].

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

/// The index of the first `b` in `bytes`: the lowest of [`below_flags`] for 1 in each word with `b`
/// taken out of every byte (bytes are read little-endian, so the lowest flag is the earliest byte). The
/// flat text's `\0` tokens, and the URL code's single-byte searches (so the browser module carries no
/// `str` searcher for them).
#[inline]
pub(crate) fn find_byte(bytes: &[u8], b: u8) -> Option<usize> {
    // A word at a time while eight bytes are left (most tokens end in the first word: no iterator is
    // set up for them), then byte by byte.
    let pattern = ONES * u64::from(b);
    let mut at = 0;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let flags = below_flags(u64::from_le_bytes(*word) ^ pattern, 1);
        if flags != 0 {
            return Some(at + (flags.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    rest.iter().position(|&c| c == b).map(|i| at + i)
}

/// Whether `bytes` holds `b` (not zero) twice in a row (the URL builder's test for `//` before it
/// collapses them), a word at a time: the high bit of each `b` byte (exact: no borrow crosses bytes, as
/// `(x & 0x7f) + 0x7f` stays within its byte), and a pair where a byte's bit meets the next byte's,
/// within a word or across two. The last word is padded with zeros.
pub(crate) fn contains_pair(bytes: &[u8], b: u8) -> bool {
    let mut last_of_previous = 0;
    let mut pair_in = |word: u64| {
        let x = word ^ (ONES * u64::from(b));
        let flags = !((x & !HIGHS).wrapping_add(!HIGHS) | x) & HIGHS;
        let pair = flags & (flags >> 8) != 0 || last_of_previous & flags & 0x80 != 0;
        last_of_previous = flags >> 56;
        pair
    };
    let mut words = bytes.chunks_exact(8);
    // A chunk is always eight bytes (the zero word is never taken for one).
    if words
        .by_ref()
        .any(|chunk| pair_in(chunk.try_into().map_or(0, u64::from_le_bytes)))
    {
        return true;
    }
    let tail = words.remainder();
    !tail.is_empty()
        && pair_in(
            tail.iter()
                .rev()
                .fold(0, |word, &b| word << 8 | u64::from(b)),
        )
}

/// The place of the last `b` (ASCII) in `s`: a plain loop, so the browser module does not carry the
/// reverse character searcher and `memrchr` (~0.6 KB) for the few reverse searches the core makes.
pub(crate) fn rfind_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().rposition(|c| c == b)
}

/// `s.rsplit_once(b)` for an ASCII `b` (see [`rfind_byte`]).
pub(crate) fn rsplit_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    split_around(s, rfind_byte(s, b)?)
}

/// `s` split around the byte at `at`, which the searches above found (an ASCII byte, so both sides are
/// on character boundaries).
fn split_around(s: &str, at: usize) -> Option<(&str, &str)> {
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// `s.split_once(b)` for an ASCII `b` (which always falls on a character boundary), by [`find_byte`].
#[inline]
pub(crate) fn split_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    split_around(s, find_byte(s.as_bytes(), b)?)
}

/// Whether `s` holds the byte `b`, by [`find_byte`] (the URL code's one byte search: no `memchr` beside
/// it in the browser module).
#[inline]
pub(crate) fn contains_byte(s: &str, b: u8) -> bool {
    find_byte(s.as_bytes(), b).is_some()
}

/// `s.replace(b, with)` for an ASCII `b` (see [`find_byte`]).
pub(crate) fn replace_byte(s: &str, b: u8, with: &str) -> crate::prelude::String {
    let mut out = crate::prelude::String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some((before, after)) = split_once_byte(rest, b) {
        out.push_str(before);
        out.push_str(with);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `haystack.find(needle)` for the short needles the core looks for (`..`, `$(`, `://`, `:fetch:`, the
/// shared CDN's host, the signature doctor's phrases): a plain
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

    /// `find_byte` answers what a byte search does, wherever the byte falls in a word and whatever the
    /// bytes around it (0x01 and 0x80 border the borrow the word test relies on, and the searched byte's
    /// neighbours its XOR).
    #[test]
    fn find_byte_agrees_with_position() {
        for b in [0, b'/', b'#', 0x81] {
            for len in 0..20 {
                for fill in [b'a', 0x01, 0x80, 0xff, b ^ 1, b.wrapping_add(1)] {
                    if fill == b {
                        continue;
                    }
                    let mut bytes = vec![fill; len];
                    assert_eq!(find_byte(&bytes, b), None);
                    for first in 0..len {
                        bytes[first] = b;
                        assert_eq!(
                            find_byte(&bytes, b),
                            Some(first),
                            "b {b} len {len} fill {fill} first {first}"
                        );
                        for later in first + 1..len {
                            bytes[later] = b;
                            assert_eq!(find_byte(&bytes, b), Some(first));
                            bytes[later] = fill;
                        }
                        bytes[first] = fill;
                    }
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

    /// `contains_pair` against the plain search, for slashes and their neighbours at every position of
    /// strings up to 20 bytes (both sides of a word's edge).
    #[test]
    fn double_slash_agrees_with_the_plain_search() {
        for len in 0..20 {
            for a in 0..len {
                for b in a..len {
                    for (x, y) in (0..=255u8).flat_map(|n| [(b'/', n), (n, b'/')]) {
                        let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                        bytes[a] = x;
                        bytes[b] = y;
                        let expected = bytes.windows(2).any(|w| w == b"//");
                        assert_eq!(contains_pair(&bytes, b'/'), expected, "{bytes:?}");
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
