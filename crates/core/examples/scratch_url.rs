use cirrus_core::{api, json, Value};
fn main() {
    let text = r#"{"cloud_name":"demo","width":300,"height":200,"crop":"fill","gravity":"auto"}"#;
    let id = Value::from("sample");
    let n = 3_000_000;
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            api::url_owned(&id, json::parse(std::hint::black_box(text)).unwrap(), 0.0).unwrap(),
        );
    }
    println!("url simple {:?}", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(json::parse(std::hint::black_box(text)).unwrap());
    }
    println!("parse {:?}", t.elapsed() / n);
}
