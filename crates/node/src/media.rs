//! `MediaService` for Node: the Rust media lifecycle over either the native SQLite repository or the
//! host's repository bridged in. A host repository method is a JS function returning a promise; Rust
//! calls it through a threadsafe function (its arguments as one array, spread by `npm/node/media.cjs`)
//! and awaits the promise (the service applies its timeout).

use crate::sqlite::SqliteRepository;
use crate::transfer::{self, UploadTask};
use crate::{convert, guard, napi_failure, read, Cloudinary, Code, JsOut};
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};
use cirrus_media::repository_js as js;
use cirrus_media::{
    Claim, CreateOptions, Deleted, FileInput, Inserted, ListQuery, MediaError, MediaRecord, Page,
    Patch, RecordId, RepoResult, Repository, ServiceOptions, State,
};
use cirrus_transport::CancellationToken;
use futures_util::future::BoxFuture;
use napi::bindgen_prelude::*;
use napi::sys;
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use std::sync::Arc;

/// A value coming back from a JS promise.
pub(crate) struct JsIn(Value);

impl FromNapiValue for JsIn {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        unsafe { convert::read_value(env, value, "the repository's answer") }
            .map(JsIn)
            .map_err(|e| napi::Error::from_reason(e.message))
    }
}

/// Weak: a service holding its repository must not keep the process alive.
type RepoFn = ThreadsafeFunction<JsOut, Promise<JsIn>, JsOut, Status, false, true>;

/// The repository contract's methods, by their JS names.
const METHODS: [&str; 7] = [
    "insert",
    "get",
    "findByPublicId",
    "list",
    "update",
    "delete",
    "claim",
];

/// The host's repository (see `crates/media/src/repository.rs` for the contract).
struct JsRepository {
    insert: RepoFn,
    get: RepoFn,
    find_by_public_id: RepoFn,
    list: RepoFn,
    update: RepoFn,
    delete: RepoFn,
    claim: RepoFn,
}

async fn invoke(f: &RepoFn, args: Vec<Value>) -> RepoResult<Value> {
    let promise = f
        .call_async_catch(JsOut(Value::Array(args)))
        .await
        .map_err(|e| e.reason.clone())?;
    promise.await.map(|v| v.0).map_err(|e| e.reason.clone())
}

fn record_or_null(v: Value) -> RepoResult<Option<MediaRecord>> {
    match v {
        Value::Undefined | Value::Null => Ok(None),
        v => MediaRecord::from_value(&v).map(Some),
    }
}

impl Repository for JsRepository {
    fn insert(&self, record: MediaRecord) -> BoxFuture<'_, RepoResult<Inserted>> {
        Box::pin(async move {
            js::inserted_from_value(&invoke(&self.insert, vec![record.to_value()]).await?)
        })
    }
    fn get(&self, id: RecordId) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        Box::pin(async move { record_or_null(invoke(&self.get, vec![id.to_value()]).await?) })
    }
    fn find_by_public_id(
        &self,
        public_id: String,
    ) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        Box::pin(async move {
            record_or_null(invoke(&self.find_by_public_id, vec![public_id.into()]).await?)
        })
    }
    fn list(&self, query: ListQuery) -> BoxFuture<'_, RepoResult<Page>> {
        Box::pin(async move {
            js::page_from_value(&invoke(&self.list, vec![js::list_query_to_value(&query)]).await?)
        })
    }
    fn update(
        &self,
        id: RecordId,
        expect: State,
        patch: Patch,
    ) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        Box::pin(async move {
            let args = vec![id.to_value(), expect.as_str().into(), patch.to_value()];
            record_or_null(invoke(&self.update, args).await?)
        })
    }
    fn delete(&self, id: RecordId, expect: State) -> BoxFuture<'_, RepoResult<bool>> {
        Box::pin(async move {
            let done = invoke(&self.delete, vec![id.to_value(), expect.as_str().into()]).await?;
            Ok(done.truthy())
        })
    }
    fn claim(&self, claim: Claim) -> BoxFuture<'_, RepoResult<Vec<MediaRecord>>> {
        Box::pin(async move {
            match invoke(&self.claim, vec![js::claim_to_value(&claim)]).await? {
                Value::Array(items) => items.iter().map(MediaRecord::from_value).collect(),
                _ => Err("claim() must resolve to an array of records".to_owned()),
            }
        })
    }
}

fn repo_fn(repository: &Object, name: &str) -> std::result::Result<RepoFn, napi::Error<Code>> {
    let f: Option<Function<JsOut, Promise<JsIn>>> = repository.get(name).map_err(|_| {
        napi::Error::new(
            ErrorCode::InvalidArgument,
            format!("repository.{name} must be a function"),
        )
    })?;
    let f = f.ok_or_else(|| {
        napi::Error::new(
            ErrorCode::InvalidArgument,
            format!(
                "the repository needs {name}() (the contract: {})",
                METHODS.join(", ")
            ),
        )
    })?;
    f.build_threadsafe_function::<JsOut>()
        .callee_handled::<false>()
        .weak::<true>()
        .build()
        .map_err(|e| napi::Error::new(ErrorCode::Internal, e.reason))
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

fn media_error(e: MediaError) -> napi::Error<Code> {
    napi::Error::new(e.code, e.message)
}

/// An owner-scoped action on one record.
#[derive(Clone, Copy)]
enum RecordAction {
    Find,
    Remove,
    SoftRemove,
    Restore,
    CancelDirectUpload,
}

impl RecordAction {
    fn parse(name: &str) -> Option<RecordAction> {
        Some(match name {
            "find" => RecordAction::Find,
            "remove" => RecordAction::Remove,
            "softRemove" => RecordAction::SoftRemove,
            "restore" => RecordAction::Restore,
            "cancelDirectUpload" => RecordAction::CancelDirectUpload,
            _ => return None,
        })
    }
}

fn record_id(id: &Value) -> std::result::Result<RecordId, napi::Error<Code>> {
    RecordId::from_value(id).ok_or_else(|| {
        napi::Error::new(
            ErrorCode::InvalidArgument,
            "a record id must be a non-empty string or an integer",
        )
    })
}

/// The media service (see `npm/node/media.cjs` for the JavaScript face).
#[napi(js_name = "NativeMediaService")]
pub struct NativeMediaService {
    inner: Arc<cirrus_media::MediaService>,
}

impl NativeMediaService {
    fn build(
        env: &Env,
        client: &Cloudinary,
        repo: Arc<dyn Repository>,
        options: &Unknown,
    ) -> std::result::Result<Self, napi::Error<Code>> {
        let options = guard(|| read(env, options, "options"))?;
        let options = ServiceOptions::from_value(&options).map_err(media_error)?;
        let transport = client
            .transport()
            .map_err(|e| napi::Error::new(e.code, e.message))?;
        Ok(NativeMediaService {
            inner: Arc::new(cirrus_media::MediaService::new(
                transport,
                client.account(),
                repo,
                options,
            )),
        })
    }

    fn spawn<'env, F>(
        &self,
        env: &'env Env,
        work: impl FnOnce(Arc<cirrus_media::MediaService>) -> F,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>>
    where
        F: std::future::Future<Output = std::result::Result<Value, MediaError>> + Send + 'static,
    {
        let future = work(self.inner.clone());
        env.spawn_future(async move { Ok(JsOut(envelope(future.await))) })
            .map_err(napi_failure)
    }
}

#[napi]
impl NativeMediaService {
    /// A service over `client`'s account and a host repository (functions returning promises).
    #[napi(
        constructor,
        ts_args_type = "client: Cloudinary, repository: Record<'insert' | 'get' | 'findByPublicId' | 'list' | 'update' | 'delete' | 'claim', (...args: any[]) => Promise<any>>, options?: Record<string, unknown>"
    )]
    pub fn new(
        env: Env,
        client: &Cloudinary,
        repository: Object,
        options: Unknown,
    ) -> std::result::Result<Self, napi::Error<Code>> {
        let repo = JsRepository {
            insert: repo_fn(&repository, "insert")?,
            get: repo_fn(&repository, "get")?,
            find_by_public_id: repo_fn(&repository, "findByPublicId")?,
            list: repo_fn(&repository, "list")?,
            update: repo_fn(&repository, "update")?,
            delete: repo_fn(&repository, "delete")?,
            claim: repo_fn(&repository, "claim")?,
        };
        Self::build(&env, client, Arc::new(repo), &options)
    }

    /// A service over the native SQLite repository (no JavaScript in the repository path).
    #[napi(
        factory,
        ts_args_type = "client: Cloudinary, repository: SqliteRepository, options?: Record<string, unknown>"
    )]
    pub fn with_sqlite(
        env: Env,
        client: &Cloudinary,
        repository: &SqliteRepository,
        options: Unknown,
    ) -> std::result::Result<Self, napi::Error<Code>> {
        Self::build(&env, client, Arc::new(repository.inner()), &options)
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
        let call = CreateOptions::from_map(&call).map_err(media_error)?;
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

    /// `find`, `remove`, `softRemove`, `restore`, `cancelDirectUpload` of one owner's record: resolve to
    /// envelopes.
    #[napi(
        ts_args_type = "action: 'find' | 'remove' | 'softRemove' | 'restore' | 'cancelDirectUpload', id: string | number, ownerId: string",
        ts_return_type = "Promise<any>"
    )]
    pub fn record_action<'env>(
        &self,
        env: &'env Env,
        action: String,
        id: Unknown,
        owner_id: String,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let action = RecordAction::parse(&action).ok_or_else(|| {
            napi::Error::new(
                ErrorCode::InvalidArgument,
                format!("unknown record action {action}"),
            )
        })?;
        let id = record_id(&guard(|| read(env, &id, "id"))?)?;
        self.spawn(env, move |service| async move {
            match action {
                RecordAction::Find => service.find(&id, &owner_id).await,
                RecordAction::Remove => service.remove(&id, &owner_id).await,
                RecordAction::SoftRemove => service.soft_remove(&id, &owner_id).await,
                RecordAction::Restore => service.restore(&id, &owner_id).await,
                RecordAction::CancelDirectUpload => {
                    service.cancel_direct_upload(&id, &owner_id).await
                }
            }
        })
    }

    /// One page of an owner's committed records: resolves to an envelope of `{ items, next }`.
    #[napi(
        ts_args_type = "ownerId: string, deleted: 'exclude' | 'include' | 'only', after: string | null | undefined, limit: number",
        ts_return_type = "Promise<any>"
    )]
    pub fn list<'env>(
        &self,
        env: &'env Env,
        owner_id: String,
        deleted: String,
        after: Option<String>,
        limit: u32,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let deleted = match deleted.as_str() {
            "exclude" => Deleted::Exclude,
            "include" => Deleted::Include,
            "only" => Deleted::Only,
            other => {
                return Err(napi::Error::new(
                    ErrorCode::InvalidArgument,
                    format!("deleted must be exclude, include or only, not {other}"),
                ))
            }
        };
        self.spawn(env, move |service| async move {
            service.list_owned(&owner_id, deleted, after, limit).await
        })
    }

    /// Removes what was soft-deleted at or before `olderThan` (ISO 8601): resolves to an envelope.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn purge<'env>(
        &self,
        env: &'env Env,
        older_than: String,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        self.spawn(env, move |service| async move {
            service.purge(&older_than).await
        })
    }

    /// Finishes expired pending and deleting records (at most `max`): resolves to an envelope.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn sweep<'env>(
        &self,
        env: &'env Env,
        max: Option<u32>,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let max = u64::from(max.unwrap_or(10_000));
        self.spawn(env, move |service| async move {
            service.sweep(max).await.map(|r| r.to_value())
        })
    }

    /// The paged drift check: resolves to an envelope of its report.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn reconcile<'env>(
        &self,
        env: &'env Env,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        self.spawn(env, move |service| async move {
            service.reconcile().await.map(|r| r.to_value())
        })
    }

    /// Stores a direct upload's intent and signs its params, or, given the `record_id` of the owner's
    /// unfinished one, signs that again with a renewed lease: resolves to an envelope.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn prepare_direct_upload<'env>(
        &self,
        env: &'env Env,
        owner_id: String,
        now_ms: f64,
        existing_id: Option<Unknown>,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let existing = match existing_id {
            Some(id) => {
                let value = guard(|| read(env, &id, "record_id"))?;
                if value.is_nullish() {
                    None
                } else {
                    Some(record_id(&value)?)
                }
            }
            None => None,
        };
        self.spawn(env, move |service| async move {
            match existing {
                Some(id) => service.resign_direct_upload(&owner_id, &id, now_ms).await,
                None => service.prepare_direct_upload(&owner_id, now_ms).await,
            }
        })
    }

    /// `adopt(identifier, ownerId)`: commits a direct browser upload; resolves to an envelope.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn adopt<'env>(
        &self,
        env: &'env Env,
        identifier: String,
        owner_id: String,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        self.spawn(env, move |service| async move {
            service.adopt(&identifier, &owner_id).await
        })
    }

    /// The folder of an owner's assets (`<folder>/<encoded owner>`).
    #[napi]
    pub fn owner_folder(&self, owner_id: String) -> String {
        cirrus_media::owner_folder(&self.inner.options().folder, &owner_id)
    }
}
