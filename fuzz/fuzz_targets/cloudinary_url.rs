//! `CLOUDINARY_URL` parsing and client construction: never a panic, and the secret never appears in an
//! error message or in the redacted config.
#![no_main]
use cirrus_core::{api::Client, parse_cloudinary_url, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = parse_cloudinary_url(text);
    let with_secret = format!("cloudinary://1234:S3cr3tValue99@{text}");
    match Client::new(&Value::String(with_secret.clone())) {
        Ok(client) => {
            let shown = format!("{:?}", client.redacted_config());
            assert!(!shown.contains("S3cr3tValue99"), "secret in the redacted config: {shown}");
        }
        Err(e) => assert!(!e.message.contains("S3cr3tValue99"), "secret in an error: {}", e.message),
    }
    if let Err(e) = parse_cloudinary_url(&with_secret) {
        assert!(!e.message.contains("S3cr3tValue99"), "secret in an error: {}", e.message);
    }
});
