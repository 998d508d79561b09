//! The call's time ([`Now`]) and time formatting (pure: the caller supplies the time, or a clock of the
//! host's to read).

use crate::prelude::*;

/// The time a call works with: the caller's, or the host's clock, read only if the result needs it (a
/// url() reads it for an auth token with a `duration` and no `start_time`: nearly no call, while
/// reading the clock was ~1% of a Node url() call).
#[derive(Clone, Copy, Debug)]
pub enum Now {
    /// Unix milliseconds.
    At(f64),
    /// The host's clock (Unix milliseconds).
    Clock(fn() -> f64),
}

impl Now {
    /// Unix milliseconds (reading the clock, for [`Now::Clock`]).
    pub fn ms(self) -> f64 {
        match self {
            Now::At(ms) => ms,
            Now::Clock(read) => read(),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (Cloudinary's `created_at` format).
pub fn iso8601(secs: i64) -> String {
    let mut out = civil(secs);
    out.push('Z');
    out
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for Unix milliseconds (what `Date.prototype.toISOString` writes). Strings
/// of this form sort as the times they name, which the media records rely on.
pub fn iso8601_ms(ms: i64) -> String {
    let mut out = civil(ms.div_euclid(1000));
    out.push('.');
    crate::digits::push_padded(&mut out, ms.rem_euclid(1000).unsigned_abs(), 3);
    out.push('Z');
    out
}

/// What `JSON.stringify` writes for a JavaScript `Date` of `ms` (its `toJSON()`): the ISO form, with a
/// signed six-digit year outside 0000-9999, or `null` for an invalid date. The Node addon reads a `Date`
/// argument as this (the wasm modules' writer, npm/web/value-text.js, sends JavaScript's own
/// `toISOString()`), so `access_control: [{ start: new Date(...) }]` signs what the SDK sends.
pub fn date_json(ms: f64) -> crate::Value {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return crate::Value::Null;
    }
    let ms = crate::float::trunc(ms) as i64;
    let text = iso8601_ms(ms);
    // Years 0000 to 9999 (0000-01-01T00:00:00Z up to 10000-01-01T00:00:00Z) are written as they are.
    if (-62_167_219_200_000..253_402_300_800_000).contains(&ms) {
        return text.into();
    }
    // Negative years: `civil` writes `-001-…`; JavaScript writes `-000001-…`.
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ('-', rest),
        None => ('+', text.as_str()),
    };
    let dash = rest.find('-').unwrap_or(0);
    let mut out = String::with_capacity(text.len() + 3);
    out.push(sign);
    // The year's digits, zero-padded to six (`{:0>6}`).
    out.extend(core::iter::repeat_n('0', 6usize.saturating_sub(dash)));
    out.push_str(rest);
    out.into()
}

/// Unix milliseconds of `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the forms [`iso8601`] and [`iso8601_ms`] write).
pub fn parse_iso8601_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || *b.last()? != b'Z' {
        return None;
    }
    let num = |r: core::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let ms = match &text[19..text.len() - 1] {
        "" => 0,
        f if f.len() == 4 && f.starts_with('.') => num(20..23)?,
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some((days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s) * 1000 + ms)
}

/// Unix seconds of an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, the IMF-fixdate of RFC 9110).
pub fn parse_http_date(text: &str) -> Option<i64> {
    let mut parts = text.split_ascii_whitespace();
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let (day, year): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DDTHH:MM:SS` of Unix seconds.
fn civil(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // `{year:04}-{month:02}-{day:02}T{hh:02}:{mm:02}:{ss:02}`, the sign counting in the year's width as
    // with `format!` (year -1 is `-001`).
    let mut out = String::with_capacity(24);
    crate::digits::push_int_padded(&mut out, year, 4);
    for (sep, n) in [
        ('-', month),
        ('-', day),
        ('T', rem / 3600),
        (':', rem % 3600 / 60),
        (':', rem % 60),
    ] {
        out.push(sep);
        crate::digits::push_padded(&mut out, n.unsigned_abs(), 2);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::iso8601(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn dates_as_json_writes_them() {
        use crate::Value;
        assert_eq!(
            super::date_json(0.0),
            Value::from("1970-01-01T00:00:00.000Z")
        );
        assert_eq!(
            super::date_json(1_767_323_045_678.9),
            Value::from("2026-01-02T03:04:05.678Z")
        );
        assert_eq!(
            super::date_json(-62_198_755_200_000.0),
            Value::from("-000001-01-01T00:00:00.000Z")
        );
        assert_eq!(
            super::date_json(253_402_300_800_000.0),
            Value::from("+010000-01-01T00:00:00.000Z")
        );
        assert_eq!(super::date_json(f64::NAN), Value::Null);
        // Either side of the years written without a sign (node: new Date(ms).toJSON()).
        for (ms, json) in [
            (-62_167_219_200_000.0, "0000-01-01T00:00:00.000Z"),
            (-62_167_219_200_001.0, "-000001-12-31T23:59:59.999Z"),
            (253_402_300_799_999.0, "9999-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(super::date_json(ms), Value::from(json), "{ms}");
        }
    }

    #[test]
    fn milliseconds_round_trip() {
        for ms in [0, 1_700_000_000_123, 951_782_400_999, -1] {
            let text = super::iso8601_ms(ms);
            assert_eq!(super::parse_iso8601_ms(&text), Some(ms), "{text}");
        }
        assert_eq!(
            super::iso8601_ms(1_700_000_000_123),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(
            super::parse_iso8601_ms("2023-11-14T22:13:20Z"),
            Some(1_700_000_000_000)
        );
        assert_eq!(super::parse_iso8601_ms("2023-11-14 22:13:20"), None);
        assert_eq!(
            super::parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"),
            Some(1_700_000_000)
        );
    }
}
