//! Inputs the fuzzers found (fuzz/regressions/*.json), replayed on stable: each must give a result or a
//! coded error, never a panic. The Node and wasm suites replay the same files through the bindings.
use cirrus_core::{chunks, json, parse_cloudinary_url, Value};

fn inputs(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/../../fuzz/regressions/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match json::parse(&text).expect("valid JSON").get("inputs") {
        Value::Array(items) => items.clone(),
        _ => panic!("{path}: no inputs"),
    }
}

#[test]
fn cloudinary_url_inputs_are_errors_not_panics() {
    for input in inputs("cloudinary_url") {
        let text = input.as_str().expect("string input");
        assert!(parse_cloudinary_url(text).is_err(), "{text:?} parsed");
    }
}

#[test]
fn chunk_plan_inputs_are_refused_not_allocated() {
    for input in inputs("chunk_plan") {
        let pair = input.as_array().expect("[total, size]");
        let n = |i: usize| match pair.get(i) {
            Some(Value::Number(n)) => *n as u64,
            _ => panic!("bad pair"),
        };
        assert!(chunks::plan(n(0), n(1)).is_err());
    }
}
