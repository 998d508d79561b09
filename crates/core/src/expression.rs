//! Expression normalisation (`normalize_expression`): operators and "nice" variable names become
//! Cloudinary's short forms, and runs of spaces/underscores become one `_`.

use crate::prelude::*;
use crate::value::Value;
use alloc::borrow::Cow;

/// Operators, in the SDK's alternation order (longest first where it matters).
const OPERATORS: &[(&str, &str)] = &[
    ("||", "or"),
    (">=", "gte"),
    ("<=", "lte"),
    ("&&", "and"),
    ("!=", "ne"),
    (">", "gt"),
    ("=", "eq"),
    ("<", "lt"),
    ("/", "div"),
    ("-", "sub"),
    ("^", "pow"),
    ("+", "add"),
    ("*", "mul"),
];

/// Predefined variables, in the SDK's order (the first that matches at a position wins).
const PREDEFINED: &[(&str, &str)] = &[
    ("aspect_ratio", "ar"),
    ("aspectRatio", "ar"),
    ("current_page", "cp"),
    ("currentPage", "cp"),
    ("duration", "du"),
    ("face_count", "fc"),
    ("faceCount", "fc"),
    ("height", "h"),
    ("initial_aspect_ratio", "iar"),
    ("initial_height", "ih"),
    ("initial_width", "iw"),
    ("initialAspectRatio", "iar"),
    ("initialHeight", "ih"),
    ("initialWidth", "iw"),
    ("initial_duration", "idu"),
    ("initialDuration", "idu"),
    ("page_count", "pc"),
    ("page_x", "px"),
    ("page_y", "py"),
    ("pageCount", "pc"),
    ("pageX", "px"),
    ("pageY", "py"),
    ("tags", "tags"),
    ("width", "w"),
];

/// Normalises a value the way the SDK does; non-strings, empty strings and `!...!` literals are unchanged.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(normalize_str(s)),
        other => other.clone(),
    }
}

fn is_bang_literal(s: &str) -> bool {
    // `/^!.+!$/`: `.` does not match line terminators.
    let inner = match s.strip_prefix('!').and_then(|r| r.strip_suffix('!')) {
        Some(inner) if !inner.is_empty() => inner,
        _ => return false,
    };
    !inner
        .chars()
        .any(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
}

/// `String(normalize(value))` appended to `out`: a string's normalised text written straight in (no
/// normalised copy first).
pub fn write_normalized(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(&normalize_cow(s)),
        other => other.write_js_string(out),
    }
}

/// Normalises an expression string.
pub fn normalize_str(s: &str) -> String {
    normalize_cow(s).into_owned()
}

/// [`normalize_str`] of a string it may hand back: most values (`fill`, `0.5`, `auto:good`) come out
/// unchanged, and then no copy is made.
pub fn normalize_string(s: String) -> String {
    match normalize_cow(&s) {
        Cow::Owned(changed) => changed,
        Cow::Borrowed(_) => s,
    }
}

/// The three passes, each copying only when it changes something.
pub(crate) fn normalize_cow(s: &str) -> Cow<'_, str> {
    if s.is_empty() || is_bang_literal(s) {
        return Cow::Borrowed(s);
    }
    let s = replace_operators(s);
    let s = then(s, replace_variables);
    then(s, collapse_separators)
}

/// `pass` applied to `s`, keeping `s` (borrowed or not) when the pass changes nothing.
fn then<'a>(s: Cow<'a, str>, pass: fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    let changed = match pass(&s) {
        Cow::Owned(changed) => Some(changed),
        Cow::Borrowed(_) => None,
    };
    match changed {
        Some(changed) => Cow::Owned(changed),
        None => s,
    }
}

/// Text built by copying runs of its input and writing replacements between them: nothing is allocated
/// until the first replacement.
struct Rewrite<'a> {
    input: &'a str,
    out: String,
    /// Where the run not yet copied starts.
    from: usize,
}

impl<'a> Rewrite<'a> {
    fn new(input: &'a str) -> Self {
        Rewrite {
            input,
            out: String::new(),
            from: 0,
        }
    }

    /// Replaces `input[at..end]` with `with`.
    fn replace(&mut self, at: usize, end: usize, with: &str) {
        // The passes replace from ASCII bytes they matched: always character boundaries.
        debug_assert!(self.input.is_char_boundary(at) && self.input.is_char_boundary(end));
        if self.out.capacity() == 0 {
            self.out.reserve(self.input.len() + 8);
        }
        self.out
            .push_str(self.input.get(self.from..at).unwrap_or_default());
        self.out.push_str(with);
        self.from = end;
    }

    fn finish(mut self) -> Cow<'a, str> {
        if self.out.capacity() == 0 {
            return Cow::Borrowed(self.input);
        }
        self.out
            .push_str(self.input.get(self.from..).unwrap_or_default());
        Cow::Owned(self.out)
    }
}

/// Operators followed by a space or `_` become words. (Every byte tested is ASCII, so byte positions
/// stay on character boundaries.)
fn replace_operators(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let mut r = Rewrite::new(s);
    let mut i = 0;
    'scan: while i < bytes.len() {
        if matches!(
            bytes[i],
            b'|' | b'>' | b'<' | b'&' | b'!' | b'=' | b'/' | b'-' | b'^' | b'+' | b'*'
        ) {
            let rest = s.get(i..).unwrap_or_default();
            for (op, word) in OPERATORS {
                if let Some(after) = rest.strip_prefix(op) {
                    if matches!(after.as_bytes().first(), Some(b' ' | b'_')) {
                        r.replace(i, i + op.len(), word);
                        i += op.len();
                        continue 'scan;
                    }
                }
            }
        }
        i += 1;
    }
    r.finish()
}

/// For each lower-case letter, a bit per [`PREDEFINED`] name that starts with it (bit `i`: entry `i`).
const BY_FIRST_LETTER: [u32; 26] = {
    assert!(PREDEFINED.len() <= 32);
    let mut table = [0u32; 26];
    let mut i = 0;
    while i < PREDEFINED.len() {
        let first = PREDEFINED[i].0.as_bytes()[0];
        assert!(first.is_ascii_lowercase());
        table[(first - b'a') as usize] |= 1 << i;
        i += 1;
    }
    table
};

/// The [`PREDEFINED`] names that start with `byte`, as [`BY_FIRST_LETTER`] gives them.
#[inline]
fn starting_with(byte: u8) -> u32 {
    byte.checked_sub(b'a')
        .and_then(|i| BY_FIRST_LETTER.get(usize::from(i)))
        .copied()
        .unwrap_or(0)
}

/// Predefined variable names become their short forms; `$name` user variables and `:name` are left
/// as they are (and not looked into).
///
/// Byte by byte, only the names whose first byte is the one there are tried, in the table's order (the
/// SDK's alternation, in its order, gives the same first match: names with other first letters cannot
/// match there): trying all 24 at every letter was a tenth of the browser module's url() time, and
/// trying those sharing the letter's few (a bit set per letter, worked out when compiling) rather than
/// walking the table for each was ~300 instructions of a Node url() over the mix.
fn replace_variables(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let mut r = Rewrite::new(s);
    let mut i = 0;
    'scan: while let Some(&byte) = bytes.get(i) {
        if byte == b'$' {
            // `\$_*[^_ ]+`: a user variable is kept as it is.
            let mut end = i + 1;
            while bytes.get(end) == Some(&b'_') {
                end += 1;
            }
            let body = end;
            while bytes.get(end).is_some_and(|&b| b != b'_' && b != b' ') {
                end += 1;
            }
            if end > body {
                i = end;
                continue 'scan;
            }
        }
        // `:name` is matched (and kept) so that `:width` stays as it is.
        let colon = byte == b':';
        let at = i + usize::from(colon);
        let rest = bytes.get(at..).unwrap_or_default();
        // Only the names that start with the letter there, in the table's order.
        let mut candidates = rest.first().map_or(0, |&first| starting_with(first));
        while candidates != 0 {
            let (name, short) = PREDEFINED[candidates.trailing_zeros() as usize];
            candidates &= candidates - 1;
            if rest.starts_with(name.as_bytes()) {
                if !colon {
                    r.replace(i, at + name.len(), short);
                }
                i = at + name.len();
                continue 'scan;
            }
        }
        i += 1;
    }
    r.finish()
}

/// Runs of spaces and `_` become one `_` (a lone `_` stays as it is).
fn collapse_separators(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let mut r = Rewrite::new(s);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' || bytes[i] == b'_' {
            let end = i + bytes[i..]
                .iter()
                .take_while(|b| **b == b' ' || **b == b'_')
                .count();
            if end - i > 1 || bytes[i] == b' ' {
                r.replace(i, end, "_");
            }
            i = end;
        } else {
            i += 1;
        }
    }
    r.finish()
}

/// The first implementation (three passes, each copying), kept as the reference the rewrite is tested
/// against.
#[cfg(test)]
mod reference {
    use super::{is_bang_literal, OPERATORS, PREDEFINED};
    use crate::prelude::*;

    /// Normalises an expression string.
    pub(super) fn normalize_str(s: &str) -> String {
        if s.is_empty() || is_bang_literal(s) {
            return s.to_owned();
        }
        let s = replace_operators(s);
        let s = replace_variables(&s);
        collapse_separators(&s)
    }

    fn replace_operators(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        'scan: while i < s.len() {
            let rest = &s[i..];
            // Every operator starts with one of these bytes: most positions need no table lookup.
            if !matches!(
                rest.as_bytes()[0],
                b'|' | b'>' | b'<' | b'&' | b'!' | b'=' | b'/' | b'-' | b'^' | b'+' | b'*'
            ) {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                i += c.len_utf8();
                continue;
            }
            for (op, word) in OPERATORS {
                if let Some(after) = rest.strip_prefix(op) {
                    if after.starts_with([' ', '_']) {
                        out.push_str(word);
                        i += op.len();
                        continue 'scan;
                    }
                }
            }
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
        }
        out
    }

    fn replace_variables(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        'scan: while i < s.len() {
            let rest = &s[i..];
            // `\$_*[^_ ]+`: a user variable is kept as it is.
            if let Some(after_dollar) = rest.strip_prefix('$') {
                let underscores = after_dollar.len() - after_dollar.trim_start_matches('_').len();
                let body = &after_dollar[underscores..];
                let body_len = body.find(['_', ' ']).unwrap_or(body.len());
                if body_len > 0 {
                    let len = 1 + underscores + body_len;
                    out.push_str(&rest[..len]);
                    i += len;
                    continue 'scan;
                }
            }
            // Every predefined name (or `:name`) starts with one of these bytes.
            if !matches!(
                rest.as_bytes()[0],
                b':' | b'a' | b'c' | b'd' | b'f' | b'h' | b'i' | b'p' | b't' | b'w'
            ) {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                i += c.len_utf8();
                continue;
            }
            for (name, short) in PREDEFINED {
                // `:name` is matched (and kept) before `name` so that `:width` stays as it is.
                if rest.starts_with(':') && rest[1..].starts_with(name) {
                    out.push(':');
                    out.push_str(name);
                    i += 1 + name.len();
                    continue 'scan;
                }
                if rest.starts_with(name) {
                    out.push_str(short);
                    i += name.len();
                    continue 'scan;
                }
            }
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
        }
        out
    }

    fn collapse_separators(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut in_run = false;
        for c in s.chars() {
            if c == ' ' || c == '_' {
                if !in_run {
                    out.push('_');
                }
                in_run = true;
            } else {
                out.push(c);
                in_run = false;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{normalize_str, normalize_string};
    use crate::prelude::*;

    #[test]
    fn the_rewrite_is_the_reference_on_every_combination() {
        // Every sequence of up to four pieces: operators with and without separators, predefined
        // names (plain, `:`-led, inside `$` variables), a lone `:`, runs of separators, multi-byte text.
        const PIECES: [&str; 32] = [
            "width",
            "tags",
            "pageX",
            "init",
            ":width",
            ":",
            "$width",
            "$_w",
            "$",
            " ",
            "_",
            "__",
            " _ ",
            ">",
            ">=",
            "<=",
            "!=",
            "&&",
            "||",
            "*",
            "/",
            "-",
            "^+",
            "!",
            "=",
            "<",
            "initial_width",
            "aspectRatio",
            "page_x",
            "é",
            "😀",
            "x",
        ];
        let mut count = 0;
        let mut stack = vec![(String::new(), 0)];
        while let Some((s, pieces)) = stack.pop() {
            let expected = super::reference::normalize_str(&s);
            assert_eq!(normalize_str(&s), expected, "{s:?}");
            assert_eq!(normalize_string(s.clone()), expected, "{s:?}");
            count += 1;
            if pieces < 4 {
                for p in PIECES {
                    stack.push(([s.as_str(), p].concat(), pieces + 1));
                }
            }
        }
        let n = PIECES.len();
        assert_eq!(count, 1 + n + n * n + n * n * n + n * n * n * n);
    }

    #[test]
    fn normalises_like_the_sdk() {
        assert_eq!(normalize_str("width > 0"), "w_gt_0");
        assert_eq!(normalize_str("initial_width * 2"), "iw_mul_2");
        assert_eq!(normalize_str("$foo_bar + width"), "$foo_bar_add_w");
        assert_eq!(normalize_str(":width"), ":width");
        assert_eq!(normalize_str("!width > 0!"), "!width > 0!");
        assert_eq!(
            normalize_str("face_count >= 2 && page_x < 5"),
            "fc_gte_2_and_px_lt_5"
        );
    }
}
