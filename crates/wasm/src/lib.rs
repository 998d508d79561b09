//! The cirrus browser package: thin wasm-bindgen adapters over `cirrus_core::api`.
//!
//! Every export converts its arguments to core values, calls core and converts the result back. Errors
//! are JS `Error`s whose `code` is the core's stable code. Functions that depend on the time take an
//! optional trailing `nowMs` (defaults to `Date.now()`) so results can be pinned.
//!
//! The browser modules (no `full` feature; `browser` for cirrus-browser.wasm, nothing for the url
//! module cirrus-url.wasm: see Cargo.toml) link no `std`: their panics abort without formatting anything,
//! so neither std's panic machinery nor the message formatting is in them.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "full")), no_std)]
#![deny(missing_docs)]

extern crate alloc;

mod convert;
pub mod generated;
mod js;
#[cfg(all(target_arch = "wasm32", not(feature = "full")))]
mod size_classes;

#[cfg(feature = "browser")]
use alloc::borrow::ToOwned;
use alloc::string::String;
#[cfg(feature = "browser")]
use cirrus_core::Value;
use cirrus_core::{api, Error};
#[cfg(feature = "browser")]
use convert::write_value;
use convert::{js_error, read_value};
use wasm_bindgen::prelude::*;

/// A panic (a bug: inputs are checked) in the browser build traps, which wasm-bindgen's glue reports as
/// a `RuntimeError`; the full build keeps std's handler.
#[cfg(all(target_arch = "wasm32", not(feature = "full")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

// The browser build trades dlmalloc (~7 KB) for size classes (~0.5 KB); see size_classes.rs.
#[cfg(all(target_arch = "wasm32", not(feature = "full")))]
#[global_allocator]
static ALLOCATOR: size_classes::SizeClasses = size_classes::SizeClasses::new();

type JsResult<T> = Result<T, JsValue>;

fn run<T>(f: impl FnOnce() -> Result<T, Error>) -> JsResult<T> {
    f().map_err(js_error)
}

#[wasm_bindgen]
extern "C" {
    /// JavaScript's own `String(n)`: the algorithm the SDK's output comes from.
    #[wasm_bindgen(js_name = String)]
    fn js_number_string(n: f64) -> String;
}

fn write_js_number(n: f64, out: &mut String) {
    out.push_str(&js_number_string(n));
}

/// Runs when the module is instantiated: numbers that are not whole are written by the host, so neither
/// build carries ryu's tables.
#[wasm_bindgen(start)]
pub fn start() {
    cirrus_core::value::set_number_formatter(write_js_number);
}

/// The optional trailing `nowMs`: a number, or `Date.now()` when absent, called only if the call needs
/// the time. (Taken as a JsValue: a typed parameter would let wasm-bindgen's glue throw an uncoded
/// TypeError for, say, a Symbol.)
pub(crate) fn now_arg(given: &JsValue) -> Result<cirrus_core::time::Now, Error> {
    api::now_arg(&read_value(given, "nowMs")?, js::date_now)
}

/// A numeric argument.
#[cfg(feature = "browser")]
fn number_arg(v: &JsValue, what: &str) -> Result<f64, Error> {
    v.as_f64()
        .ok_or_else(|| Error::invalid_argument([what, " must be a number"].concat()))
}

/// The stable code of a failed call's HTTP status and whether to retry it: `{ code, retryable }`.
#[cfg(feature = "browser")]
#[wasm_bindgen(js_name = classifyStatus)]
pub fn classify_status(status: JsValue, upload: JsValue) -> JsResult<JsValue> {
    let status = run(|| number_arg(&status, "status"))?;
    let status = if (0.0..=999.0).contains(&status) {
        status as u16
    } else {
        0
    };
    let (code, retryable) = cirrus_core::http_status::classify(status, upload.is_truthy());
    let mut m = cirrus_core::Map::new();
    m.set("code", code.as_str().into());
    m.set("retryable", retryable.into());
    Ok(write_value(&Value::Object(m)))
}

/// After a failed upload request, the core's retry decision (the one the Node transport follows): the
/// wait in ms before sending it again, or the text the error's message gains when it is given up (maybe
/// empty). `status`: the HTTP status, `0` when the request went out and no answer came, `-1` when it was
/// never sent (`sign()` failed). `retries` may be `Infinity`. Whether the request may be sent twice is
/// the core's rule, from whether the public_id is fixed and whether it is a chunk but the last. (Plain
/// numbers and booleans, for the upload code only: the browser module stays small.)
#[cfg(feature = "browser")]
#[wasm_bindgen(js_name = retryDecision)]
pub fn retry_decision(
    status: f64,
    retries_done: f64,
    retries: f64,
    retry_delay: f64,
    fixed_public_id: bool,
    chunk_but_last: bool,
    jitter: f64,
) -> JsValue {
    use cirrus_core::retry::{decide, upload_idempotent, Decision, Failure, Outcome, Policy};
    let outcome = match status {
        s if s < 0.0 => Outcome::NotSent,
        s if (1.0..=999.0).contains(&s) => Outcome::Status(s as u16),
        _ => Outcome::NoAnswer,
    };
    // Float-to-int casts saturate: `Infinity` retries are u32::MAX of them, NaN none. Waits stop
    // doubling at the core's cap, whatever `retryDelay` (a timer past 2^31 ms would fire at once).
    let policy = Policy {
        retries: retries as u32,
        base_delay_ms: retry_delay as u64,
        ..Policy::default()
    };
    let failure = Failure {
        outcome,
        retries_done: retries_done as u32,
        idempotent: upload_idempotent(fixed_public_id, chunk_but_last),
        // The page does not read Retry-After (a cross-origin answer shows it only if the server exposes
        // it): the floor after a rate limit applies.
        retry_after_ms: None,
        elapsed_ms: 0,
    };
    match decide(&policy, &failure, jitter) {
        Decision::Retry { wait_ms } => JsValue::from_f64(wait_ms as f64),
        Decision::Stop(stop) => JsValue::from_str(stop.note()),
    }
}

/// Whether an upload request may be sent twice: the core's rule (see `retryDecision`), which the upload
/// code also asks before a request, to know whether a pause may abort it.
#[cfg(feature = "browser")]
#[wasm_bindgen(js_name = uploadIdempotent)]
pub fn upload_idempotent(fixed_public_id: bool, chunk_but_last: bool) -> bool {
    cirrus_core::retry::upload_idempotent(fixed_public_id, chunk_but_last)
}

/// Chunks for a chunked upload of `total` bytes: `[[start, end], ...]` (inclusive ends).
#[cfg(feature = "browser")]
#[wasm_bindgen(js_name = planChunks)]
pub fn plan_chunks(total: JsValue, chunk_size: JsValue) -> JsResult<JsValue> {
    let plan = run(|| {
        let total = number_arg(&total, "total")?;
        let size = number_arg(&chunk_size, "chunkSize")?;
        cirrus_core::chunks::plan(total.max(0.0) as u64, size.max(1.0) as u64)
    })?;
    // The pairs written straight into JS arrays (no core values first: the browser module stays small).
    let pairs = js::JsArray::new();
    for c in &plan {
        let pair = js::JsArray::new();
        pair.push(&JsValue::from_f64(c.start as f64));
        pair.push(&JsValue::from_f64(c.end as f64));
        pairs.push(&pair);
    }
    Ok(pairs.into())
}

/// A client bound to one account's config. Its secrets stay in wasm memory: `JSON.stringify` shows a
/// redacted config. (In a browser, give it only what is public: cloud_name and URL settings.)
#[cfg(feature = "browser")]
#[wasm_bindgen]
pub struct Cloudinary {
    inner: api::Client,
}

#[cfg(feature = "browser")]
#[wasm_bindgen]
impl Cloudinary {
    /// From a config object (`{ cloud_name, ... }`) or a `CLOUDINARY_URL` string.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<Cloudinary> {
        run(|| {
            Ok(Cloudinary {
                inner: api::Client::new(&read_value(&config, "config")?)?,
            })
        })
    }

    /// The configured cloud name.
    #[wasm_bindgen(getter, js_name = cloudName)]
    pub fn cloud_name(&self) -> Option<String> {
        self.inner.cloud_name().map(str::to_owned)
    }

    /// The config with secrets replaced by `[REDACTED]`.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        write_value(&self.inner.redacted_config())
    }
}
