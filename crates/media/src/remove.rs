//! Reading and removing an owner's records: reads see committed records only; removal marks the record
//! `deleting` (with a lease), destroys the asset, then deletes the record, so a crash at any point is
//! finished by `sweep()`, never left half-done. Soft delete only stamps `deletedAt`; `purge` removes
//! what was soft-deleted long enough ago.

use crate::error::MediaError;
use crate::record::{MediaRecord, Patch, RecordId, State};
use crate::repository::{Deleted, ListQuery};
use crate::service::{now_iso, MediaService, Retired};
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};

/// Records per page when purging.
const PURGE_PAGE: u32 = 100;

impl MediaService {
    /// The owner's committed record `id`, or `NOT_FOUND` (another owner's record is not found either).
    pub(crate) async fn owned(
        &self,
        id: &RecordId,
        owner_id: &str,
    ) -> Result<MediaRecord, MediaError> {
        match self.get(id).await? {
            Some(r) if r.owner_id == owner_id && r.state == State::Committed => Ok(r),
            _ => Err(MediaError::new(
                ErrorCode::NotFound,
                format!("no media {id} for this owner"),
            )),
        }
    }

    /// The owner's committed record (soft-deleted ones included), as callers see it.
    pub async fn find(&self, id: &RecordId, owner_id: &str) -> Result<Value, MediaError> {
        Ok(self.present(&self.owned(id, owner_id).await?))
    }

    /// One page of the owner's committed records: `{ items, next }`.
    pub async fn list_owned(
        &self,
        owner_id: &str,
        deleted: Deleted,
        after: Option<String>,
        limit: u32,
    ) -> Result<Value, MediaError> {
        let query = ListQuery {
            owner_id: Some(owner_id.to_owned()),
            state: Some(State::Committed),
            deleted,
            after,
            limit: limit.clamp(1, 1000),
            ..ListQuery::default()
        };
        let page = self.repo_call("list", self.repo.list(query)).await?;
        let mut out = Map::new();
        out.set(
            "items",
            Value::Array(page.items.iter().map(|r| self.present(r)).collect()),
        );
        out.set("next", page.next.map_or(Value::Null, Value::String));
        Ok(Value::Object(out))
    }

    /// Owner-scoped delete: the record goes `deleting`, the asset is destroyed (already gone is fine),
    /// then the record is deleted. If the destroy fails the record stays `deleting` (invisible to reads)
    /// and `sweep()` finishes it once its lease ends.
    pub async fn remove(&self, id: &RecordId, owner_id: &str) -> Result<Value, MediaError> {
        let record = self.owned(id, owner_id).await?;
        self.retire(&record, State::Committed).await.map_err(|e| {
            e.note("the record is marked for deletion and the next sweep() finishes it")
        })?;
        Ok(self.present(&record))
    }

    /// Marks a record deleted (the asset stays until `purge`).
    pub async fn soft_remove(&self, id: &RecordId, owner_id: &str) -> Result<Value, MediaError> {
        self.stamp_deleted(id, owner_id, Some(now_iso())).await
    }

    /// Undoes `soft_remove`.
    pub async fn restore(&self, id: &RecordId, owner_id: &str) -> Result<Value, MediaError> {
        self.stamp_deleted(id, owner_id, None).await
    }

    async fn stamp_deleted(
        &self,
        id: &RecordId,
        owner_id: &str,
        deleted_at: Option<String>,
    ) -> Result<Value, MediaError> {
        let record = self.owned(id, owner_id).await?;
        let patch = Patch {
            deleted_at: Some(deleted_at),
            ..Patch::default()
        };
        let id = record.id.clone().unwrap_or_else(|| id.clone());
        match self.update(&id, State::Committed, patch).await? {
            Some(r) => Ok(self.present(&r)),
            None => Err(MediaError::new(
                ErrorCode::NotFound,
                format!("media {id} is being removed"),
            )),
        }
    }

    /// Removes (asset, then record) everything soft-deleted at or before `older_than` (ISO 8601), page by
    /// page. Returns `{ purged: [public_id...], failed }`.
    pub async fn purge(&self, older_than: &str) -> Result<Value, MediaError> {
        let Some(before) = cirrus_core::time::parse_iso8601_ms(older_than) else {
            return Err(MediaError::new(
                ErrorCode::InvalidArgument,
                "olderThan must be a Date or an ISO 8601 time",
            ));
        };
        let mut purged = Vec::new();
        let mut failed = 0u64;
        let mut after = None;
        loop {
            let query = ListQuery {
                state: Some(State::Committed),
                deleted: Deleted::Only,
                deleted_before: Some(older_than.to_owned()),
                after: after.take(),
                limit: PURGE_PAGE,
                ..ListQuery::default()
            };
            let page = self.repo_call("list", self.repo.list(query)).await?;
            for record in &page.items {
                // The listing may be stale: a record restored (or deleted again, later) since is put
                // back rather than purged. (A time this cannot read is the listing's to judge.)
                let still_due = |current: &MediaRecord| {
                    current.deleted_at.as_deref().is_some_and(|at| {
                        cirrus_core::time::parse_iso8601_ms(at).is_none_or(|at| at <= before)
                    })
                };
                match self.retire_if(record, State::Committed, still_due).await {
                    Ok(Retired::Done) => purged.push(Value::from(record.public_id.as_str())),
                    Ok(Retired::Taken | Retired::Kept) => {}
                    Err(_) => failed += 1,
                }
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let mut report = Map::new();
        report.set("purged", Value::Array(purged));
        report.set("failed", Value::Number(failed as f64));
        Ok(Value::Object(report))
    }
}
