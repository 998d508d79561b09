//! The repository contract: where records live. The repository, not process memory, is what makes the
//! lifecycle safe across processes and replicas, so every adapter promises the same things:
//!
//! - `insert` is atomic and enforces two uniqueness rules: one record per `public_id`, and one per
//!   `(ownerId, idempotencyKey)` when the key is set. On a conflict it stores nothing and returns the
//!   existing record with `created: false`.
//! - `update` and `delete` are compare-and-set on the state: they apply only if the record is still in
//!   the expected state, and say whether they did.
//! - `claim` atomically moves up to `limit` records whose lease is over (pending or deleting) to
//!   `deleting` with a new lease and returns them; two concurrent claims never return the same record
//!   (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one write transaction). With `deletedBefore` it
//!   claims committed records soft-deleted at or before that time instead (`purge`): the condition is
//!   checked in the same atomic step, so a record restored meanwhile is never taken.
//! - `list` pages in a stable order; `next` is an opaque cursor (`None` on the last page).
//!
//! Adapters: [`crate::SqliteRepository`] (embedded), the Node package's PostgreSQL adapter, and any host
//! object bridged by the Node addon; `cirrus/testing`'s `repositoryContract()` checks one.

use crate::record::{MediaRecord, Patch, RecordId, State};
use futures_util::future::BoxFuture;

/// A repository call's failure, as the host reported it (logged; callers get a generic message).
pub type RepoResult<T> = Result<T, String>;

/// What `insert` did.
#[derive(Clone, Debug, PartialEq)]
pub struct Inserted {
    /// The stored record (ours, or the one already there).
    pub record: MediaRecord,
    /// `false` when a record with the same public_id or `(ownerId, idempotencyKey)` was already there.
    pub created: bool,
}

/// Which soft-deleted records a listing includes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Deleted {
    /// Only records that are not soft-deleted.
    #[default]
    Exclude,
    /// Both.
    Include,
    /// Only soft-deleted records.
    Only,
}

impl Deleted {
    /// `exclude`, `include` or `only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Deleted::Exclude => "exclude",
            Deleted::Include => "include",
            Deleted::Only => "only",
        }
    }
}

/// A listing: filters, and where the page starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    /// Only this owner's records.
    pub owner_id: Option<String>,
    /// Only records in this state.
    pub state: Option<State>,
    /// Soft-deleted records.
    pub deleted: Deleted,
    /// Only records soft-deleted at or before this time.
    pub deleted_before: Option<String>,
    /// Only records created at or before this time.
    pub created_before: Option<String>,
    /// The cursor of the previous page.
    pub after: Option<String>,
    /// Most records on a page (1 to 1000).
    pub limit: u32,
}

/// One page of a listing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The records, in the repository's stable order.
    pub items: Vec<MediaRecord>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// A sweeper's claim: records whose lease ended before `now` move to `deleting` until `lease_until`.
/// A purge's claim (`deleted_before` set): committed records soft-deleted at or before that time do.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// The time now (ISO 8601, milliseconds).
    pub now: String,
    /// The claimed records' new lease.
    pub lease_until: String,
    /// Most records to claim.
    pub limit: u32,
    /// Claim committed records soft-deleted at or before this time (ISO 8601) instead of expired ones.
    pub deleted_before: Option<String>,
}

/// Where media records live (see the module documentation for what every method promises).
pub trait Repository: Send + Sync {
    /// Inserts `record` (its `id` is ignored) unless its public_id or `(ownerId, idempotencyKey)` is taken.
    fn insert(&self, record: MediaRecord) -> BoxFuture<'_, RepoResult<Inserted>>;
    /// The record with this id.
    fn get(&self, id: RecordId) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>>;
    /// The record with this public_id.
    fn find_by_public_id(
        &self,
        public_id: String,
    ) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>>;
    /// One page of records.
    fn list(&self, query: ListQuery) -> BoxFuture<'_, RepoResult<Page>>;
    /// Applies `patch` if the record is in state `expect`; returns the updated record, or `None`.
    fn update(
        &self,
        id: RecordId,
        expect: State,
        patch: Patch,
    ) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>>;
    /// Deletes the record if it is in state `expect`; says whether it did.
    fn delete(&self, id: RecordId, expect: State) -> BoxFuture<'_, RepoResult<bool>>;
    /// Claims records whose lease is over (see [`Claim`]).
    fn claim(&self, claim: Claim) -> BoxFuture<'_, RepoResult<Vec<MediaRecord>>>;
}

/// The JS shapes of the contract's arguments and results, shared by the Node bridge (Rust calling a
/// host repository) and the native SQLite repository's JS methods (JS calling Rust).
pub mod js {
    use super::*;
    use crate::record::stored_time;
    use cirrus_core::{Map, Value};

    fn text(v: &Value) -> Option<String> {
        v.as_str().map(str::to_owned)
    }

    fn opt(v: &Option<String>) -> Value {
        v.as_ref()
            .map_or(Value::Undefined, |s| Value::String(s.clone()))
    }

    /// `{ ownerId?, state?, deleted, deletedBefore?, createdBefore?, after?, limit }`.
    pub fn list_query_to_value(q: &ListQuery) -> Value {
        let mut m = Map::new();
        m.set("ownerId", opt(&q.owner_id));
        m.set(
            "state",
            q.state.map_or(Value::Undefined, |s| s.as_str().into()),
        );
        m.set("deleted", q.deleted.as_str().into());
        m.set("deletedBefore", opt(&q.deleted_before));
        m.set("createdBefore", opt(&q.created_before));
        m.set("after", opt(&q.after));
        m.set("limit", Value::Number(f64::from(q.limit)));
        Value::Object(m)
    }

    /// The inverse of [`list_query_to_value`] (missing fields take their defaults; limit 100).
    pub fn list_query_from_value(v: &Value) -> Result<ListQuery, String> {
        let state = match v.get("state") {
            Value::Undefined | Value::Null => None,
            s => Some(
                State::parse(&s.to_js_string())
                    .ok_or_else(|| format!("unknown state {}", s.to_js_string()))?,
            ),
        };
        let deleted = match v.get("deleted").as_str() {
            None | Some("exclude") => Deleted::Exclude,
            Some("include") => Deleted::Include,
            Some("only") => Deleted::Only,
            Some(other) => {
                return Err(format!(
                    "deleted must be exclude, include or only, not {other}"
                ))
            }
        };
        Ok(ListQuery {
            owner_id: text(v.get("ownerId")),
            state,
            deleted,
            deleted_before: text(v.get("deletedBefore")),
            created_before: text(v.get("createdBefore")),
            after: match v.get("after") {
                Value::Number(n) => Some(cirrus_core::value::number_to_string(*n)),
                other => text(other),
            },
            limit: v
                .get("limit")
                .as_number_u64()
                .map_or(100, |n| n.clamp(1, 1000) as u32),
        })
    }

    /// `{ items, next }`.
    pub fn page_to_value(p: &Page) -> Value {
        let mut m = Map::new();
        m.set(
            "items",
            Value::Array(p.items.iter().map(MediaRecord::to_value).collect()),
        );
        m.set("next", p.next.clone().map_or(Value::Null, Value::String));
        Value::Object(m)
    }

    /// A page a host returned.
    pub fn page_from_value(v: &Value) -> Result<Page, String> {
        let items = v
            .get("items")
            .as_array()
            .ok_or("list() must resolve to { items, next }")?
            .iter()
            .map(MediaRecord::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        let next = match v.get("next") {
            Value::Undefined | Value::Null => None,
            Value::Number(n) => Some(cirrus_core::value::number_to_string(*n)),
            other => Some(other.to_js_string()).filter(|s| !s.is_empty()),
        };
        Ok(Page { items, next })
    }

    /// `{ record, created }`.
    pub fn inserted_to_value(i: &Inserted) -> Value {
        let mut m = Map::new();
        m.set("record", i.record.to_value());
        m.set("created", i.created.into());
        Value::Object(m)
    }

    /// What a host's `insert` returned.
    pub fn inserted_from_value(v: &Value) -> Result<Inserted, String> {
        let created = match v.get("created") {
            Value::Bool(b) => *b,
            _ => return Err("insert() must resolve to { record, created }".to_owned()),
        };
        Ok(Inserted {
            record: MediaRecord::from_value(v.get("record"))?,
            created,
        })
    }

    /// `{ now, leaseUntil, limit, deletedBefore? }` (`deletedBefore` only on a purge's claim).
    pub fn claim_to_value(c: &Claim) -> Value {
        let mut m = Map::new();
        m.set("now", c.now.as_str().into());
        m.set("leaseUntil", c.lease_until.as_str().into());
        m.set("limit", Value::Number(f64::from(c.limit)));
        if let Some(before) = &c.deleted_before {
            m.set("deletedBefore", before.as_str().into());
        }
        Value::Object(m)
    }

    /// The inverse of [`claim_to_value`].
    pub fn claim_from_value(v: &Value) -> Result<Claim, String> {
        let time = |k: &str| {
            Some(v.get(k))
                .filter(|t| matches!(t, Value::String(_)))
                .and_then(stored_time)
                .ok_or_else(|| format!("claim.{k} must be an ISO 8601 time"))
        };
        Ok(Claim {
            now: time("now")?,
            lease_until: time("leaseUntil")?,
            limit: v
                .get("limit")
                .as_number_u64()
                .map_or(50, |n| n.clamp(1, 1000) as u32),
            deleted_before: if v.get("deletedBefore").is_nullish() {
                None
            } else {
                Some(time("deletedBefore")?)
            },
        })
    }

    /// A patch a JS caller gave (`{ state?, version?, ..., deletedAt?: string | null, leaseUntil?: ..., signedUntil?: ... }`).
    pub fn patch_from_value(v: &Value) -> Result<Patch, String> {
        let count = |k: &str| v.get(k).as_number_u64();
        let time = |k: &str| -> Result<String, String> {
            stored_time(v.get(k)).ok_or_else(|| format!("patch.{k} must be an ISO 8601 time"))
        };
        let nullable = |k: &str| -> Result<Option<Option<String>>, String> {
            Ok(match v.get(k) {
                Value::Undefined => None,
                Value::Null => Some(None),
                _ => Some(Some(time(k)?)),
            })
        };
        Ok(Patch {
            state: match v.get("state") {
                Value::Undefined | Value::Null => None,
                s => Some(
                    State::parse(&s.to_js_string())
                        .ok_or_else(|| format!("unknown state {}", s.to_js_string()))?,
                ),
            },
            version: count("version"),
            format: text(v.get("format")),
            mime_type: text(v.get("mimeType")),
            bytes: count("bytes"),
            width: count("width"),
            height: count("height"),
            updated_at: nullable("updatedAt")?.flatten(),
            deleted_at: nullable("deletedAt")?,
            lease_until: nullable("leaseUntil")?,
            signed_until: nullable("signedUntil")?,
        })
    }
}
