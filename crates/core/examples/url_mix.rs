//! Runs `api::url` over the whole url conformance mix (tests/vectors/url.json), for profiling the core
//! without JavaScript: `cargo run --release -p cirrus-core --example url_mix [rounds]`.
use cirrus_core::{api, json, Value};
use std::time::Instant;

fn main() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/url.json"
    ))
    .expect("tests/vectors/url.json");
    let vectors = json::parse(&text).expect("valid JSON");
    let cases: Vec<(Value, Value, f64)> = match vectors.get("cases") {
        Value::Array(items) => items
            .iter()
            .filter(|c| matches!(c.get("expected"), Value::String(_)))
            .map(|c| {
                let args = c.get("args");
                let now = match c.get("now_ms") {
                    Value::Number(n) => *n,
                    _ => 0.0,
                };
                let arg = |i: usize| match args {
                    Value::Array(a) => a.get(i).cloned().unwrap_or_default(),
                    _ => Value::Undefined,
                };
                (arg(0), arg(1), now)
            })
            .collect(),
        _ => Vec::new(),
    };
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let t = Instant::now();
    let mut total = 0;
    for _ in 0..rounds {
        for (id, options, now) in &cases {
            total += api::url(id, options, cirrus_core::time::Now::At(*now)).map_or(0, |s| s.len());
        }
    }
    let calls = rounds * cases.len();
    println!(
        "{} calls, {} ns per call ({total})",
        calls,
        t.elapsed().as_nanos() / calls as u128
    );
}
