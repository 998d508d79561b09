//! The emulator's delivery-path and transformation parsers on arbitrary paths: a parse or an error
//! response, never a panic.
#![no_main]
use cirrus_emulator::{delivery::parse_path, transform};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|path: &str| {
    if let Ok(parsed) = parse_path(path) {
        assert!(!parsed.source.is_empty());
        let _ = transform::parse(&parsed.transformation);
    }
    let _ = transform::parse(path);
});
