//! The bound on an owner's direct-upload intents (`maxPendingDirectUploads`).
//!
//! Each intent is a pending row for `directUploadTtl`: without a bound, one signed-in client could fill
//! the repository by asking for signatures. An intent is stored first and counted after, and it stays
//! only if the owner's live intents, itself included, are within the limit. Each request counts after
//! its own insert, so of two racing requests the later one sees the earlier: the intents kept never
//! exceed the limit, whatever the number of requests and replicas (racing requests near the limit may
//! all be refused, and ask again). Counted through `list()`: no repository change.

use crate::error::MediaError;
use crate::record::{MediaRecord, State};
use crate::repository::ListQuery;
use crate::service::{next_cursor, now_iso, MediaService};
use cirrus_core::ErrorCode;

/// Records per page of the count.
const PAGE: u32 = 1000;
/// Pages read at most. An owner with more pending records than this (intents whose lease ended and
/// that no sweep removed) is refused rather than read through on every signature.
const MOST_PAGES: u32 = 5;

impl MediaService {
    /// Whether `intent` (just stored) may stay: its owner's live intents, itself included, are within
    /// the limit; otherwise `TOO_MANY_PENDING`, saying when the earliest lease ends. Records whose lease
    /// ended are the sweep's and do not count, as in `claim`. The caller deletes the intent on any error.
    pub(crate) async fn admit_intent(&self, intent: &MediaRecord) -> Result<(), MediaError> {
        let Some(limit) = self.options.max_pending_direct_uploads else {
            return Ok(());
        };
        let now = now_iso();
        let mut live: u64 = 0;
        let mut earliest: Option<String> = None;
        let mut after = None;
        let mut read_all = false;
        for _ in 0..MOST_PAGES {
            let query = ListQuery {
                owner_id: Some(intent.owner_id.clone()),
                state: Some(State::Pending),
                after: after.clone(),
                limit: PAGE,
                ..ListQuery::default()
            };
            let page = self.repo_call("list", self.repo.list(query)).await?;
            for record in page.items.iter().filter(|r| r.lease_running(&now)) {
                live += 1;
                let lease = record.lease_until.as_deref().unwrap_or_default();
                if record.id != intent.id && earliest.as_deref().is_none_or(|e| lease < e) {
                    earliest = Some(lease.to_owned());
                }
            }
            if live > u64::from(limit) {
                break;
            }
            match next_cursor(&after, page.next)? {
                Some(next) => after = Some(next),
                None => {
                    read_all = true;
                    break;
                }
            }
        }
        if read_all && live <= u64::from(limit) {
            return Ok(());
        }
        let message = if live > u64::from(limit) {
            format!(
                "this owner has {limit} direct uploads prepared and neither adopted nor expired (maxPendingDirectUploads): adopt or cancel one, or ask again after {}",
                earliest.as_deref().unwrap_or("the earliest lease ends")
            )
        } else {
            format!(
                "this owner has more than {} pending records (intents whose lease ended are removed by sweep(): is it running?)",
                PAGE * MOST_PAGES
            )
        };
        Err(MediaError::new(ErrorCode::TooManyPending, message))
    }
}
