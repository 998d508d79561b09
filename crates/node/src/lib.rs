//! The cirrus Node addon: thin napi-rs adapters over `cirrus_core::api`.
//!
//! Every export converts its arguments to core values, calls core inside a panic guard, and converts the
//! result back. Errors become JS `Error`s whose `code` is the core's stable code. Functions that depend
//! on the time take an optional trailing `nowMs` (defaults to the current time) so results can be pinned.
#![deny(missing_docs)]

mod allocator;
mod convert;
pub mod generated;
mod media;
mod raw;
mod sqlite;
mod text;
mod transfer;

use cirrus_core::{api, Error as CoreError, ErrorCode, Value};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use std::panic::{catch_unwind, AssertUnwindSafe};

// The addon's own allocations go to mimalloc (see allocator.rs).
#[global_allocator]
static ALLOCATOR: allocator::Mimalloc = allocator::Mimalloc;

/// Errors carry the registry's stable code as their status, which napi-rs exposes as `err.code`.
/// (Spelled `Result<T, Code>` in signatures: napi-derive recognises results by that name.)
pub(crate) type Code = ErrorCode;

/// A core result.
type CoreResult<T> = std::result::Result<T, CoreError>;

pub(crate) fn js_error(e: CoreError) -> napi::Error<Code> {
    napi::Error::new(e.code, e.message)
}

/// napi itself failed (creating a promise or a threadsafe function): `INTERNAL`.
pub(crate) fn napi_failure(e: napi::Error) -> napi::Error<Code> {
    napi::Error::new(ErrorCode::Internal, e.reason)
}

/// Runs core code, turning core errors and panics (bugs) into coded JS errors.
pub(crate) fn guard<T>(f: impl FnOnce() -> CoreResult<T>) -> Result<T, Code> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(js_error(e)),
        Err(_) => Err(js_error(panicked())),
    }
}

/// What a caught panic (a bug) is thrown as.
pub(crate) fn panicked() -> CoreError {
    CoreError::new(
        ErrorCode::Internal,
        "internal error in cirrus (please report it)",
    )
}

/// The names flat text may give as a one-byte id (`cirrus_core::flat::key_names`): npm/node/flat-bytes.cjs
/// takes them when it loads, so the ids are declared once, in the core.
#[napi(skip_typescript)]
pub fn flat_key_names() -> Vec<&'static str> {
    cirrus_core::flat::key_names().to_vec()
}

/// Registers what is not generated: `urlJson`, url()'s text twin, a plain N-API callback (crate::raw;
/// scripts/exports/table.mjs marks it `rawTwin`).
#[napi(module_exports)]
pub fn register_raw(mut exports: Object, env: Env) -> napi::Result<()> {
    let mut function = std::ptr::null_mut();
    let name = "urlJson";
    // SAFETY: the env and exports of the module's registration; the name is its length in bytes.
    let status = unsafe {
        sys::napi_create_function(
            env.raw(),
            name.as_ptr().cast(),
            name.len() as isize,
            Some(raw::url_json),
            std::ptr::null_mut(),
            &mut function,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_status(napi::Status::from(status)));
    }
    // SAFETY: `function` was just created in this env.
    exports.set_named_property(name, unsafe {
        Unknown::from_raw_unchecked(env.raw(), function)
    })
}

/// Upload options without the client's account keys (those sign the request; they are not params).
fn upload_options(merged: &cirrus_core::Map) -> cirrus_core::Map {
    const ACCOUNT: &[&str] = &[
        "cloud_name",
        "api_key",
        "api_secret",
        "upload_prefix",
        "api_proxy",
        "secure",
        "cname",
        "private_cdn",
        "secure_distribution",
        "signature_algorithm",
        "signature_version",
        "auth_token",
        "cdn_subdomain",
    ];
    let mut o = merged.clone();
    o.retain(|k, _| !ACCOUNT.contains(&k));
    o
}

/// A core value on its way back to JavaScript.
pub struct JsOut(Value);

impl ToNapiValue for JsOut {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        unsafe { convert::write_value(env, &val.0) }
            .map_err(|e| napi::Error::from_reason(e.message))
    }
}

/// A core value on its way back as JSON text where that is exact (`Value::to_json_exact`), else as a
/// value: the fast-path twins return it and the JS wrapper parses a string (npm/node/fast-args.cjs
/// `fromJsonOut`). One string and a `JSON.parse` cost a fraction of building an object through N-API
/// property by property.
pub struct JsonOut(api::Answer);

impl From<Value> for JsonOut {
    fn from(value: Value) -> Self {
        JsonOut(api::Answer::Value(value))
    }
}

impl From<api::Answer> for JsonOut {
    fn from(answer: api::Answer) -> Self {
        JsonOut(answer)
    }
}

impl ToNapiValue for JsonOut {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let value = match val.0 {
            api::Answer::Json(text) => return unsafe { String::to_napi_value(env, text) },
            api::Answer::Value(value) => value,
        };
        match value.to_json_exact() {
            Some(text) => unsafe { String::to_napi_value(env, text) },
            None => unsafe { JsOut::to_napi_value(env, JsOut(value)) },
        }
    }
}

pub(crate) fn read(env: &Env, v: &Unknown, what: &str) -> CoreResult<Value> {
    unsafe { convert::read_value(env.raw(), v.raw(), what) }
}

/// The current time in Unix milliseconds.
fn clock_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// The optional trailing `nowMs` argument: a number, or the clock (read only if the call needs it).
pub(crate) fn now_arg(env: &Env, now: &Unknown) -> CoreResult<cirrus_core::time::Now> {
    api::now_arg(&read(env, now, "nowMs")?, clock_ms)
}

/// An owner id as one folder segment (what `MediaService` and the signing controller put in public ids):
/// letters, digits and `-` stay, every other byte becomes `_XX`, so no owner id can name another's folder.
#[napi]
pub fn encode_owner(owner: String) -> String {
    cirrus_media::encode_owner(&owner)
}

/// What a file is, from its first bytes (never from a client's mimetype or extension):
/// `{ format, mime, resource_type }`, or null when unrecognised.
#[napi(
    ts_args_type = "head: Buffer",
    ts_return_type = "{ format: string, mime: string, resource_type: string } | null"
)]
pub fn sniff_format(env: Env, head: Unknown) -> Result<JsOut, Code> {
    // SAFETY: both handles belong to this call.
    let head = unsafe { Buffer::from_napi_value(env.raw(), head.raw()) }
        .map_err(|_| js_error(CoreError::invalid_argument("head must be a Buffer")))?;
    Ok(JsOut(match cirrus_core::sniff::sniff(&head) {
        Some(k) => {
            let mut m = cirrus_core::Map::new();
            m.set("format", k.format.into());
            m.set("mime", k.mime.into());
            m.set("resource_type", k.resource_type.into());
            Value::Object(m)
        }
        None => Value::Null,
    }))
}

/// A client bound to one account's config: several can live in one process. Its secrets stay in Rust:
/// `JSON.stringify` and `util.inspect` show a redacted config.
#[napi]
pub struct Cloudinary {
    inner: api::Client,
    transport: std::sync::OnceLock<std::sync::Arc<cirrus_transport::Transport>>,
}

impl Cloudinary {
    fn with(inner: api::Client) -> Self {
        Cloudinary {
            inner,
            transport: std::sync::OnceLock::new(),
        }
    }

    /// The account config (for the media service's delivery URLs and signing).
    fn account(&self) -> cirrus_core::Map {
        self.inner.config().values().clone()
    }

    /// The HTTP transport, created on first use (it honours the config's `api_proxy`).
    fn transport(
        &self,
    ) -> std::result::Result<
        std::sync::Arc<cirrus_transport::Transport>,
        cirrus_transport::TransportError,
    > {
        if let Some(t) = self.transport.get() {
            return Ok(t.clone());
        }
        let config = self.inner.config().values();
        let proxy = config
            .get("api_proxy")
            .as_str()
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let t = std::sync::Arc::new(cirrus_transport::Transport::new(
            config,
            cirrus_transport::TransportOptions {
                proxy,
                ..Default::default()
            },
        )?);
        Ok(self.transport.get_or_init(|| t).clone())
    }
}

/// A JavaScript Buffer as the owner of `Bytes` (napi-rs releases its reference on the JS thread).
struct JsBytes(Buffer);

impl AsRef<[u8]> for JsBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn transport_error(e: cirrus_transport::TransportError) -> napi::Error<Code> {
    napi::Error::new(e.code, e.message)
}

/// Arguments of an Upload API call on a `Cloudinary` (its action and values).
enum ApiCall {
    Destroy(String),
    Rename(String, String),
    Explicit(String),
    Resource(String),
    Resources,
}

#[napi]
impl Cloudinary {
    /// Starts an upload (`kind`: `path`, `bytes`, `stream` or `remote`). Used by `upload()` and `uploadStream()`.
    #[napi(
        ts_args_type = "kind: 'path' | 'bytes' | 'stream' | 'remote', source: string | Buffer | null | undefined, options?: Record<string, unknown>, onProgress?: (progress: [loaded: number, total: number]) => void, nowMs?: number"
    )]
    pub fn start_upload(
        &self,
        env: Env,
        kind: String,
        source: Option<Either<String, Buffer>>,
        options: Unknown,
        on_progress: Option<Function<(f64, f64), ()>>,
        now: Unknown,
    ) -> Result<transfer::UploadTask, Code> {
        let options = guard(|| read(&env, &options, "options"))?;
        let options = match self.inner.options(&options) {
            Ok(Value::Object(m)) => m,
            Ok(_) => cirrus_core::Map::new(),
            Err(e) => return Err(js_error(e)),
        };
        let progress = match on_progress {
            Some(f) => Some(
                f.build_threadsafe_function::<(f64, f64)>()
                    .callee_handled::<false>()
                    .build()
                    .map_err(napi_failure)?,
            ),
            None => None,
        };
        let (text, bytes) = match source {
            Some(Either::A(s)) => (Some(s), None),
            // Read in place, not copied: the Buffer stays referenced until its last request is done, so
            // a thousand uploads at once hold no second copy of their files (the caller must not modify
            // or transfer it meanwhile, as with any upload of a Buffer).
            Some(Either::B(b)) => (None, Some(bytes::Bytes::from_owner(JsBytes(b)))),
            None => (None, None),
        };
        let now = guard(|| now_arg(&env, &now))?.ms();
        let transport = self.transport().map_err(transport_error)?;
        transfer::start_upload(
            transport,
            &kind,
            text,
            bytes,
            &upload_options(&options),
            now,
            progress,
        )
        .map_err(transport_error)
    }

    /// `destroy(publicId, options)`: resolves to an envelope (see `UploadTask#result`).
    #[napi(
        ts_args_type = "publicId: string, options?: Record<string, unknown>",
        ts_return_type = "Promise<any>"
    )]
    pub fn destroy_raw<'env>(
        &self,
        env: &'env Env,
        public_id: String,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, JsOut>, Code> {
        self.api_call(env, ApiCall::Destroy(public_id), options)
    }

    /// `rename(from, to, options)`: resolves to an envelope.
    #[napi(
        ts_args_type = "fromPublicId: string, toPublicId: string, options?: Record<string, unknown>",
        ts_return_type = "Promise<any>"
    )]
    pub fn rename_raw<'env>(
        &self,
        env: &'env Env,
        from: String,
        to: String,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, JsOut>, Code> {
        self.api_call(env, ApiCall::Rename(from, to), options)
    }

    /// `explicit(publicId, options)`: resolves to an envelope.
    #[napi(
        ts_args_type = "publicId: string, options?: Record<string, unknown>",
        ts_return_type = "Promise<any>"
    )]
    pub fn explicit_raw<'env>(
        &self,
        env: &'env Env,
        public_id: String,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, JsOut>, Code> {
        self.api_call(env, ApiCall::Explicit(public_id), options)
    }

    /// `resource(publicId, options)` (Admin API): resolves to an envelope.
    #[napi(
        ts_args_type = "publicId: string, options?: { resource_type?: 'image' | 'video' | 'raw', type?: 'upload' | 'private' | 'authenticated', timeout?: number, retries?: number }",
        ts_return_type = "Promise<any>"
    )]
    pub fn resource_raw<'env>(
        &self,
        env: &'env Env,
        public_id: String,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, JsOut>, Code> {
        self.api_call(env, ApiCall::Resource(public_id), options)
    }

    /// `resources(options)` (Admin API listing, one page): resolves to an envelope.
    #[napi(
        ts_args_type = "options?: { resource_type?: 'image' | 'video' | 'raw', type?: 'upload' | 'private' | 'authenticated', prefix?: string, max_results?: number, next_cursor?: string, timeout?: number, retries?: number }",
        ts_return_type = "Promise<any>"
    )]
    pub fn resources_raw<'env>(
        &self,
        env: &'env Env,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, JsOut>, Code> {
        self.api_call(env, ApiCall::Resources, options)
    }

    fn api_call<'env>(
        &self,
        env: &'env Env,
        call: ApiCall,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, JsOut>, Code> {
        let options = match guard(|| read(env, &options, "options"))? {
            Value::Object(m) => m,
            _ => cirrus_core::Map::new(),
        };
        let transport = self.transport().map_err(transport_error)?;
        let now = clock_ms();
        env.spawn_future(async move {
            let cancel = cirrus_transport::CancellationToken::new();
            let outcome = match call {
                ApiCall::Destroy(id) => transport.destroy(&id, &options, &cancel).await,
                ApiCall::Rename(from, to) => transport.rename(&from, &to, &options, &cancel).await,
                ApiCall::Explicit(id) => transport.explicit(&id, &options, now, &cancel).await,
                ApiCall::Resource(id) => transport.resource(&id, &options, &cancel).await,
                ApiCall::Resources => transport.resources(&options, &cancel).await,
            };
            Ok(JsOut(match outcome {
                Ok(v) => transfer::success(v, None),
                Err(e) => transfer::failure(&e),
            }))
        })
        .map_err(napi_failure)
    }

    /// From a config object (`{ cloud_name, api_key, api_secret, ... }`) or a `CLOUDINARY_URL` string.
    #[napi(constructor, ts_args_type = "config: CloudinaryConfig | string")]
    pub fn new(env: Env, config: Unknown) -> Result<Self, Code> {
        guard(|| {
            Ok(Cloudinary::with(api::Client::new(&read(
                &env, &config, "config",
            )?)?))
        })
    }

    /// From the `CLOUDINARY_URL` environment variable.
    #[napi(factory)]
    pub fn from_env() -> Result<Self, Code> {
        guard(|| {
            let url = std::env::var("CLOUDINARY_URL").map_err(|_| {
                CoreError::new(ErrorCode::MissingOption, "CLOUDINARY_URL is not set")
            })?;
            Ok(Cloudinary::with(api::Client::new(&Value::String(url))?))
        })
    }

    /// The configured cloud name.
    #[napi(getter)]
    pub fn cloud_name(&self) -> Option<String> {
        self.inner.cloud_name().map(str::to_owned)
    }

    /// The config with secrets replaced by `[REDACTED]`.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsOut {
        JsOut(self.inner.redacted_config())
    }
}
