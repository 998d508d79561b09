//! `SqliteRepository` for Node: the embedded default repository (SQLite compiled into the addon, WAL, one
//! transaction per change, safe for several processes on one file). A `MediaService` given one uses it
//! directly from Rust; its JS methods are the same repository contract, for the contract kit, for
//! reading records, and for hosts that wrap it.

use crate::{guard, read, Code, JsOut};
use cirrus_core::ErrorCode;
use cirrus_core::Value;
use cirrus_media::repository_js as js;
use cirrus_media::{MediaRecord, RecordId, Repository, State};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// The embedded SQLite repository.
#[napi]
pub struct SqliteRepository {
    inner: cirrus_media::SqliteRepository,
    path: String,
}

fn failed(message: String) -> napi::Error<Code> {
    napi::Error::new(ErrorCode::RepositoryFailed, message)
}

fn bad(message: String) -> napi::Error<Code> {
    napi::Error::new(ErrorCode::InvalidArgument, message)
}

fn state(name: &str) -> std::result::Result<State, napi::Error<Code>> {
    State::parse(name).ok_or_else(|| bad(format!("unknown state {name}")))
}

fn id_of(v: &Value) -> std::result::Result<RecordId, napi::Error<Code>> {
    RecordId::from_value(v).ok_or_else(|| bad("a record id must be a string or an integer".into()))
}

fn record_or_null(r: Option<MediaRecord>) -> JsOut {
    JsOut(r.map_or(Value::Null, |r| r.to_value()))
}

impl SqliteRepository {
    /// The Rust repository (shared: clones use the same connection).
    pub(crate) fn inner(&self) -> cirrus_media::SqliteRepository {
        self.inner.clone()
    }

    fn spawn<'env, F>(
        &self,
        env: &'env Env,
        work: F,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>>
    where
        F: std::future::Future<Output = std::result::Result<JsOut, String>> + Send + 'static,
    {
        env.spawn_future(async move { work.await.map_err(napi::Error::from_reason) })
            .map_err(|e| failed(e.reason))
    }
}

#[napi]
impl SqliteRepository {
    /// Opens (or creates) the database at `path` (`:memory:` keeps it in this process only).
    #[napi(factory)]
    pub fn open(path: Option<String>) -> std::result::Result<Self, napi::Error<Code>> {
        let path = path.unwrap_or_else(|| ":memory:".to_owned());
        let inner = cirrus_media::SqliteRepository::open(&path).map_err(failed)?;
        Ok(SqliteRepository { inner, path })
    }

    /// The database file.
    #[napi(getter)]
    pub fn path(&self) -> String {
        self.path.clone()
    }

    /// Inserts a record unless its public_id or `(ownerId, idempotencyKey)` is taken: `{ record, created }`.
    #[napi(ts_return_type = "Promise<{ record: StoredMediaRecord, created: boolean }>")]
    pub fn insert<'env>(
        &self,
        env: &'env Env,
        record: Unknown,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let record =
            MediaRecord::from_value(&guard(|| read(env, &record, "record"))?).map_err(bad)?;
        let repo = self.inner.clone();
        self.spawn(env, async move {
            Ok(JsOut(js::inserted_to_value(&repo.insert(record).await?)))
        })
    }

    /// The record with this id, or null.
    #[napi(ts_return_type = "Promise<StoredMediaRecord | null>")]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let id = id_of(&guard(|| read(env, &id, "id"))?)?;
        let repo = self.inner.clone();
        self.spawn(env, async move { Ok(record_or_null(repo.get(id).await?)) })
    }

    /// The record with this public_id, or null.
    #[napi(ts_return_type = "Promise<StoredMediaRecord | null>")]
    pub fn find_by_public_id<'env>(
        &self,
        env: &'env Env,
        public_id: String,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let repo = self.inner.clone();
        self.spawn(env, async move {
            Ok(record_or_null(repo.find_by_public_id(public_id).await?))
        })
    }

    /// One page of records: `{ items, next }`.
    #[napi(
        ts_args_type = "query?: ListQuery",
        ts_return_type = "Promise<{ items: StoredMediaRecord[], next: string | null }>"
    )]
    pub fn list<'env>(
        &self,
        env: &'env Env,
        query: Unknown,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let query =
            js::list_query_from_value(&guard(|| read(env, &query, "query"))?).map_err(bad)?;
        let repo = self.inner.clone();
        self.spawn(env, async move {
            Ok(JsOut(js::page_to_value(&repo.list(query).await?)))
        })
    }

    /// Applies `patch` if the record is in state `expect`: the updated record, or null.
    #[napi(
        ts_args_type = "id: string | number, expect: MediaState, patch: Partial<StoredMediaRecord>",
        ts_return_type = "Promise<StoredMediaRecord | null>"
    )]
    pub fn update<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        expect: String,
        patch: Unknown,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let id = id_of(&guard(|| read(env, &id, "id"))?)?;
        let expect = state(&expect)?;
        let patch = js::patch_from_value(&guard(|| read(env, &patch, "patch"))?).map_err(bad)?;
        let repo = self.inner.clone();
        self.spawn(env, async move {
            Ok(record_or_null(repo.update(id, expect, patch).await?))
        })
    }

    /// Deletes the record if it is in state `expect`; resolves to whether it did.
    #[napi(
        ts_args_type = "id: string | number, expect: MediaState",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn delete<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        expect: String,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let id = id_of(&guard(|| read(env, &id, "id"))?)?;
        let expect = state(&expect)?;
        let repo = self.inner.clone();
        self.spawn(env, async move {
            Ok(JsOut(Value::Bool(repo.delete(id, expect).await?)))
        })
    }

    /// Claims records whose lease is over (they move to `deleting` until `leaseUntil`); with
    /// `deletedBefore`, committed records soft-deleted at or before it instead.
    #[napi(
        ts_args_type = "claim: { now: string, leaseUntil: string, limit: number, deletedBefore?: string }",
        ts_return_type = "Promise<StoredMediaRecord[]>"
    )]
    pub fn claim<'env>(
        &self,
        env: &'env Env,
        claim: Unknown,
    ) -> std::result::Result<PromiseRaw<'env, JsOut>, napi::Error<Code>> {
        let claim = js::claim_from_value(&guard(|| read(env, &claim, "claim"))?).map_err(bad)?;
        let repo = self.inner.clone();
        self.spawn(env, async move {
            let claimed = repo.claim(claim).await?;
            Ok(JsOut(Value::Array(
                claimed.iter().map(MediaRecord::to_value).collect(),
            )))
        })
    }

    /// Closes the database file; services using this repository fail from then on.
    #[napi]
    pub fn close(&self) {
        self.inner.close();
    }
}
