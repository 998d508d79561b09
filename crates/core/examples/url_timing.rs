//! Times `api::url` on one simple call, without any JavaScript (for profiling the core alone).
use cirrus_core::{api, Map, Value};
use std::time::Instant;

fn main() {
    let mut m = Map::new();
    m.set("cloud_name".to_string(), Value::String("demo".into()));
    m.set("width".to_string(), Value::Number(300.0));
    m.set("height".to_string(), Value::Number(200.0));
    m.set("crop".to_string(), Value::String("fill".into()));
    m.set("gravity".to_string(), Value::String("face".into()));
    let options = Value::Object(m);
    let id = Value::String("sample".into());
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let t = Instant::now();
    let mut total = 0;
    for _ in 0..n {
        total += api::url(&id, &options, cirrus_core::time::Now::At(0.0)).map_or(0, |s| s.len());
    }
    println!(
        "{} ns per call ({total})",
        t.elapsed().as_nanos() / n as u128
    );
    // The same with no transformation at all: the fixed cost of the path.
    let mut bare = Map::new();
    bare.set("cloud_name".to_string(), Value::String("demo".into()));
    let bare = Value::Object(bare);
    let t = Instant::now();
    for _ in 0..n {
        total += api::url(&id, &bare, cirrus_core::time::Now::At(0.0)).map_or(0, |s| s.len());
    }
    println!(
        "{} ns per call without a transformation ({total})",
        t.elapsed().as_nanos() / n as u128
    );
}
