//! Reading and removing an owner's records: reads see committed records only; removal marks the record
//! `deleting` (with a lease), destroys the asset, then deletes the record (a direct upload's, once the
//! signatures given for it have expired: `MediaService::retire`), so a crash at any point is finished by
//! `sweep()`, never left half-done. Soft delete only stamps `deletedAt`; `purge` removes
//! what was soft-deleted long enough ago.

use crate::error::MediaError;
use crate::record::{MediaRecord, Patch, RecordId, State};
use crate::repository::{Claim, Deleted, ListQuery};
use crate::service::{now_iso, time_in, MediaService};
use crate::sweep::{BATCH, CONCURRENCY};
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};
use futures_util::stream::{self, StreamExt};
use std::collections::HashSet;

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
    /// then the record is deleted (a direct upload's is kept `deleting`, invisible, until its signature
    /// has expired, and the sweep deletes it then). If the destroy fails the record stays `deleting`
    /// (invisible to reads) and `sweep()` finishes it once its lease ends.
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

    /// A committed record soft-deleted at or before `before`, if one is left.
    async fn first_due(&self, before: &str) -> Result<Option<MediaRecord>, MediaError> {
        let query = ListQuery {
            state: Some(State::Committed),
            deleted: Deleted::Only,
            deleted_before: Some(before.to_owned()),
            limit: 1,
            ..ListQuery::default()
        };
        let page = self.repo_call("list", self.repo.list(query)).await?;
        Ok(page.items.into_iter().next())
    }

    /// Removes (asset, then record, as `remove` does) everything soft-deleted at or before `older_than`
    /// (ISO 8601), batch by batch. Returns `{ purged: [public_id...], failed }`.
    ///
    /// Each batch is claimed in one atomic step of the repository that checks the soft delete itself
    /// (`claim` with `deletedBefore`): a record restored, on this replica or another, after the purge
    /// began is never taken, and two purges never take the same record.
    pub async fn purge(&self, older_than: &str) -> Result<Value, MediaError> {
        let Some(before_ms) = cirrus_core::time::parse_iso8601_ms(older_than) else {
            return Err(MediaError::new(
                ErrorCode::InvalidArgument,
                "olderThan must be a Date or an ISO 8601 time",
            ));
        };
        // The form records are stored in, so that adapters comparing text compare like with like.
        let before = cirrus_core::time::iso8601_ms(before_ms);
        let due = |r: &MediaRecord| {
            r.deleted_at
                .as_deref()
                .and_then(cirrus_core::time::parse_iso8601_ms)
                .is_some_and(|at| at <= before_ms)
        };
        let mut purged = Vec::new();
        let mut failed = 0u64;
        let mut seen = HashSet::new();
        let mut empty_with_due = 0;
        loop {
            let claim = Claim {
                now: now_iso(),
                lease_until: time_in(self.options.pending_ttl),
                limit: BATCH,
                deleted_before: Some(before.clone()),
            };
            let batch = self.repo_call("claim", self.repo.claim(claim)).await?;
            if batch.is_empty() {
                // Nothing claimed while a due record is still there: a claim that ignores
                // `deletedBefore`, unless another purge held that record for a moment (asked again).
                if self.first_due(&before).await?.is_none() {
                    break;
                }
                empty_with_due += 1;
                if empty_with_due == 3 {
                    return Err(ignored_deleted_before());
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
            empty_with_due = 0;
            // A claim that ignores `deletedBefore` returns what is not due (expired pending or
            // deleting records, a sweep's), or the same records again: those are left to the sweep.
            let (mine, not_due): (Vec<_>, Vec<_>) = batch
                .into_iter()
                .partition(|r| due(r) && r.id.as_ref().is_some_and(|id| seen.insert(id.clone())));
            let results: Vec<(String, bool)> = stream::iter(mine)
                .map(|record| async move {
                    let done = self.retire(&record, State::Deleting).await.is_ok();
                    (record.public_id, done)
                })
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
            for (public_id, done) in results {
                if done {
                    purged.push(Value::from(public_id));
                } else {
                    failed += 1; // left `deleting`: the next sweep finishes it
                }
            }
            if !not_due.is_empty() {
                return Err(ignored_deleted_before());
            }
        }
        let mut report = Map::new();
        report.set("purged", Value::Array(purged));
        report.set("failed", Value::Number(failed as f64));
        Ok(Value::Object(report))
    }
}

/// A repository whose `claim` does not apply `deletedBefore` (written before `purge` needed it).
fn ignored_deleted_before() -> MediaError {
    MediaError::new(
        ErrorCode::RepositoryFailed,
        "repository claim ignored deletedBefore (purge needs it: see the repository contract)",
    )
}
