//! The sweeper: finishes pending and deleting records whose lease is over (a crashed process, a failed
//! cleanup, a direct upload never adopted). Each record names exactly one asset, so the sweeper never
//! lists the account: it destroys that asset if it exists, then drops the record (or, while a signature
//! given for its public_id still runs, keeps it `deleting` until then: see `MediaService::retire`).
//!
//! Safe on every replica at once: records are claimed atomically by the repository (moved to `deleting`
//! with a fresh lease), so two sweepers never work on one record; a sweeper that dies mid-way leaves its
//! claims to expire and be claimed again.

use crate::error::MediaError;
use crate::record::{MediaRecord, State};
use crate::repository::Claim;
use crate::service::{now_iso, time_in, MediaService};
use cirrus_core::{Map, Value};
use futures_util::stream::{self, StreamExt};

/// Records claimed at once (by a sweep, by a purge).
pub(crate) const BATCH: u32 = 50;
/// Destroys in flight at once (a sweep's, a purge's).
pub(crate) const CONCURRENCY: usize = 8;

/// What one `sweep()` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Records claimed.
    pub claimed: u64,
    /// Records finished: asset destroyed or already gone, record dropped (or kept `deleting` while a
    /// signature given for its public_id still runs, to be finished by a later sweep).
    pub finished: u64,
    /// Records whose destroy or delete failed (claimed again once their new lease ends).
    pub failed: u64,
}

impl SweepReport {
    /// `{ claimed, finished, failed }`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.set("claimed", Value::Number(self.claimed as f64));
        m.set("finished", Value::Number(self.finished as f64));
        m.set("failed", Value::Number(self.failed as f64));
        Value::Object(m)
    }
}

impl MediaService {
    /// Claims and finishes expired pending/deleting records, batch by batch, up to `max` records.
    pub async fn sweep(&self, max: u64) -> Result<SweepReport, MediaError> {
        let mut report = SweepReport::default();
        while report.claimed < max {
            let claim = Claim {
                now: now_iso(),
                lease_until: time_in(self.options.pending_ttl),
                limit: BATCH.min(u32::try_from(max - report.claimed).unwrap_or(BATCH)),
                deleted_before: None,
            };
            let batch = self.repo_call("claim", self.repo.claim(claim)).await?;
            if batch.is_empty() {
                break;
            }
            report.claimed += batch.len() as u64;
            let results: Vec<bool> = stream::iter(batch)
                .map(|record| async move { self.finish(&record).await.is_ok() })
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
            let finished = results.iter().filter(|ok| **ok).count() as u64;
            report.finished += finished;
            report.failed += results.len() as u64 - finished;
        }
        Ok(report)
    }

    /// Destroys a claimed record's asset (if it exists) and drops the record.
    async fn finish(&self, record: &MediaRecord) -> Result<(), MediaError> {
        self.retire(record, State::Deleting).await.map(|_| ())
    }
}
