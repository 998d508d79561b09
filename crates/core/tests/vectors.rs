//! Runs the shared conformance vectors (tests/vectors/*.json, generated from the official SDK) against core.

use cirrus_core::{api, Value};
use serde_json::Value as Json;
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn load(name: &str) -> Json {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn to_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(a) => Value::Array(a.iter().map(to_value).collect()),
        Json::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

/// Deep equality with JSON semantics: numbers by value, objects by key set, `undefined` keys absent.
fn same(ours: &Value, expected: &Json) -> bool {
    match (ours, expected) {
        (Value::Null, Json::Null) => true,
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::Number(a), Json::Number(b)) => Some(*a) == b.as_f64(),
        (Value::Number(a), Json::Null) => !a.is_finite(),
        (Value::String(a), Json::String(b)) => a == b,
        (Value::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Json::Object(b)) => {
            let defined: Vec<(&str, &Value)> = a
                .iter()
                .filter(|(_, v)| !matches!(v, Value::Undefined))
                .collect();
            // In the SDK's key order too (serde_json keeps the file's order).
            defined.len() == b.len()
                && defined
                    .iter()
                    .zip(b)
                    .all(|((k, v), (ek, e))| k == ek && same(v, e))
        }
        _ => false,
    }
}

type Outcome = Result<Value, String>;

/// Calls the JS-facing API the way both bindings do; errors are reported by message, identifier errors by code.
fn run(area: &str, case: &Json) -> Outcome {
    let args: Vec<Value> = case["args"]
        .as_array()
        .map(|a| a.iter().map(to_value).collect())
        .unwrap_or_default();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let now = cirrus_core::time::Now::At(case["now_ms"].as_f64().unwrap_or(0.0));
    let result = match area {
        "url" => api::url(&arg(0), &arg(1), now).map(Value::from),
        "api_sign_request" => {
            api::api_sign_request(&arg(0), &arg(1), &arg(2), &arg(3)).map(Value::from)
        }
        "sign_request" => api::sign_request(&arg(0), &arg(1)),
        "build_upload_params" => api::build_upload_params(&arg(0), now),
        "verify_identifier" => {
            return api::verify_identifier(&arg(0), &arg(1), &arg(2))
                .map_err(|e| e.code.as_str().to_owned())
        }
        "auth_token" => api::generate_auth_token(&arg(0), now).map(Value::from),
        "notification" => {
            api::verify_notification_signature(&arg(0), &arg(1), &arg(2), &arg(3), now)
                .map(Value::Bool)
        }
        "download" => match case["fn"].as_str() {
            Some("private_download_url") => {
                api::private_download_url(&arg(0), &arg(1), &arg(2), now)
            }
            Some("download_archive_url") => api::download_archive_url(&arg(0), now),
            _ => api::download_zip_url(&arg(0), now),
        }
        .map(Value::from),
        "config" => api::parse_cloudinary_url(&arg(0)),
        "account_url" => {
            api::Client::new(&arg(0)).and_then(|c| c.url(&arg(1), &arg(2), now).map(Value::from))
        }
        other => panic!("unknown area {other}"),
    };
    result.map_err(|e| e.message)
}

#[test]
fn conformance_vectors() {
    let areas = [
        "url",
        "api_sign_request",
        "sign_request",
        "build_upload_params",
        "verify_identifier",
        "auth_token",
        "notification",
        "download",
        "config",
        "account_url",
    ];
    let mut failures = Vec::new();
    let mut total = 0;
    for area in areas {
        let file = load(&format!("{area}.json"));
        let cases = file["cases"].as_array().cloned().unwrap_or_default();
        let mut passed = 0;
        for case in &cases {
            let outcome = run(area, case);
            let ok = match (&outcome, case.get("expected"), case.get("error")) {
                (Ok(v), Some(e), None) => same(v, e),
                (Err(_), None, Some(_)) if area != "verify_identifier" => true,
                (Err(code), None, Some(e)) => e.as_str() == Some(code.as_str()),
                _ => false,
            };
            if ok {
                passed += 1;
            } else {
                failures.push(format!(
                    "{} args={} expected={} got={:?}",
                    case["id"],
                    case["args"],
                    case.get("expected")
                        .or(case.get("error"))
                        .cloned()
                        .unwrap_or_default(),
                    outcome.map(|v| v.to_json().unwrap_or_default())
                ));
            }
        }
        total += cases.len();
        println!("{area:20} {passed:5}/{:5}", cases.len());
    }
    println!("core vectors: {total} cases, {} failed", failures.len());
    for f in failures.iter().take(40) {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} vector cases failed",
        failures.len()
    );
}

#[test]
fn deviations_hold() {
    let file = load("deviations.json");
    for d in file["deviations"].as_array().cloned().unwrap_or_default() {
        let ours = run(d["area"].as_str().unwrap_or_default(), &d).expect("deviation case runs");
        let ours = ours.as_str().unwrap_or_default().to_owned();
        assert_eq!(
            Some(ours.as_str()),
            d["cirrus"].as_str(),
            "{}: cirrus value",
            d["id"]
        );
        assert_ne!(
            Some(ours.as_str()),
            d["sdk"].as_str(),
            "{}: now matches the SDK again",
            d["id"]
        );
    }
}
