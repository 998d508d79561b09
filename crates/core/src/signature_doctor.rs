//! The signature doctor: why Cloudinary answered "Invalid Signature".
//!
//! Cloudinary's 401 names the string it signed from what it received: `Invalid Signature <sent>. String
//! to sign - '<string>'.` Set beside the string the signer signed, the difference says what went wrong,
//! in the terms support answers use: a parameter sent but not signed, signed but not sent, a value
//! written differently, a parameter Cloudinary never signs, an old or future timestamp, or — when both
//! strings match — a signature made with another secret or algorithm. Nothing here ever holds the secret
//! in its output: it is used only to recompute signatures for comparison.

use crate::hash::SignatureAlgorithm;
use crate::prelude::*;
use crate::signing::{string_to_sign, SignatureVersion};
use crate::value::{Map, Value};

/// Parameters Cloudinary leaves out of the string to sign.
pub const NEVER_SIGNED: &[&str] = &[
    "file",
    "api_key",
    "cloud_name",
    "resource_type",
    "signature",
    "signature_algorithm",
];

/// How old a signed request's timestamp may be before Cloudinary calls it stale (1 hour).
pub const MAX_AGE_SECS: f64 = 3600.0;

/// One thing the doctor found.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// A stable name: `not_signed`, `not_sent`, `value_differs`, `never_signed`, `escaping`,
    /// `stale_timestamp`, `future_timestamp`, `missing_timestamp`, `wrong_secret`, `wrong_algorithm`,
    /// `same_string`, `unknown_api_key`, `unread_error`, `signature_differs`.
    pub kind: &'static str,
    /// The parameter concerned, if one is.
    pub param: Option<String>,
    /// The finding in plain words.
    pub message: String,
}

/// What the doctor is given besides the signed params.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs<'a> {
    /// Cloudinary's error message (its "Invalid Signature …" or "Stale request …" text), if there is one.
    pub error: Option<&'a str>,
    /// The signature that was sent (else the one in the error message).
    pub signature: Option<&'a str>,
    /// The account's secret, to tell a wrong secret from a wrong algorithm (never printed).
    pub api_secret: Option<&'a str>,
    /// The algorithm the account signs with.
    pub algorithm: SignatureAlgorithm,
    /// The signature version the signer used.
    pub version: SignatureVersion,
    /// Now, in seconds since the epoch (for the timestamp's age).
    pub now_secs: f64,
}

/// The doctor's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    /// The string the signer signed (from the params given).
    pub string_to_sign: String,
    /// The string Cloudinary signed, from its message.
    pub cloudinary_string_to_sign: Option<String>,
    /// What differs, most likely cause first.
    pub findings: Vec<Finding>,
    /// A signature was given to check (no Cloudinary answer to compare with) but no api_secret to check
    /// it with: nothing was said about it.
    pub signature_unchecked: bool,
}

/// `(signature, string to sign)` from Cloudinary's `Invalid Signature <sig>. String to sign - '<s>'.`
/// Text after the message (cirrus's own `Why: …`, a newline, a JSON quote) is ignored: the string ends at
/// the first `'.` (or `'`) followed by the end, whitespace or a quote.
pub fn parse_invalid_signature(message: &str) -> Option<(String, String)> {
    let rest = &message[message.find(INVALID_SIGNATURE)? + INVALID_SIGNATURE.len()..];
    let (signature, rest) = rest.split_once(". String to sign - '")?;
    let ends = |i: usize| {
        let after = rest[i + 1..].strip_prefix('.').unwrap_or(&rest[i + 1..]);
        after.is_empty() || after.starts_with(char::is_whitespace) || after.starts_with('"')
    };
    let end = rest
        .match_indices('\'')
        .map(|(i, _)| i)
        .find(|&i| ends(i))?;
    Some((signature.trim().to_owned(), rest[..end].to_owned()))
}

/// `k=v` pairs of a string to sign (version 2 escapes `&` inside values, so `&` splits pairs; a piece
/// without `=` belongs to the value before it, as a version 1 value with `&` would be written).
fn pairs(to_sign: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    if to_sign.is_empty() {
        return out;
    }
    for piece in to_sign.split('&') {
        match piece.split_once('=') {
            Some((k, v)) => out.push((k.to_owned(), v.to_owned())),
            None => match out.last_mut() {
                Some((_, v)) => {
                    v.push('&');
                    v.push_str(piece);
                }
                None => out.push((piece.to_owned(), String::new())),
            },
        }
    }
    out
}

fn finding(kind: &'static str, param: Option<&str>, message: String) -> Finding {
    Finding {
        kind,
        param: param.map(str::to_owned),
        message,
    }
}

/// Diagnoses a signature: `signed` are the params the signer signed (as it signed them).
pub fn diagnose(signed: &Map, inputs: &Inputs) -> Diagnosis {
    // An empty secret is none (a config or CLOUDINARY_URL without one): nothing is checked against it.
    let inputs = &Inputs {
        api_secret: inputs.api_secret.filter(|s| !s.is_empty()),
        ..*inputs
    };
    let string = string_to_sign(signed, inputs.version);
    let mut findings = Vec::new();
    // Read wherever it stands in the text given (a stack trace's `Error: ...`, quotes, a CLI's row).
    let error = inputs.error.unwrap_or("").trim();
    let parsed = parse_invalid_signature(error);
    if let Some(at) = crate::scan::find(error, UNKNOWN_API_KEY) {
        let key = error[at + UNKNOWN_API_KEY.len()..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .next()
            .unwrap_or_default();
        findings.push(finding(
            "unknown_api_key",
            Some("api_key"),
            format!("Cloudinary does not know the api_key {key}: the request went to a cloud with other credentials (check cloud_name and api_key together)."),
        ));
    }
    for key in NEVER_SIGNED {
        if !signed.get(key).is_nullish() && *key != "signature" {
            findings.push(finding(
                "never_signed",
                Some(key),
                format!("`{key}` was signed, but Cloudinary leaves it out of the string to sign: sign every other param, never {key}."),
            ));
        }
    }
    // As pasted: spaces around it and upper-case hex are the same signature; an empty one is none.
    let sent_signature = inputs
        .signature
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .or_else(|| parsed.as_ref().map(|(s, _)| s.clone()));
    if let Some((_, theirs)) = &parsed {
        compare(&pairs(&string), &pairs(theirs), &mut findings);
        if findings.iter().all(|f| f.kind == "never_signed") && &string == theirs {
            same_string(theirs, sent_signature.as_deref(), inputs, &mut findings);
        }
    }
    if parsed.is_none() {
        // Text that is none of Cloudinary's answers (an "Invalid Signature" the parser could not read is
        // one: the SDK paths only diagnose those, and say nothing more about them than before).
        if !error.is_empty() && !ANSWERS.iter().any(|a| crate::scan::contains(error, a)) {
            findings.push(finding("unread_error", None, "Cloudinary's message is not one the doctor reads (\"Invalid Signature <signature>. String to sign - '...'.\", \"Stale request ...\", \"Invalid timestamp ...\" or \"Unknown API key ...\"): pass its error.message whole.".to_owned()));
        }
        // No answer from Cloudinary yet, but a signature to check: against this string and the secret.
        if let (Some(sent), Some(secret)) = (&sent_signature, inputs.api_secret) {
            check_signature(&string, sent, secret, inputs.algorithm, &mut findings);
        }
    }
    let signature_unchecked =
        parsed.is_none() && sent_signature.is_some() && inputs.api_secret.is_none();
    timestamp(signed, error, inputs.now_secs, &mut findings);
    Diagnosis {
        string_to_sign: string,
        cloudinary_string_to_sign: parsed.map(|(_, s)| s),
        findings,
        signature_unchecked,
    }
}

/// Param by param: what the signer signed against what Cloudinary signed from what it received.
fn compare(ours: &[(String, String)], theirs: &[(String, String)], findings: &mut Vec<Finding>) {
    let find = |list: &[(String, String)], k: &str| {
        list.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    for (k, v) in theirs {
        match find(ours, k) {
            None => findings.push(finding(
                "not_signed",
                Some(k),
                format!("`{k}` was sent ({k}={v}) but not signed: the signer must sign every param the upload sends (all but file, api_key, cloud_name and resource_type)."),
            )),
            Some(mine) if &mine != v => {
                let escaping = mine.replace("%26", "&") == v.replace("%26", "&");
                findings.push(if escaping {
                    finding(
                        "escaping",
                        Some(k),
                        format!("`{k}` differs only in how `&` is written (signed `{mine}`, Cloudinary signed `{v}`): use signature version 2, which writes `&` inside a value as %26."),
                    )
                } else {
                    finding(
                        "value_differs",
                        Some(k),
                        format!("`{k}` was signed as `{mine}` but sent as `{v}`: sign the value exactly as it is sent (arrays joined with commas, context as key=value pairs joined with |, booleans as true/false)."),
                    )
                });
            }
            Some(_) => {}
        }
    }
    for (k, v) in ours {
        if find(theirs, k).is_none() && !NEVER_SIGNED.contains(&k.as_str()) {
            findings.push(finding(
                "not_sent",
                Some(k),
                format!("`{k}` was signed ({k}={v}) but not sent (or sent empty): send every param you signed, with the same value."),
            ));
        }
    }
}

/// Both strings match: the signature itself was made differently. Without the secret nothing tells a
/// wrong secret from params added after signing; with it, the signature is recomputed both ways.
fn same_string(to_sign: &str, sent: Option<&str>, inputs: &Inputs, findings: &mut Vec<Finding>) {
    let (Some(sent), Some(secret)) = (sent, inputs.api_secret) else {
        findings.push(finding("same_string", None, "The strings to sign match, so the signature was made over other params than those given here (a field added after signing?), or with another secret or algorithm.".to_owned()));
        return;
    };
    let message = match made_with(to_sign, sent, secret, inputs.algorithm) {
        Made::Other(other) => {
            findings.push(finding(
                "wrong_algorithm",
                None,
                format!("The strings to sign match and the secret is right, but the signature is {} and this account is set to {}: set signature_algorithm to match.", other.name(), inputs.algorithm.name()),
            ));
            return;
        }
        // Signed right with the secret given here, refused all the same: Cloudinary holds another one.
        Made::Configured => "The strings to sign match and the signature is right for the api_secret configured here, so that secret is not this account's: check CLOUDINARY_URL (a rotated secret, another account's, stray whitespace).",
        Made::Neither => "The strings to sign match, but the signature was not made with this account's api_secret: the signer uses another secret (another account's, an old one, or one with stray whitespace), or signed other params than it returned.",
    };
    findings.push(finding("wrong_secret", None, message.to_owned()));
}

/// What made a signature from a string to sign and the secret.
enum Made {
    /// The account's algorithm.
    Configured,
    /// The other algorithm.
    Other(SignatureAlgorithm),
    /// Neither: other params, or another secret.
    Neither,
}

/// Which algorithm, if either, makes `sent` from `to_sign` followed by `secret`.
fn made_with(to_sign: &str, sent: &str, secret: &str, algorithm: SignatureAlgorithm) -> Made {
    let mut input = to_sign.to_owned();
    input.push_str(secret);
    let other = match algorithm {
        SignatureAlgorithm::Sha1 => SignatureAlgorithm::Sha256,
        SignatureAlgorithm::Sha256 => SignatureAlgorithm::Sha1,
    };
    if crate::hash::constant_time_eq(&algorithm.hex(input.as_bytes()), sent) {
        Made::Configured
    } else if crate::hash::constant_time_eq(&other.hex(input.as_bytes()), sent) {
        Made::Other(other)
    } else {
        Made::Neither
    }
}

/// How Cloudinary's answer about a signature starts (the signature it got follows, then its string).
const INVALID_SIGNATURE: &str = "Invalid Signature ";

/// How Cloudinary's answer about an unknown key starts (the key follows).
const UNKNOWN_API_KEY: &str = "Unknown API key ";

/// Cloudinary's answers the doctor knows.
const ANSWERS: &[&str] = &[
    INVALID_SIGNATURE,
    UNKNOWN_API_KEY,
    STALE_REQUEST,
    INVALID_TIMESTAMP,
];

/// Cloudinary's answer to a timestamp over an hour old.
const STALE_REQUEST: &str = "Stale request";

/// Cloudinary's answer to a timestamp in the future.
const INVALID_TIMESTAMP: &str = "Invalid timestamp";

/// A signature given without Cloudinary's answer: whether these params and `secret` give it (nothing
/// found when they do), the other algorithm does, or neither.
fn check_signature(
    to_sign: &str,
    sent: &str,
    secret: &str,
    algorithm: SignatureAlgorithm,
    findings: &mut Vec<Finding>,
) {
    findings.push(match made_with(to_sign, sent, secret, algorithm) {
        Made::Configured => return,
        Made::Other(other) => finding("wrong_algorithm", None, format!("The signature is {} of this string with this account's secret, but the account is set to {}: set signature_algorithm to match.", other.name(), algorithm.name())),
        Made::Neither => finding("signature_differs", None, "The signature is not what these params and the api_secret configured here give: the signer signed other params or values (compare its string to sign with the one above), or used another secret.".to_owned()),
    });
}

/// The timestamp: missing, stale (over an hour old) or in the future.
fn timestamp(signed: &Map, error: &str, now: f64, findings: &mut Vec<Finding>) {
    let ts = signed.get("timestamp");
    if ts.is_nullish() {
        findings.push(finding(
            "missing_timestamp",
            Some("timestamp"),
            "No timestamp was signed: every signed upload needs `timestamp` (Unix seconds, now)."
                .to_owned(),
        ));
        return;
    }
    let secs = ts.parse_float();
    // An "Invalid Signature" answer means Cloudinary found the timestamp fresh when it came: the clock
    // only judges the age when there is no answer yet (a signature about to be sent).
    let now = if error.is_empty() { now } else { 0.0 };
    if crate::scan::contains(error, STALE_REQUEST) || (now > 0.0 && now - secs > MAX_AGE_SECS) {
        let age = if now > 0.0 {
            format!(" ({:.0} minutes old)", (now - secs) / 60.0)
        } else {
            String::new()
        };
        findings.push(finding(
            "stale_timestamp",
            Some("timestamp"),
            format!("The timestamp {}{age} is more than an hour old: sign just before uploading (a chunked upload re-signs for each hour it runs), and check the signer's clock.", ts.to_js_string()),
        ));
    } else if crate::scan::contains(error, INVALID_TIMESTAMP) || (now > 0.0 && secs - now > 300.0) {
        findings.push(finding(
            "future_timestamp",
            Some("timestamp"),
            format!(
                "The timestamp {} is in the future: the signer's clock is ahead; sync it (NTP).",
                ts.to_js_string()
            ),
        ));
    }
}

impl Diagnosis {
    /// The diagnosis in plain words, several lines (no secret: only strings to sign).
    pub fn explain(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("You signed:        {}\n", self.string_to_sign));
        if let Some(theirs) = &self.cloudinary_string_to_sign {
            out.push_str(&format!("Cloudinary signed: {theirs}\n"));
        }
        if self.findings.is_empty() {
            out.push_str(if self.cloudinary_string_to_sign.is_some() {
                "No difference found in the params.\n"
            } else {
                "This is the string to sign: the signature is the hex SHA-1 (or SHA-256) of it followed directly by the api_secret.\n"
            });
        }
        for f in &self.findings {
            out.push_str("- ");
            out.push_str(&f.message);
            out.push('\n');
        }
        if self.signature_unchecked {
            out.push_str("The signature was not checked: that needs the account's api_secret (explainSignature on a Cloudinary client has it; the CLI takes it from CLOUDINARY_URL).\n");
        }
        out
    }

    /// As a JS object: `{ string_to_sign, cloudinary_string_to_sign, findings: [{ kind, param, message }],
    /// signature_unchecked, explanation }`.
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.set("string_to_sign", self.string_to_sign.as_str().into());
        out.set(
            "cloudinary_string_to_sign",
            self.cloudinary_string_to_sign
                .as_deref()
                .map_or(Value::Null, Value::from),
        );
        let findings = self
            .findings
            .iter()
            .map(|f| {
                let mut m = Map::new();
                m.set("kind", f.kind.into());
                m.set("param", f.param.as_deref().map_or(Value::Null, Value::from));
                m.set("message", f.message.as_str().into());
                Value::Object(m)
            })
            .collect();
        out.set("findings", Value::Array(findings));
        out.set("signature_unchecked", self.signature_unchecked.into());
        out.set("explanation", self.explain().into());
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&'static str, &str)]) -> Map {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.set(*k, (*v).into());
        }
        m
    }

    fn kinds(d: &Diagnosis) -> Vec<(&str, Option<&str>)> {
        d.findings
            .iter()
            .map(|f| (f.kind, f.param.as_deref()))
            .collect()
    }

    const NOW: f64 = 1_700_000_100.0;

    fn inputs(error: &str) -> Inputs<'_> {
        Inputs {
            error: Some(error),
            now_secs: NOW,
            ..Inputs::default()
        }
    }

    /// Text that is none of Cloudinary's signature answers is said to be unread; a signature given with
    /// no answer is checked against the string and the secret.
    #[test]
    fn unread_errors_and_a_signature_without_an_answer() {
        let signed = params(&[("folder", "a"), ("timestamp", "1700000000")]);
        let unread = diagnose(&signed, &inputs("Something else went wrong"));
        assert_eq!(kinds(&unread), [("unread_error", None)]);
        // Cloudinary's answers wherever they stand in the text: quoted, after a stack trace's `Error:`,
        // after a CLI row; an "Invalid Signature" that does not parse is not called unread.
        for (read, kind) in [
            (
                "Stale request - reported time is 2023-11-14T19:33:20Z",
                "stale_timestamp",
            ),
            (
                "Error: Stale request - reported time is 2023-11-14T19:33:20Z",
                "stale_timestamp",
            ),
            (
                "a.png: UPLOAD_FAILED (400): Stale request - reported time",
                "stale_timestamp",
            ),
            ("  \"Unknown API key 123\"  ", "unknown_api_key"),
            ("Invalid Signature without its string", ""),
        ] {
            let diagnosis = diagnose(&signed, &inputs(read));
            let found = kinds(&diagnosis);
            assert!(found.iter().all(|(k, _)| *k != "unread_error"), "{read}");
            assert!(
                kind.is_empty() || found.iter().any(|(k, _)| *k == kind),
                "{read}: {found:?}"
            );
        }
        let key = diagnose(&signed, &inputs("  \"Unknown API key 123\"  "));
        assert!(
            key.findings[0].message.contains("api_key 123:"),
            "{}",
            key.findings[0].message
        );
        let input = b"folder=a&timestamp=1700000000abcd";
        let sha1 = SignatureAlgorithm::Sha1.hex(input);
        let sha256 = SignatureAlgorithm::Sha256.hex(input);
        let check = |signature: &str, secret: Option<&str>| {
            let given = Inputs {
                signature: Some(signature),
                api_secret: secret,
                now_secs: NOW,
                ..Inputs::default()
            };
            diagnose(&signed, &given)
                .findings
                .iter()
                .map(|f| f.kind)
                .collect::<Vec<_>>()
        };
        assert!(check(&sha1, Some("abcd")).is_empty());
        // As pasted: spaces around it, upper case.
        assert!(check(&format!(" {} ", sha1.to_uppercase()), Some("abcd")).is_empty());
        assert!(check("", Some("abcd")).is_empty());
        assert_eq!(check(&sha256, Some("abcd")), ["wrong_algorithm"]);
        assert_eq!(check("deadbeef", Some("abcd")), ["signature_differs"]);
        // Without the secret (or with an empty one) nothing is claimed.
        assert!(check("deadbeef", None).is_empty());
        assert!(check("deadbeef", Some("")).is_empty());
    }

    /// A signature given alone, with no secret to check it, is said to be unchecked (not found good).
    #[test]
    fn a_signature_without_a_secret_is_said_unchecked() {
        let signed = params(&[("folder", "a"), ("timestamp", "1700000000")]);
        let unchecked = |inputs: Inputs| diagnose(&signed, &inputs).signature_unchecked;
        let alone = Inputs {
            signature: Some("deadbeef"),
            now_secs: NOW,
            ..Inputs::default()
        };
        assert!(unchecked(alone));
        assert!(diagnose(&signed, &alone)
            .explain()
            .contains("The signature was not checked"));
        assert!(
            unchecked(Inputs {
                error: Some("some other failure"),
                ..alone
            }),
            "an error the doctor cannot read is no answer"
        );
        assert!(!unchecked(Inputs {
            api_secret: Some("abcd"),
            ..alone
        }));
        assert!(unchecked(Inputs {
            api_secret: Some(""),
            ..alone
        }));
        assert!(
            !unchecked(Inputs {
                signature: Some("  "),
                ..alone
            }),
            "an empty signature is none"
        );
        let answered =
            "Invalid Signature deadbeef. String to sign - 'folder=a&timestamp=1700000000'.";
        assert!(
            !unchecked(Inputs {
                error: Some(answered),
                ..alone
            }),
            "Cloudinary's answer is compared instead"
        );
        assert!(!diagnose(
            &signed,
            &Inputs {
                api_secret: Some("abcd"),
                ..alone
            }
        )
        .explain()
        .contains("not checked"));
    }

    #[test]
    fn parses_cloudinarys_message() {
        let m = "Invalid Signature 0f3a. String to sign - 'folder=a&timestamp=1'.";
        let want = Some(("0f3a".into(), "folder=a&timestamp=1".into()));
        assert_eq!(parse_invalid_signature(m), want);
        assert_eq!(parse_invalid_signature("Stale request"), None);
        // cirrus's own error fed back in, a trailing newline, a JSON-quoted copy, a quote inside a value.
        let why = format!("{m} Why: The strings to sign match and the account's secret ...");
        assert_eq!(parse_invalid_signature(&why), want);
        assert_eq!(parse_invalid_signature(&format!("{m}\n")), want);
        assert_eq!(parse_invalid_signature(&format!("\"{m}\"")), want);
        let quoted = "Invalid Signature 0f3a. String to sign - 'context=caption=it's&timestamp=1'.";
        assert_eq!(
            parse_invalid_signature(quoted).unwrap().1,
            "context=caption=it's&timestamp=1"
        );
    }

    #[test]
    fn an_old_invalid_signature_is_not_called_stale() {
        let signed = params(&[("folder", "a"), ("timestamp", "1600000000")]);
        let error = "Invalid Signature abc. String to sign - 'folder=b&timestamp=1600000000'.";
        assert_eq!(
            kinds(&diagnose(&signed, &inputs(error))),
            vec![("value_differs", Some("folder"))]
        );
    }

    #[test]
    fn sent_but_not_signed_and_signed_but_not_sent() {
        let signed = params(&[
            ("folder", "a"),
            ("timestamp", "1700000000"),
            ("eager", "w_100"),
        ]);
        let error =
            "Invalid Signature abc. String to sign - 'folder=a&tags=x&timestamp=1700000000'.";
        let d = diagnose(&signed, &inputs(error));
        assert_eq!(
            kinds(&d),
            vec![("not_signed", Some("tags")), ("not_sent", Some("eager"))]
        );
        assert!(d
            .explain()
            .contains("Cloudinary signed: folder=a&tags=x&timestamp=1700000000"));
    }

    #[test]
    fn values_written_differently_and_escaping() {
        let signed = params(&[
            ("context", "a=1|b=2"),
            ("public_id", "x&y"),
            ("timestamp", "1700000000"),
        ]);
        let error = "Invalid Signature abc. String to sign - 'context=a=1|b=3&public_id=x&y&timestamp=1700000000'.";
        let d = diagnose(&signed, &inputs(error));
        assert_eq!(
            kinds(&d),
            vec![
                ("value_differs", Some("context")),
                ("escaping", Some("public_id"))
            ]
        );
    }

    #[test]
    fn same_string_tells_secret_from_algorithm() {
        let signed = params(&[("timestamp", "1700000000")]);
        let good = SignatureAlgorithm::Sha1.hex(b"timestamp=1700000000right");
        let wrong = SignatureAlgorithm::Sha1.hex(b"timestamp=1700000000other");
        let error = format!("Invalid Signature {wrong}. String to sign - 'timestamp=1700000000'.");
        let with_secret = Inputs {
            api_secret: Some("right"),
            ..inputs(&error)
        };
        assert_eq!(
            kinds(&diagnose(&signed, &with_secret)),
            vec![("wrong_secret", None)]
        );
        // Right for the secret given, refused anyway: the configured secret is not the account's.
        let error = format!("Invalid Signature {good}. String to sign - 'timestamp=1700000000'.");
        let d = diagnose(
            &signed,
            &Inputs {
                api_secret: Some("right"),
                ..inputs(&error)
            },
        );
        assert_eq!(kinds(&d), vec![("wrong_secret", None)]);
        assert!(d.findings[0].message.contains("configured here"));
        let sha256 = SignatureAlgorithm::Sha256.hex(b"timestamp=1700000000right");
        let error = format!("Invalid Signature {sha256}. String to sign - 'timestamp=1700000000'.");
        let with_secret_256 = Inputs {
            api_secret: Some("right"),
            ..inputs(&error)
        };
        assert_eq!(
            kinds(&diagnose(&signed, &with_secret_256)),
            vec![("wrong_algorithm", None)]
        );
        // Without the secret (a browser) a sha256 signature is no evidence of a wrong algorithm.
        assert_eq!(
            kinds(&diagnose(&signed, &inputs(&error))),
            vec![("same_string", None)]
        );
        let d = diagnose(&signed, &with_secret);
        assert!(
            !format!("{d:?}").contains("right"),
            "the secret never appears"
        );
        assert!(!d.explain().contains("right"));
    }

    #[test]
    fn timestamps_and_never_signed_params() {
        let signed = params(&[("timestamp", "1699990000"), ("api_key", "123")]);
        let d = diagnose(&signed, &inputs("Stale request - reported time is 2023-11-14T19:33:20Z which is more than 1 hour ago"));
        assert_eq!(
            kinds(&d),
            vec![
                ("never_signed", Some("api_key")),
                ("stale_timestamp", Some("timestamp"))
            ]
        );
        let d = diagnose(&params(&[("timestamp", "1700009000")]), &inputs(""));
        assert_eq!(kinds(&d), vec![("future_timestamp", Some("timestamp"))]);
        let d = diagnose(&params(&[("folder", "a")]), &inputs(""));
        assert_eq!(kinds(&d), vec![("missing_timestamp", Some("timestamp"))]);
    }
}
