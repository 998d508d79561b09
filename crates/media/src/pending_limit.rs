//! The bound on an owner's direct-upload intents (`maxPendingDirectUploads`).
//!
//! Each intent is a pending row for `directUploadTtl`, and its signature can store an asset until it
//! expires: without a bound, one signed-in client could fill the repository (and the cloud) by asking
//! for signatures. An intent is stored first and counted after, and it stays
//! only if the owner's live intents, itself included, are within the limit. Each request counts after
//! its own insert, so of two racing requests the later one sees the earlier: the intents kept never
//! exceed the limit, whatever the number of requests and replicas (racing requests near the limit may
//! all be refused, and ask again). Counted through `list()`: no repository change.

use crate::error::MediaError;
use crate::record::{MediaRecord, State};
use crate::repository::{Deleted, ListQuery};
use crate::service::{next_cursor, now_iso, MediaService};
use cirrus_core::ErrorCode;

/// Records per page of the count.
const PAGE: u32 = 1000;
/// Pages read at most. An owner with more pending records than this (intents whose lease ended and
/// that no sweep removed) is refused rather than read through on every signature.
const MOST_PAGES: u32 = 5;

impl MediaService {
    /// Whether `intent` (just stored) may stay: its owner's live intents, itself included, are within
    /// the limit; otherwise `TOO_MANY_PENDING`, saying when the earliest one ends. Live: a pending record
    /// whose lease runs (one whose lease ended is the sweep's, as in `claim`), and a `deleting` one whose
    /// signature still runs (cancelled, refused, or adopted and removed: its signature can still store an
    /// asset, so ending an intent does not free its place before the signature expires; otherwise
    /// sign-then-cancel would hand out live signatures without bound). The caller deletes the intent on
    /// any error.
    pub(crate) async fn admit_intent(&self, intent: &MediaRecord) -> Result<(), MediaError> {
        let Some(limit) = self.options.max_pending_direct_uploads else {
            return Ok(());
        };
        let now = now_iso();
        let mut live: u64 = 0;
        // Other intents being counted at this moment (stored, not signed yet): racing requests.
        let mut counting: u64 = 0;
        let mut earliest: Option<String> = None;
        for state in [State::Pending, State::Deleting] {
            // Until when a record holds its place, if it does now.
            let holds_until = |r: &MediaRecord| -> Option<String> {
                match state {
                    State::Pending if r.lease_running(&now) => r.lease_until.clone(),
                    State::Deleting => r.signed_until.clone().filter(|until| *until > now),
                    _ => None,
                }
            };
            let mut after = None;
            let mut read_all = false;
            for _ in 0..MOST_PAGES {
                let query = ListQuery {
                    owner_id: Some(intent.owner_id.clone()),
                    state: Some(state),
                    // Soft-deleted ones too: a record soft-deleted, then removed or purged, keeps its
                    // `deletedAt`, and its signature runs all the same.
                    deleted: Deleted::Include,
                    after: after.clone(),
                    limit: PAGE,
                    ..ListQuery::default()
                };
                let page = self.repo_call("list", self.repo.list(query)).await?;
                for record in &page.items {
                    let Some(until) = holds_until(record) else {
                        continue;
                    };
                    live += 1;
                    if record.id == intent.id {
                        continue;
                    }
                    if record.awaiting_signature() {
                        counting += 1;
                    } else if earliest.as_deref().is_none_or(|e| *until < *e) {
                        earliest = Some(until);
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
            if live > u64::from(limit) {
                return Err(too_many(live - 1 - counting, counting, limit, earliest));
            }
            if !read_all {
                return Err(MediaError::new(
                    ErrorCode::TooManyPending,
                    format!(
                        "this owner has more than {} {} records (ended intents are removed by sweep(): is it running?)",
                        PAGE * MOST_PAGES,
                        state.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// `TOO_MANY_PENDING`: `held` places taken by signatures that still run, `counting` by other requests
/// being signed at this moment, and when the earliest of the held ones ends (if any).
fn too_many(held: u64, counting: u64, limit: u32, earliest: Option<String>) -> MediaError {
    let racing = if counting > 0 {
        format!(" (and {counting} more being signed at this moment: requests racing at the bound may all be refused)")
    } else {
        String::new()
    };
    let again = earliest.map_or_else(
        || "ask again in a moment".to_owned(),
        |at| ["adopt one, or ask again after ", &at].concat(),
    );
    MediaError::new(
        ErrorCode::TooManyPending,
        format!(
            "this owner has {held} direct uploads whose signatures still run, other than adopted ones it keeps{racing}; the bound is {limit} (maxPendingDirectUploads: pending ones, and cancelled, refused, removed or purged ones until their signature expires): {again}"
        ),
    )
}
