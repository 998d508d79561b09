use cirrus_core::{json, transformation, upload_params, Value};
fn main() {
    let v = json::parse(r#"{"public_id":"folder/sample","tags":["a","b"],"context":{"alt":"x"},"eager":[{"width":200,"crop":"fill"}],"timestamp":1700000000,"overwrite":true}"#).unwrap();
    let m = v.as_object().unwrap().clone();
    let n = 1_000_000;
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            upload_params::build_upload_params(std::hint::black_box(&m), 0.0).unwrap(),
        );
    }
    println!("build {:?}", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            transformation::generate(&Value::Object(std::hint::black_box(&m).clone())).unwrap(),
        );
    }
    println!("generate(options) {:?}", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(std::hint::black_box(&m).clone());
    }
    println!("clone {:?}", t.elapsed() / n);
    let e = json::parse(r#"[{"width":200,"crop":"fill"}]"#).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(upload_params::build_eager(std::hint::black_box(&e)).unwrap());
    }
    println!("eager {:?}", t.elapsed() / n);
    let t = std::time::Instant::now();
    let text = r#"{"public_id":"folder/sample","tags":["a","b"],"context":{"alt":"x"},"eager":[{"width":200,"crop":"fill"}],"timestamp":1700000000,"overwrite":true}"#;
    for _ in 0..n {
        std::hint::black_box(json::parse(std::hint::black_box(text)).unwrap());
    }
    println!("json parse {:?}", t.elapsed() / n);
    let out = upload_params::build_upload_params(&m, 0.0).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(Value::Object(std::hint::black_box(&out).clone()).to_json_exact());
    }
    println!("out json {:?}", t.elapsed() / n);
}
