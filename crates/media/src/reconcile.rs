//! The drift check: the cloud and the repository compared page by page (memory bounded at any account
//! size). Not the normal recovery path (that is `sweep()`): it catches what should never happen — an
//! asset under the service's folder that no record names, a committed record whose asset is gone.
//!
//! Its cutoff is taken when it starts: an asset created after it (an upload whose record is being
//! written right now) is never touched. Every candidate is checked again right before acting: an asset
//! is destroyed only if no record of any state names it (a record of its resource type and type: the
//! same public_id under another resource type is another asset), and a record is removed only if its asset is
//! confirmed missing by a direct lookup.

use crate::error::MediaError;
use crate::record::{MediaRecord, State};
use crate::repository::{Deleted, ListQuery};
use crate::service::{now_ms, MediaService};
use cirrus_core::time::{iso8601_ms, parse_iso8601_ms};
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};
use cirrus_transport::CancellationToken;
use std::collections::{BTreeMap, HashSet};

/// Records per repository page (and per Admin API lookup by public ids, whose limit is 100).
const RECORD_PAGE: u32 = 100;
/// Ids listed by kind in the report (the counts are always complete).
const REPORT_IDS: usize = 100;

/// What one `reconcile()` found and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Cloud assets looked at.
    pub checked_assets: u64,
    /// Committed records looked at.
    pub checked_records: u64,
    /// Assets destroyed because no record names them.
    pub destroyed_assets: Vec<String>,
    /// How many assets were destroyed.
    pub destroyed_count: u64,
    /// Records removed because their asset is gone.
    pub removed_records: Vec<String>,
    /// How many records were removed.
    pub removed_count: u64,
}

impl ReconcileReport {
    /// `{ checkedAssets, checkedRecords, destroyedAssets, destroyedCount, removedRecords, removedCount }`.
    pub fn to_value(&self) -> Value {
        let list =
            |ids: &[String]| Value::Array(ids.iter().map(|s| Value::from(s.as_str())).collect());
        let mut m = Map::new();
        m.set("checkedAssets", Value::Number(self.checked_assets as f64));
        m.set("checkedRecords", Value::Number(self.checked_records as f64));
        m.set("destroyedAssets", list(&self.destroyed_assets));
        m.set("destroyedCount", Value::Number(self.destroyed_count as f64));
        m.set("removedRecords", list(&self.removed_records));
        m.set("removedCount", Value::Number(self.removed_count as f64));
        Value::Object(m)
    }

    fn destroyed(&mut self, id: &str) {
        self.destroyed_count += 1;
        if self.destroyed_assets.len() < REPORT_IDS {
            self.destroyed_assets.push(id.to_owned());
        }
    }

    fn removed(&mut self, id: &str) {
        self.removed_count += 1;
        if self.removed_records.len() < REPORT_IDS {
            self.removed_records.push(id.to_owned());
        }
    }
}

impl MediaService {
    /// Compares the cloud under the service's folder with the repository and repairs the drift.
    pub async fn reconcile(&self) -> Result<ReconcileReport, MediaError> {
        let cutoff_ms = now_ms() - self.options.reconcile_grace.as_millis() as i64;
        let mut report = ReconcileReport::default();
        for rt in ["image", "video", "raw"] {
            self.reconcile_assets(rt, cutoff_ms, &mut report).await?;
        }
        self.reconcile_records(cutoff_ms, &mut report).await?;
        Ok(report)
    }

    /// Destroys assets under the folder, older than the cutoff, that no record names.
    async fn reconcile_assets(
        &self,
        rt: &str,
        cutoff_ms: i64,
        report: &mut ReconcileReport,
    ) -> Result<(), MediaError> {
        let kind = self.options.delivery_type();
        let path = format!("resources/{rt}/{kind}");
        let prefix = format!("{}/", self.options.folder);
        let settings = self.settings(rt)?;
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![
                ("prefix", prefix.clone()),
                (
                    "max_results",
                    self.options.reconcile_page_size.clamp(1, 500).to_string(),
                ),
            ];
            if let Some(c) = &cursor {
                query.push(("next_cursor", c.clone()));
            }
            let page = self
                .transport
                .admin_get(&path, &query, &settings, &CancellationToken::new())
                .await?;
            for asset in page.get("resources").as_array().unwrap_or_default() {
                report.checked_assets += 1;
                let public_id = asset.get("public_id").to_js_string();
                let created = asset
                    .get("created_at")
                    .as_str()
                    .and_then(parse_iso8601_ms)
                    .unwrap_or(i64::MAX);
                if created > cutoff_ms {
                    continue;
                }
                let named = self
                    .repo_call(
                        "findByPublicId",
                        self.repo.find_by_public_id(public_id.clone()),
                    )
                    .await?;
                // Named only by a record of this resource type and type: the same public_id under
                // another resource type (a browser posting the signed params to /raw/upload) is not
                // the record's asset.
                if named.is_some_and(|r| r.resource_type == rt && r.kind == kind) {
                    continue;
                }
                let orphan = MediaRecord {
                    public_id: public_id.clone(),
                    resource_type: rt.to_owned(),
                    kind: kind.clone(),
                    ..self.intent("-", rt, self.options.pending_ttl)
                };
                if self.destroy_asset(&orphan).await.is_ok() {
                    report.destroyed(&public_id);
                }
            }
            match page.get("next_cursor").as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return Ok(()),
            }
        }
    }

    /// Removes committed records, older than the cutoff, whose asset is confirmed gone.
    async fn reconcile_records(
        &self,
        cutoff_ms: i64,
        report: &mut ReconcileReport,
    ) -> Result<(), MediaError> {
        let mut after = None;
        loop {
            let query = ListQuery {
                state: Some(State::Committed),
                deleted: Deleted::Include,
                created_before: Some(iso8601_ms(cutoff_ms)),
                after: after.clone(),
                limit: RECORD_PAGE,
                ..ListQuery::default()
            };
            let page = self.repo_call("list", self.repo.list(query)).await?;
            report.checked_records += page.items.len() as u64;
            let mut groups: BTreeMap<(String, String), Vec<&MediaRecord>> = BTreeMap::new();
            for r in &page.items {
                groups
                    .entry((r.resource_type.clone(), r.kind.clone()))
                    .or_default()
                    .push(r);
            }
            for ((rt, kind), records) in groups {
                let found = self.existing_ids(&rt, &kind, &records).await?;
                for record in records
                    .into_iter()
                    .filter(|r| !found.contains(&r.public_id))
                {
                    if self.confirmed_missing(record).await? {
                        if let Some(id) = &record.id {
                            if self.delete(id, State::Committed).await? {
                                report.removed(&record.public_id);
                            }
                        }
                    }
                }
            }
            match crate::service::next_cursor(&after, page.next)? {
                Some(next) => after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Which of `records`' assets exist (one Admin API lookup by public ids).
    async fn existing_ids(
        &self,
        rt: &str,
        kind: &str,
        records: &[&MediaRecord],
    ) -> Result<HashSet<String>, MediaError> {
        let query: Vec<(&str, String)> = records
            .iter()
            .map(|r| ("public_ids[]", r.public_id.clone()))
            .chain([("max_results", RECORD_PAGE.to_string())])
            .collect();
        let page = self
            .transport
            .admin_get(
                &format!("resources/{rt}/{kind}"),
                &query,
                &self.settings(rt)?,
                &CancellationToken::new(),
            )
            .await?;
        Ok(page
            .get("resources")
            .as_array()
            .unwrap_or_default()
            .iter()
            .map(|a| a.get("public_id").to_js_string())
            .collect())
    }

    /// Whether a direct lookup says the record's asset does not exist (404).
    async fn confirmed_missing(&self, record: &MediaRecord) -> Result<bool, MediaError> {
        match self.lookup(record).await {
            Ok(_) => Ok(false),
            Err(e) if e.code == ErrorCode::NotFound => Ok(true),
            Err(e) => Err(e.into()),
        }
    }
}
