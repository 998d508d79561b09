//! Runs the shared conformance vectors (tests/vectors/*.json, generated from the official SDK) against core.

use cirrus_core::{
    config, download, generate_auth_token, identifier, signing, upload_params, url, IdentifierPolicy, Map,
    SignatureAlgorithm, SignatureVersion, SigningOptions, Value,
};
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

fn to_map(j: &Json) -> Map {
    match to_value(j) {
        Value::Object(m) => m,
        _ => Map::new(),
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
        (Value::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Value::Object(a), Json::Object(b)) => {
            let defined: Vec<(&str, &Value)> = a.iter().filter(|(_, v)| !matches!(v, Value::Undefined)).collect();
            defined.len() == b.len() && defined.iter().all(|(k, v)| b.get(*k).is_some_and(|e| same(v, e)))
        }
        _ => false,
    }
}

type Outcome = Result<Value, String>;

fn str_arg(args: &[Json], i: usize) -> String {
    to_value(&args[i]).to_js_string()
}

fn identifier_outcome(args: &[Json]) -> Outcome {
    let opts = to_map(&args[2]);
    let list = |k: &str| -> Vec<String> {
        opts.get(k).as_array().map(|a| a.iter().map(Value::to_js_string).collect()).unwrap_or_default()
    };
    let policy = IdentifierPolicy {
        allowed_resource_types: list("allowed_resource_types"),
        allowed_types: list("allowed_types"),
        allowed_formats: list("allowed_formats"),
        algorithm: SignatureAlgorithm::from_option(opts.get("signature_algorithm")).map_err(|e| e.message)?,
    };
    let id = args[0].as_str().unwrap_or_default();
    let secret = args[1].as_str().unwrap_or_default();
    match identifier::verify_identifier(id, secret, &policy) {
        Ok(p) => {
            let mut m = Map::new();
            m.set("resource_type", p.resource_type.into());
            m.set("type", p.kind.into());
            m.set("version", Value::Number(p.version.parse().unwrap_or(f64::NAN)));
            m.set("public_id", p.public_id.into());
            m.set("format", p.format.map_or(Value::Null, Value::from));
            m.set("identifier", p.identifier.into());
            Ok(Value::Object(m))
        }
        Err(e) => Err(e.code.as_str().to_owned()),
    }
}

fn run(area: &str, case: &Json) -> Outcome {
    let args = case["args"].as_array().cloned().unwrap_or_default();
    let now_ms = case["now_ms"].as_f64().unwrap_or(0.0);
    let err = |e: cirrus_core::Error| e.message;
    match area {
        "url" => url(&str_arg(&args, 0), &to_map(&args[1]), now_ms).map(Value::from).map_err(err),
        "api_sign_request" => {
            let alg = SignatureAlgorithm::from_option(&to_value(&args[2])).map_err(err)?;
            let version = SignatureVersion::from_option(&to_value(&args[3]));
            Ok(signing::api_sign_request(&to_map(&args[0]), &str_arg(&args, 1), alg, version).into())
        }
        "sign_request" => {
            let opts = SigningOptions::from_options(&to_map(&args[1])).map_err(err)?;
            Ok(Value::Object(signing::sign_request(&to_map(&args[0]), &opts)))
        }
        "build_upload_params" => {
            upload_params::build_upload_params(&to_map(&args[0]), now_ms).map(Value::Object).map_err(err)
        }
        "verify_identifier" => identifier_outcome(&args),
        "auth_token" => generate_auth_token(&to_map(&args[0]), now_ms).map(Value::from).map_err(err),
        "notification" => {
            let o = to_map(&args[3]);
            let valid_for = match o.get("valid_for") {
                Value::Number(n) => *n,
                _ => 7200.0,
            };
            let now = o.get("now").parse_float();
            let alg = SignatureAlgorithm::from_option(o.get("signature_algorithm")).map_err(err)?;
            Ok(Value::Bool(identifier::verify_notification_signature(
                &str_arg(&args, 0),
                &str_arg(&args, 1),
                &str_arg(&args, 2),
                &o.get("api_secret").to_js_string(),
                valid_for,
                now,
                alg,
            )))
        }
        "download" => match case["fn"].as_str() {
            Some("private_download_url") => {
                download::private_download_url(&to_value(&args[0]), &to_value(&args[1]), &to_map(&args[2]), now_ms)
            }
            Some("download_archive_url") => download::download_archive_url(&to_map(&args[0]), now_ms),
            _ => download::download_zip_url(&to_map(&args[0]), now_ms),
        }
        .map(Value::from)
        .map_err(err),
        "config" => config::parse_cloudinary_url(&str_arg(&args, 0)).map(Value::Object).map_err(err),
        other => panic!("unknown area {other}"),
    }
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
                    case.get("expected").or(case.get("error")).cloned().unwrap_or_default(),
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
    assert!(failures.is_empty(), "{} vector cases failed", failures.len());
}

#[test]
fn deviations_hold() {
    let file = load("deviations.json");
    for d in file["deviations"].as_array().cloned().unwrap_or_default() {
        let ours = run(d["area"].as_str().unwrap_or_default(), &d).expect("deviation case runs");
        let ours = ours.as_str().unwrap_or_default().to_owned();
        assert_eq!(Some(ours.as_str()), d["cirrus"].as_str(), "{}: cirrus value", d["id"]);
        assert_ne!(Some(ours.as_str()), d["sdk"].as_str(), "{}: now matches the SDK again", d["id"]);
    }
}
