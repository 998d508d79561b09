//! The emulator's multipart form reader on arbitrary bodies (with a fixed boundary, and with the
//! fuzzer's own content type): a form or a 4xx, never a panic, and nothing written outside its store.
#![no_main]
use axum::body::Body;
use axum::http::Request;
use cirrus_emulator::{request::read_form, store::Store};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

struct Env {
    runtime: tokio::runtime::Runtime,
    store: Store,
    _dir: tempfile::TempDir,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("store");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        Env { runtime, store, _dir: dir }
    })
}

fuzz_target!(|input: (bool, &str, &[u8])| {
    let (fixed, content_type, body) = input;
    let content_type = if fixed { "multipart/form-data; boundary=X" } else { content_type };
    let Ok(request) = Request::builder()
        .method("POST")
        .header("content-type", content_type)
        .body(Body::from(body.to_vec()))
    else {
        return;
    };
    let env = env();
    if let Ok(form) = env.runtime.block_on(read_form(request, &env.store, 1 << 20, None)) {
        if let Some(file) = form.file {
            assert!(file.path.starts_with(env._dir.path()), "file part outside the store: {:?}", file.path);
            let _ = std::fs::remove_file(&file.path);
        }
    }
});
