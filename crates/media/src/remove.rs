//! Reading and removing an owner's records: reads see committed records only; removal marks the record
//! `deleting` (with a lease), destroys the asset, then deletes the record, so a crash at any point is
//! finished by `sweep()`, never left half-done. Soft delete only stamps `deletedAt`; `purge` removes
//! what was soft-deleted long enough ago.

use crate::error::MediaError;
use crate::record::{MediaRecord, Patch, RecordId, State};
use crate::repository::{Claim, Deleted, ListQuery};
use crate::service::{now_iso, time_in, MediaService};
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};

/// Records claimed at once when purging.
const PURGE_BATCH: u32 = 100;

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

    /// Removes (asset, then record) everything soft-deleted at or before `older_than` (ISO 8601), batch
    /// by batch. Returns `{ purged: [public_id...], failed }`.
    ///
    /// Each batch is claimed in one atomic step of the repository that checks the soft delete itself
    /// (`claim` with `deletedBefore`): a record restored, on this replica or another, after the purge
    /// began is never taken, and two purges never take the same record.
    pub async fn purge(&self, older_than: &str) -> Result<Value, MediaError> {
        let Some(before) = cirrus_core::time::parse_iso8601_ms(older_than) else {
            return Err(MediaError::new(
                ErrorCode::InvalidArgument,
                "olderThan must be a Date or an ISO 8601 time",
            ));
        };
        // The form records are stored in, so that adapters comparing text compare like with like.
        let before = cirrus_core::time::iso8601_ms(before);
        let mut purged = Vec::new();
        let mut failed = 0u64;
        loop {
            let claim = Claim {
                now: now_iso(),
                lease_until: time_in(self.options.pending_ttl),
                limit: PURGE_BATCH,
                deleted_before: Some(before.clone()),
            };
            let batch = self.repo_call("claim", self.repo.claim(claim)).await?;
            if batch.is_empty() {
                break;
            }
            let mut ignored = false;
            for record in &batch {
                // Claimed: finished here, or by the next sweep when its lease ends.
                let done = self.retire(record, State::Deleting).await.is_ok();
                if record.deleted_at.is_none() {
                    // An adapter that does not know `deletedBefore` claimed expired records instead:
                    // finishing them is what a sweep does, but nothing soft-deleted was purged.
                    ignored = true;
                } else if done {
                    purged.push(Value::from(record.public_id.as_str()));
                } else {
                    failed += 1;
                }
            }
            if ignored {
                return Err(MediaError::new(
                    ErrorCode::RepositoryFailed,
                    "repository claim ignored deletedBefore (purge needs it: see the repository contract)",
                ));
            }
        }
        let mut report = Map::new();
        report.set("purged", Value::Array(purged));
        report.set("failed", Value::Number(failed as f64));
        Ok(Value::Object(report))
    }
}
