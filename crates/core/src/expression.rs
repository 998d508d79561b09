//! Expression normalisation (`normalize_expression`): operators and "nice" variable names become
//! Cloudinary's short forms, and runs of spaces/underscores become one `_`.

use crate::prelude::*;
use crate::value::Value;

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

/// [`normalize`] taking the value by value: non-strings pass through without a copy.
pub fn normalize_owned(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(normalize_str(&s)),
        other => other,
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

/// Normalises an expression string.
pub fn normalize_str(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::normalize_str;

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
