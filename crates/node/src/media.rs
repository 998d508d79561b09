//! `MediaService` for Node: the Rust media service with the host's repository bridged in. Each repository
//! method is a JS function returning a promise; Rust calls it through a threadsafe function and awaits the
//! promise (the service applies its timeout).

use crate::transfer::{self, UploadTask};
use crate::{convert, guard, napi_failure, read, Cloudinary, Code, JsOut};
use cirrus_core::{Map, Value};
use cirrus_media::{FileInput, MediaError, RepoResult, Repository, ServiceOptions};
use cirrus_transport::CancellationToken;
use futures_util::future::BoxFuture;
use napi::bindgen_prelude::*;
use napi::sys;
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use std::sync::Arc;

/// A value coming back from a JS promise.
pub struct JsIn(Value);

impl FromNapiValue for JsIn {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        unsafe { convert::read_value(env, value, "the repository's answer") }
            .map(JsIn)
            .map_err(|e| napi::Error::from_reason(e.message))
    }
}

/// Weak: a service holding its repository must not keep the process alive.
type RepoFn = ThreadsafeFunction<JsOut, Promise<JsIn>, JsOut, Status, false, true>;

/// The host's repository: `create`, `findOne`, `remove`, and optionally `update` and `list`.
struct JsRepository {
    create: RepoFn,
    find_one: RepoFn,
    remove: RepoFn,
    update: Option<RepoFn>,
    list: Option<RepoFn>,
}

async fn invoke(f: &RepoFn, arg: Value) -> RepoResult<Value> {
    let promise = f
        .call_async_catch(JsOut(arg))
        .await
        .map_err(|e| e.reason.clone())?;
    promise.await.map(|v| v.0).map_err(|e| e.reason.clone())
}

fn pair(a: Value, b: Value) -> Value {
    Value::Array(vec![a, b])
}

impl Repository for JsRepository {
    fn create(&self, record: Value) -> BoxFuture<'_, RepoResult<Value>> {
        Box::pin(invoke(&self.create, record))
    }
    fn find_one(&self, query: Value) -> BoxFuture<'_, RepoResult<Option<Value>>> {
        Box::pin(async move {
            invoke(&self.find_one, query)
                .await
                .map(|v| (!v.is_nullish()).then_some(v))
        })
    }
    fn remove(&self, id: Value) -> BoxFuture<'_, RepoResult<()>> {
        Box::pin(async move { invoke(&self.remove, id).await.map(|_| ()) })
    }
    fn update(&self, id: Value, patch: Value) -> Option<BoxFuture<'_, RepoResult<Value>>> {
        let f = self.update.as_ref()?;
        Some(Box::pin(invoke(f, pair(id, patch))))
    }
    fn list(&self, query: Value) -> Option<BoxFuture<'_, RepoResult<Vec<Value>>>> {
        let f = self.list.as_ref()?;
        Some(Box::pin(async move {
            match invoke(f, query).await? {
                Value::Array(items) => Ok(items),
                Value::Undefined | Value::Null => Ok(Vec::new()),
                _ => Err("list() must resolve to an array".to_owned()),
            }
        }))
    }
}

fn repo_fn(
    repository: &Object,
    name: &str,
    required: bool,
) -> std::result::Result<Option<RepoFn>, napi::Error<Code>> {
    let f: Option<Function<JsOut, Promise<JsIn>>> = repository.get(name).map_err(|_| {
        napi::Error::new(
            "INVALID_ARGUMENT",
            format!("repository.{name} must be a function"),
        )
    })?;
    match f {
        Some(f) => Ok(Some(
            f.build_threadsafe_function::<JsOut>()
                .callee_handled::<false>()
                .weak::<true>()
                .build()
                .map_err(|e| napi::Error::new("INTERNAL", e.reason))?,
        )),
        None if required => Err(napi::Error::new(
            "INVALID_ARGUMENT",
            format!("the repository needs a {name}() method"),
        )),
        None => Ok(None),
    }
}

fn envelope(result: std::result::Result<Value, MediaError>) -> Value {
    match result {
        Ok(v) => transfer::success(v, None),
        Err(e) => {
            let mut m = Map::new();
            m.set("ok", false.into());
            m.set("error", e.to_value());
            Value::Object(m)
        }
    }
}

/// The media service (see `npm/node/media.cjs` for the JavaScript face).
#[napi(js_name = "NativeMediaService")]
pub struct NativeMediaService {
    inner: Arc<cirrus_media::MediaService>,
}

#[napi]
impl NativeMediaService {
    /// A service over `client`'s account and `repository` (functions returning promises).
    #[napi(
        constructor,
        ts_args_type = "client: Cloudinary, repository: { create: Function, findOne: Function, remove: Function, update?: Function, list?: Function }, options?: Record<string, unknown>"
    )]
    pub fn new(
        env: Env,
        client: &Cloudinary,
        repository: Object,
        options: Unknown,
    ) -> std::result::Result<Self, napi::Error<Code>> {
        let options = guard(|| read(&env, &options, "options"))?;
        let options = ServiceOptions::from_value(&options)
            .map_err(|e| napi::Error::new(e.code, e.message))?;
        let repo = JsRepository {
            create: repo_fn(&repository, "create", true)?
                .ok_or_else(|| napi::Error::new("INVALID_ARGUMENT", "create"))?,
            find_one: repo_fn(&repository, "findOne", true)?
                .ok_or_else(|| napi::Error::new("INVALID_ARGUMENT", "findOne"))?,
            remove: repo_fn(&repository, "remove", true)?
                .ok_or_else(|| napi::Error::new("INVALID_ARGUMENT", "remove"))?,
            update: repo_fn(&repository, "update", false)?,
            list: repo_fn(&repository, "list", false)?,
        };
        let transport = client
            .transport()
            .map_err(|e| napi::Error::new(e.code, e.message))?;
        let account = client.account();
        Ok(NativeMediaService {
            inner: Arc::new(cirrus_media::MediaService::new(
                transport,
                account,
                Arc::new(repo),
                options,
            )),
        })
    }

    /// Starts `createOne`; the task is fed like an upload task for streams.
    #[napi(
        ts_args_type = "kind: 'path' | 'bytes' | 'stream', source: string | Buffer | null | undefined, meta: { originalName?: string, size?: number }, ownerId: string, options?: Record<string, unknown>"
    )]
    pub fn create_one(
        &self,
        env: Env,
        kind: String,
        source: Option<Either<String, Buffer>>,
        meta: Unknown,
        owner_id: String,
        options: Unknown,
    ) -> std::result::Result<UploadTask, napi::Error<Code>> {
        let meta = guard(|| read(&env, &meta, "meta"))?;
        let call = match guard(|| read(&env, &options, "options"))? {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let (text, bytes) = match source {
            Some(Either::A(s)) => (Some(s), None),
            Some(Either::B(b)) => (None, Some(bytes::Bytes::copy_from_slice(&b))),
            None => (None, None),
        };
        let (feed, source) = transfer::source(&kind, text, bytes)
            .map_err(|e| napi::Error::new(e.code, e.message))?;
        let input = FileInput {
            source,
            size: meta.get("size").as_number_u64(),
            original_name: meta.get("originalName").as_str().map(str::to_owned),
        };
        let service = self.inner.clone();
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        Ok(UploadTask::spawn(feed, cancel, async move {
            envelope(service.create_one(input, &owner_id, &call, &token).await)
        }))
    }

    /// `remove(id, ownerId)`, `softRemove`, `restore`: resolve to envelopes.
    #[napi(
        ts_args_type = "action: 'remove' | 'softRemove' | 'restore', id: string | number, ownerId: string",
        ts_return_type = "Promise<any>"
    )]
    pub fn record_action<'env>(
        &self,
        env: &'env Env,
        action: String,
        id: Unknown,
        owner_id: String,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let id = guard(|| read(env, &id, "id"))?;
        let service = self.inner.clone();
        env.spawn_future(async move {
            let result = match action.as_str() {
                "remove" => service.remove(&id, &owner_id).await,
                "softRemove" => service.soft_remove(&id, &owner_id).await,
                "restore" => service.restore(&id, &owner_id).await,
                other => Err(MediaError::new(
                    "INVALID_ARGUMENT",
                    format!("unknown action {other}"),
                )),
            };
            Ok(JsOut(envelope(result)))
        })
        .map_err(napi_failure)
    }

    /// `purge(olderThanIso)` and `reconcile()`: resolve to envelopes with reports.
    #[napi(
        ts_args_type = "action: 'purge' | 'reconcile', olderThan?: string",
        ts_return_type = "Promise<any>"
    )]
    pub fn maintenance<'env>(
        &self,
        env: &'env Env,
        action: String,
        older_than: Option<String>,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let service = self.inner.clone();
        env.spawn_future(async move {
            let result = match action.as_str() {
                "purge" => service.purge(older_than.as_deref().unwrap_or("")).await,
                _ => service.reconcile().await,
            };
            Ok(JsOut(envelope(result)))
        })
        .map_err(napi_failure)
    }

    /// `adopt(identifier, ownerId, requiredPrefix)`: records a direct browser upload; resolves to an envelope.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn adopt<'env>(
        &self,
        env: &'env Env,
        identifier: String,
        owner_id: String,
        required_prefix: String,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let service = self.inner.clone();
        env.spawn_future(async move {
            Ok(JsOut(envelope(
                service
                    .adopt(&identifier, &owner_id, &required_prefix)
                    .await,
            )))
        })
        .map_err(napi_failure)
    }

    /// Assets whose compensating delete failed and that the next `reconcile()` deletes.
    #[napi(ts_return_type = "string[]")]
    pub fn pending_cleanup(&self) -> Vec<String> {
        self.inner
            .pending_cleanup()
            .into_iter()
            .map(|p| p.public_id)
            .collect()
    }
}
